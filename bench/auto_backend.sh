#!/usr/bin/env bash
# Whole reference grid on openblas, onednn and auto under two OpenBLAS core types, each run
# measuring afresh (empty verdict cache); the core type is set for each tunelab process only.
#   bench/auto_backend.sh [runs]      (from the project root, after scripts/setup)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for core in Haswell SkylakeX; do
  for _ in $(seq "$runs"); do
    for backend in openblas onednn auto; do
      rm -rf "$scratch/out" "$scratch/cache"
      start=$(date +%s.%N)
      line=$(OPENBLAS_CORETYPE=$core TUNELAB_CACHE_DIR=$scratch/cache \
        build/release/bin/tunelab run experiments/configs/magic_grid.yaml \
        --set execution.backend=$backend --set execution.output="$scratch/out" |
        grep "backend auto" || true)
      end=$(date +%s.%N)
      printf '%s %s %.1f s %s\n' "$core" "$backend" "$(echo "$end - $start" | bc)" "$line"
    done
  done
done
