#!/usr/bin/env bash
# A study run by `mpirun -np 3` (rank 0 coordinates, ranks 1 and 2 execute) stores the same
# trials as the same study run by one process: every column of `tunelab export` but the
# timings. A command study (random search, 12 trials) and a model study (GP on MAGIC, 10
# trials of 3 epochs). Skipped (77) without mpirun, or when tunelab was built without MPI.
# With `srun` as the fourth argument the ranks are Slurm's (`srun -n 3 --overcommit
# --mpi=pmix`); skipped (77) where no Slurm controller answers.
#   mpi_equals_single.sh <tunelab> <scratch dir> <data dir> [mpirun|srun]
set -euo pipefail
tunelab=$1 scratch=$2 data=$3 launcher=${4:-mpirun}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
source "$source_dir/tests/distributed/mpi_common.sh"
launch=(mpirun -np 3)
if [ "$launcher" = srun ]; then
  command -v srun >/dev/null || { echo "SKIP: no srun (Slurm is not installed)"; exit 77; }
  timeout 10 sinfo -h -o %a 2>/dev/null | grep -q up ||
    { echo "SKIP: no Slurm controller answers here (sinfo)"; exit 77; }
  launch=(srun -n 3 --overcommit --mpi=pmix)
fi

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
  timeout 600 "${launch[@]}" "$tunelab" run "$experiment" "$@" --set execution.storage=mpi.db \
    --set execution.output=out-mpi > mpi.log 2>&1 || { cat mpi.log; exit 1; }
  grep -q "MPI: 2 executor ranks" mpi.log || { echo "rank 0 did not coordinate:"; cat mpi.log; exit 1; }
  # Where each trial ran: ranks 1 and 2 on this host, in the export and in `tunelab status`.
  "$tunelab" export mpi.db --format csv -o mpi.db.csv >/dev/null
  head -1 mpi.db.csv | grep -q ',rank,host,' || { echo "FAIL: no rank and host columns"; exit 1; }
  cut -d, -f10 mpi.db.csv | tail -n +2 | sort -u | tr '\n' ' ' | grep -qx '1 2 ' ||
    { echo "FAIL: trials did not run on ranks 1 and 2:"; cut -d, -f10 mpi.db.csv; exit 1; }
  "$tunelab" status mpi.db | grep -q "^Ran on: rank 1 on .* trials\?), rank 2 on " ||
    { echo "FAIL: tunelab status does not say where trials ran:"; "$tunelab" status mpi.db; exit 1; }
  if ! diff <(columns single.db) <(columns mpi.db); then
    echo "FAIL: $experiment differs between one process and 3 ranks"; exit 1
  fi
  echo "$experiment: $(($(wc -l < single.db.csv) - 1)) trials, the same with 3 ranks (${launch[0]})"
  rm -f single.db* mpi.db*
}

compare command.yaml
compare "$source_dir/experiments/configs/magic_gp.yaml" --data-dir "$data" \
  --set train.epochs=3 --set search.max_trials=10 --set execution.backend=reference

[ "$launcher" = mpirun ] || exit 0
# A rank that cannot read the data set (here: ranks 1 and 2 are given another data directory)
# stops the job before any trial runs, named with its host; the exit code is a bad input's.
# $TUNELAB_DATA_DIR would give them the data set after the directory they were given.
set +e
env -u TUNELAB_DATA_DIR timeout 300 \
  mpirun -np 1 "$tunelab" run "$source_dir/experiments/configs/magic_gp.yaml" \
  --data-dir "$data" --set execution.storage=bad.db --set execution.output=out-bad : \
  -np 2 "$tunelab" run "$source_dir/experiments/configs/magic_gp.yaml" \
  --data-dir "$PWD/no-such-dir" --set execution.storage=bad.db > bad.log 2>&1
code=$?
set -e
[ "$code" -eq 2 ] || { echo "FAIL: a rank without its data: exit $code, not 2"; cat bad.log; exit 1; }
grep -q "^error: rank [12] on .*: .*magic" bad.log ||
  { echo "FAIL: the error does not name the rank, host and file:"; cat bad.log; exit 1; }
echo "a rank without its data set: exit 2, $(grep -o '^error: rank [12] on [^:]*' bad.log)"
