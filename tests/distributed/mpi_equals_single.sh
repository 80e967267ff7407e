#!/usr/bin/env bash
# A study run by `mpirun -np 3` (rank 0 coordinates, ranks 1 and 2 execute) stores the same
# trials as the same study run by one process: every column of `tunelab export` but the
# timings. A command study (random search, 12 trials) and a model study (GP on MAGIC, 10
# trials of 3 epochs). Skipped (77) without mpirun, or when tunelab was built without MPI.
#   mpi_equals_single.sh <tunelab> <scratch dir> <data dir>
set -euo pipefail
tunelab=$1 scratch=$2 data=$3
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
source "$source_dir/tests/distributed/mpi_common.sh"

cat > command.yaml <<'YAML'
name: mpi-command
objective: {command: [sh, program.sh, $x, $y]}
search:
  strategy: random
  max_trials: 12
  metric: loss
  parameters:
    x: {min: 0.0, max: 1.0}
    y: {values: [a, bb, ccc]}
execution: {storage: command.db, output: out-command, parallel_trials: 2, seed: 7}
YAML
cat > program.sh <<'SH'
for e in 1 2 3; do awk -v x="$1" -v y="$2" -v e="$e" 'BEGIN { printf "{\"loss\": %.17g}\n", x * e + length(y) }'; done
SH

compare() {  # <experiment> <extra --set ...>
  local experiment=$1; shift
  "$tunelab" run "$experiment" "$@" --set execution.storage=single.db \
    --set execution.output=out-single > single.log 2>&1 || { cat single.log; exit 1; }
  timeout 600 mpirun -np 3 "$tunelab" run "$experiment" "$@" --set execution.storage=mpi.db \
    --set execution.output=out-mpi > mpi.log 2>&1 || { cat mpi.log; exit 1; }
  grep -q "MPI: 2 executor ranks" mpi.log || { echo "rank 0 did not coordinate:"; cat mpi.log; exit 1; }
  if ! diff <(columns single.db) <(columns mpi.db); then
    echo "FAIL: $experiment differs between one process and 3 ranks"; exit 1
  fi
  echo "$experiment: $(($(wc -l < single.db.csv) - 1)) trials, the same with 3 ranks"
  rm -f single.db* mpi.db*
}

compare command.yaml
compare "$source_dir/experiments/configs/magic_gp.yaml" --data-dir "$data" \
  --set train.epochs=3 --set search.max_trials=10 --set execution.backend=reference
