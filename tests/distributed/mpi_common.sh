# Sourced by the MPI test scripts after setting `tunelab` and `scratch`: skips (77) without
# mpirun or when tunelab was built without MPI, lets Open MPI run here, and starts in a fresh
# scratch directory.
command -v mpirun >/dev/null || { echo "SKIP: no mpirun (apt-get install openmpi-bin)"; exit 77; }
if "$tunelab" version | grep -q "MPI: not built"; then
  echo "SKIP: this tunelab was built without MPI"; exit 77
fi
# Root in a container: Open MPI refuses root unless told, and its shared-memory single copy
# needs ptrace rights containers rarely give.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch"

# A study's trials as `tunelab export` writes them, every column but the timings and where
# each trial ran (seconds, peak_memory_kib, rank, host), in trial order.
columns() {
  "$tunelab" export "$1" --format csv -o "$1.csv" >/dev/null &&
    python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
keep = [i for i, name in enumerate(rows[0]) if name not in ("seconds", "peak_memory_kib", "rank", "host")]
for row in rows:
    print(",".join(row[i] for i in keep))' "$1.csv"
}
