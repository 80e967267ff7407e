#!/usr/bin/env bash
# An executor rank killed with SIGKILL mid-study ends the MPI job (Open MPI 4.1 aborts it);
# `tunelab run` again, without MPI, takes the study over, keeps every finished trial, runs
# again only the trials that were running and those never started, and the study equals an
# uninterrupted one. Skipped (77) without mpirun or MPI.
#   mpi_rank_killed.sh <tunelab> <scratch dir>
set -euo pipefail
tunelab=$1 scratch=$2
source "$(cd "$(dirname "$0")" && pwd)/mpi_common.sh"

cat > exp.yaml <<'YAML'
name: mpi-killed
objective: {command: [sh, program.sh, $x]}
search:
  strategy: grid
  metric: loss
  parameters:
    x: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}
execution: {storage: study.db, output: out, parallel_trials: 1, seed: 3}
YAML
cat > program.sh <<'SH'
for e in 1 2 3; do sleep 0.2; echo "{\"loss\": $(( $1 * 10 / e ))}"; done
SH

completed() { "$tunelab" status study.db 2>/dev/null | sed -n 's/^Trials: \([0-9]*\) complete.*/\1/p'; }

timeout 120 mpirun -np 3 "$tunelab" run exp.yaml > mpi.log 2>&1 &
launcher=$!
for _ in $(seq 1 200); do
  [ "$(completed)" -ge 2 ] 2>/dev/null && break
  sleep 0.1
done
victim=""
for pid in $(pgrep -f "tunelab run exp.yaml" || true); do
  if tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=2"; then
    victim=$pid
  fi
done
[ -n "$victim" ] || { echo "FAIL: no executor rank 2 found"; cat mpi.log; exit 1; }
kill -9 "$victim"
if wait "$launcher"; then echo "FAIL: the MPI job went on after a rank was killed"; exit 1; fi
before=$(completed)
echo "rank 2 (pid $victim) killed with $before trials complete"

"$tunelab" run exp.yaml > rerun.log 2>&1 || { cat rerun.log; exit 1; }
grep -q "Taking over study.db" rerun.log || { echo "FAIL: no take-over"; cat rerun.log; exit 1; }
ran=$(sed -n 's/^Ran \([0-9]*\) trials.*/\1/p' rerun.log)
[ "$ran" -eq $((12 - before)) ] || { echo "FAIL: the rerun ran $ran trials, not $((12 - before))"; exit 1; }

"$tunelab" run exp.yaml --set execution.storage=clean.db --set execution.output=out-clean \
  > clean.log 2>&1
if ! diff <(columns study.db) <(columns clean.db); then
  echo "FAIL: the resumed study differs from an uninterrupted one"; exit 1
fi
echo "the rerun kept $before finished trials, ran $ran, and equals an uninterrupted study"
