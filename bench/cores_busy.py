#!/usr/bin/python3
"""How busy tunelab keeps the cores while a study runs, and whether it oversubscribes them.

  /usr/bin/python3 bench/cores_busy.py [--config experiments/configs/magic_grid.yaml]

Runs `tunelab run` on the config (a fresh study in a temporary directory) and samples the
state of every thread of the process from /proc every 2 ms: a thread in state R is running
or ready to run. Prints the share of samples with as many running threads as cores, the mean
number of running threads, and the largest number ever seen (above the core count means
threads waited for a core: oversubscription).
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TUNELAB = os.path.join(ROOT, "build", "release", "bin", "tunelab")


def running_threads(pid):
    count = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return None
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                # The state follows the command name, which is in parentheses.
                state = stat.read().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, IndexError, ProcessLookupError):
            continue
        count += state == "R"
    return count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=os.path.join(ROOT, "experiments", "configs",
                                                         "magic_grid.yaml"))
    args = parser.parse_args()
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        process = subprocess.Popen([TUNELAB, "run", args.config, "--new-study", "--set",
                                    f"execution.output={tmp}"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL)
        histogram = collections.Counter()
        while process.poll() is None:
            n = running_threads(process.pid)
            if n is not None:
                histogram[n] += 1
            time.sleep(0.002)
        if process.returncode != 0:
            sys.exit(f"tunelab run exited with {process.returncode}")
    samples = sum(histogram.values())
    # The sampler itself holds one core while it reads /proc.
    print(f"cores: {cores}, samples: {samples}")
    for n in sorted(histogram):
        print(f"  {n} threads running or ready: {100 * histogram[n] / samples:.1f}% of samples")
    mean = sum(n * c for n, c in histogram.items()) / samples
    full = sum(c for n, c in histogram.items() if n >= cores) / samples
    print(f"mean running threads {mean:.2f}; all {cores} cores busy in {100 * full:.1f}% of "
          f"samples; most ever {max(histogram)}")


if __name__ == "__main__":
    main()
