#!/usr/bin/env bash
# A study across two "hosts" on this machine: a second network namespace (with its own host
# name), linked to this one by a veth pair, that Open MPI's launcher reaches through a small
# plm_rsh_agent (`ip netns exec`) instead of ssh; MPI travels over TCP on the veth link.
# Ranks 0 and 1 run here, ranks 2 and 3 on the other host. The study equals the same study
# run by one process, and its export and `tunelab status` name both hosts. Skipped (77) where
# namespaces cannot be created (not root, no CAP_SYS_ADMIN, no `ip`), without mpirun or MPI.
#   mpi_two_hosts.sh <tunelab> <scratch dir>
set -euo pipefail
tunelab=$1 scratch=$2
source "$(cd "$(dirname "$0")" && pwd)/mpi_common.sh"

host_b=tlhost$$
link_a=tla$$ link_b=tlb$$
subnet=10.$((RANDOM % 200 + 20)).$((RANDOM % 250)).
cleanup() {
  ip link del "$link_a" 2>/dev/null || true
  ip netns del "$host_b" 2>/dev/null || true
}
trap cleanup EXIT
if ! command -v ip >/dev/null || ! command -v unshare >/dev/null ||
   ! ip netns add "$host_b" 2>/dev/null; then
  echo "SKIP: cannot create a network namespace here (needs root or CAP_SYS_ADMIN, and iproute2)"
  exit 77
fi
ip link add "$link_a" type veth peer name "$link_b"
ip link set "$link_b" netns "$host_b"
ip addr add "${subnet}1/24" dev "$link_a" && ip link set "$link_a" up
ip netns exec "$host_b" ip addr add "${subnet}2/24" dev "$link_b"
ip netns exec "$host_b" ip link set "$link_b" up
ip netns exec "$host_b" ip link set lo up

# Open MPI's rsh launcher runs `<agent> <host> <command...>`: here the command runs in the
# host's namespace, under its own host name (a UTS namespace), as ssh would run it there.
cat > agent.sh <<'SH'
#!/bin/sh
host=$1; shift
exec ip netns exec "$host" unshare --uts sh -c "hostname $host && $*"
SH
chmod +x agent.sh
printf 'localhost slots=2\n%s slots=2\n' "$host_b" > hosts

cat > exp.yaml <<'YAML'
name: mpi-two-hosts
objective: {command: [sh, program.sh, $x, $y]}
search:
  strategy: random
  max_trials: 16
  metric: loss
  parameters:
    x: {min: 0.0, max: 1.0}
    y: {values: [a, bb, ccc]}
execution: {storage: single.db, output: out-single, parallel_trials: 2, seed: 11}
YAML
cat > program.sh <<'SH'
for e in 1 2 3; do sleep 0.05; awk -v x="$1" -v y="$2" -v e="$e" 'BEGIN { printf "{\"loss\": %.17g}\n", x * e + length(y) }'; done
SH

"$tunelab" run exp.yaml > single.log 2>&1 || { cat single.log; exit 1; }
timeout 300 mpirun -np 4 --hostfile hosts --mca plm_rsh_agent "$PWD/agent.sh" \
  --mca oob_tcp_if_include "${subnet}0/24" --mca btl self,tcp \
  --mca btl_tcp_if_include "${subnet}0/24" \
  "$tunelab" run exp.yaml --set execution.storage=two.db --set execution.output=out-two \
  > two.log 2>&1 || { echo "FAIL: the two-host job failed:"; cat two.log; exit 1; }
grep -q "MPI: 3 executor ranks" two.log || { echo "FAIL: rank 0 did not coordinate:"; cat two.log; exit 1; }

"$tunelab" export two.db --format csv -o two.csv >/dev/null
hosts_used=$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(" ".join(sorted({r["host"] for r in rows})))' two.csv)
case " $hosts_used " in
  *" $host_b "*) ;;
  *) echo "FAIL: no trial ran on $host_b (hosts: $hosts_used)"; exit 1 ;;
esac
[ "$(echo "$hosts_used" | wc -w)" -eq 2 ] || { echo "FAIL: trials ran on: $hosts_used"; exit 1; }
"$tunelab" status two.db | grep -q "on $host_b (" ||
  { echo "FAIL: tunelab status does not name $host_b:"; "$tunelab" status two.db; exit 1; }
if ! diff <(columns single.db) <(columns two.db); then
  echo "FAIL: the study across two hosts differs from one process"; exit 1
fi
echo "16 trials on hosts: $hosts_used; equal to one process"
