#!/usr/bin/env bash
# Runs ConformanceTest's OpenBLAS and thread-count suites with OPENBLAS_CORETYPE set to one core
# type, for this test process only (the user's environment is never changed). Exits 77 (skipped)
# when this CPU cannot run that core's kernels.
#   under_openblas_core.sh CORE path/to/ConformanceTest
set -u
core=$1
test=$2
export OPENBLAS_CORETYPE=$core TUNELAB_EXPECT_OPENBLAS_CORE=$core

# The probe runs one product with that core's kernels: a CPU without their instructions dies
# with SIGILL, and an OpenBLAS that does not take the name runs another core.
probe=$("$test" --gtest_filter=OpenBlasCore.* 2>&1)
status=$?
if [ "$status" -ge 128 ]; then
  echo "SKIP: OpenBLAS core $core cannot run on this CPU (the probe died with signal $((status - 128)))"
  exit 77
elif [ "$status" -ne 0 ]; then
  echo "$probe" | grep -E "Which is|Expected|actual" | head -n 4
  echo "SKIP: this OpenBLAS does not run core $core when asked (see above)"
  exit 77
fi
exec "$test" --gtest_filter='OpenBlasCore.*:*/BackendThreads.*:*/BackendConformance.*/openblas*'
