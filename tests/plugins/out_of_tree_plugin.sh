#!/usr/bin/env bash
# Installs tunelab into a scratch prefix, builds the example plugin as its own project with
# find_package(tunelab), and trains with its layer through the installed tunelab.
#   out_of_tree_plugin.sh <source dir> <build dir> <data dir>
set -euo pipefail
source_dir=$1
build_dir=$2
data_dir=$3
scratch="$build_dir/test-scratch/out-of-tree"
rm -rf "$scratch"
mkdir -p "$scratch"

cmake --install "$build_dir" --prefix "$scratch/prefix" > "$scratch/install.log"
cmake -S "$source_dir/plugins/examples" -B "$scratch/build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$scratch/prefix" -DCMAKE_BUILD_TYPE=Release > "$scratch/configure.log"
cmake --build "$scratch/build" > "$scratch/build.log"

"$scratch/prefix/bin/tunelab" plugins --plugin-dir "$scratch/build" | tee "$scratch/plugins.txt"
grep -q "gaussian_noise" "$scratch/plugins.txt"

if [ ! -f "$data_dir/magic04.csv" ]; then
  echo "SKIP: magic04.csv not found in '$data_dir'; the plugin built and loaded"
  exit 0
fi
"$scratch/prefix/bin/tunelab" train "$source_dir/plugins/examples/gaussian_noise/experiment.yaml" \
  --plugin-dir "$scratch/build" --data-dir "$data_dir" --set train.epochs=2 \
  -o "$scratch/run" | tee "$scratch/train.txt"
grep -q "gaussian_noise (GaussianNoise)" "$scratch/train.txt"
grep -q "Epoch 2/2" "$scratch/train.txt"
echo "out-of-tree plugin built against the installed package and trained"
