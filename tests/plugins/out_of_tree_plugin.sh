#!/usr/bin/env bash
# Installs tunelab into a scratch prefix, builds the example plugins (a layer, a strategy, a
# pruner) and their tests as their own project with find_package(tunelab), runs those tests on
# the installed plugin test kit, and uses each plugin through the installed tunelab.
#   out_of_tree_plugin.sh <source dir> <build dir> <data dir>
set -euo pipefail
source_dir=$1
build_dir=$2
data_dir=$3
scratch="$build_dir/test-scratch/out-of-tree"
rm -rf "$scratch"
mkdir -p "$scratch"

cmake --install "$build_dir" --prefix "$scratch/prefix" > "$scratch/install.log"
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# The installed test kit is objects compiled like the tree (sanitizers and their optimisation
# level included): the plugins are compiled and linked with the same flags.
cached() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"; }
build_type=$(cached CMAKE_BUILD_TYPE)
build_type=${build_type:-Release}
type_flags=CMAKE_CXX_FLAGS_${build_type^^}
cmake -S "$source_dir/plugins/examples" -B "$scratch/build" -G Ninja "${launcher[@]}" \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" -DCMAKE_BUILD_TYPE="$build_type" \
  -D"$type_flags"="$(cached "$type_flags")" \
  -DCMAKE_CXX_FLAGS="$(cached CMAKE_CXX_FLAGS)" \
  -DCMAKE_EXE_LINKER_FLAGS="$(cached CMAKE_EXE_LINKER_FLAGS)" \
  -DCMAKE_SHARED_LINKER_FLAGS="$(cached CMAKE_SHARED_LINKER_FLAGS)" > "$scratch/configure.log"
cmake --build "$scratch/build" > "$scratch/build.log"

# The examples' own tests: the kit's suites (tunelab::testing) instantiated with their factories.
ctest --test-dir "$scratch/build" -j 2 --output-on-failure > "$scratch/ctest.log" || {
  cat "$scratch/ctest.log"
  exit 1
}
for suite in GaussianNoise/LayerGradientCheck LatinHypercube/StrategyContract \
    Percentile/PrunerContract; do
  passed=$(grep -c "Test *#[0-9]*: $suite\..* Passed" "$scratch/ctest.log" || true)
  echo "kit suite $suite: $passed tests passed"
  [ "$passed" -gt 0 ]
done
grep -E "tests passed|tests failed" "$scratch/ctest.log"

"$scratch/prefix/bin/tunelab" plugins --plugin-dir "$scratch/build" | tee "$scratch/plugins.txt"
grep -q "layers: gaussian_noise" "$scratch/plugins.txt"
grep -q "strategies: latin_hypercube" "$scratch/plugins.txt"
grep -q "pruners: percentile" "$scratch/plugins.txt"

if [ ! -f "$data_dir/magic04.csv" ]; then
  echo "SKIP: magic04.csv not found in '$data_dir' (set TUNELAB_DATA_DIR, or put the data sets in ../shared/datasets beside the checkout); the plugin built and loaded"
  exit 0
fi
"$scratch/prefix/bin/tunelab" train "$source_dir/plugins/examples/gaussian_noise/experiment.yaml" \
  --plugin-dir "$scratch/build" --data-dir "$data_dir" --set train.epochs=2 \
  -o "$scratch/run" | tee "$scratch/train.txt"
grep -q "gaussian_noise (GaussianNoise)" "$scratch/train.txt"
grep -q "Epoch 2/2" "$scratch/train.txt"

# The example strategy, by name, in a study run by the installed tunelab.
cat > "$scratch/lhs.yaml" <<'YAML'
name: magic-lhs
data: {source: magic04, target: class}
model:
  layers:
    - {type: gaussian_noise, stddev: 0.05}
    - {type: dense, units: $units, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
train: {optimizer: {type: adam, learning_rate: $lr}, batch_size: 256, epochs: 1}
search:
  strategy: latin_hypercube
  max_trials: 4
  parameters:
    units: {min: 8, max: 64}
    lr: {min: 0.0001, max: 0.01, distribution: log_uniform}
YAML
"$scratch/prefix/bin/tunelab" run "$scratch/lhs.yaml" --plugin-dir "$scratch/build" \
  --data-dir "$data_dir" --set execution.output="$scratch/lhs" | tee "$scratch/lhs.txt"
grep -q "latin_hypercube search" "$scratch/lhs.txt"
grep -q "Trials: 4 complete" "$scratch/lhs.txt"

# The example pruner, by name, stops trials of a study run by the installed tunelab.
"$scratch/prefix/bin/tunelab" run "$source_dir/plugins/examples/percentile/study.yaml" \
  --plugin-dir "$scratch/build" --data-dir "$data_dir" \
  --set execution.output="$scratch/percentile" | tee "$scratch/percentile.txt"
grep -qE "Trials: [0-9]+ complete [1-9][0-9]* pruned" "$scratch/percentile.txt"
echo "out-of-tree plugins built against the installed package, passed the kit's suites, trained and pruned"
