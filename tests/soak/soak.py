#!/usr/bin/env python3
"""Soak test: a command study of 2,000 short trials on 2 parallel workers, its `tunelab run`
SIGKILLed 50 times at random points and restarted until the study completes.

Checks at the end that every grid point ran exactly once (no duplicate trial ids or params,
none lost, every trial complete) and that the run process's peak resident memory is flat
with the live report rewritten every 0.25 s:
the process that finishes the study (resumed from a store of ~1,700+ trials and run to
2,000) against the first process measured at ~100 trials. Prints the figures.

    soak.py --tunelab build/release/bin/tunelab --work DIR [--trials 2000] [--kills 50]
Exit 0 when every check holds, 1 otherwise (the figures say which).
"""
import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

COLUMNS = 40  # the grid is a x b, b in [0, COLUMNS)
# Allowed growth of the peak resident set from ~100 trials to just before the end (a leak of
# 2 KiB per trial over 2,000 trials is caught; allocator noise is not).
MEMORY_SLACK_KIB = 4 * 1024
MEMORY_FACTOR = 1.0


def write_experiment(work, trials):
    rows = trials // COLUMNS
    # sleep: a few ms of "work"; the value is unique per grid point. `$$` is a literal `$`.
    script = 'sleep 0.004; echo "{\\"loss\\": $$(( $$1 * %d + $$2 ))}"' % COLUMNS
    text = (
        "name: soak\n"
        "objective:\n"
        "  command: [sh, -c, '%s', sh, $a, $b]\n"
        "search:\n"
        "  strategy: grid\n"
        "  metric: loss\n"
        "  parameters:\n"
        "    a: {values: [%s]}\n"
        "    b: {values: [%s]}\n"
        "execution:\n"
        "  parallel_trials: 2\n"
        # The live report on, and often: it is written a trial at a time, so it must not make
        # the peak follow the study's size (it did, ~8.6 KiB a trial, when the page was built
        # in memory). The final report is measured apart (memory at exit).
        "  report_every: 0.25s\n"
        "  output: %s\n"
        "  storage: %s\n"
    ) % (script.replace("'", "''"), ", ".join(str(i) for i in range(rows)),
         ", ".join(str(i) for i in range(COLUMNS)), os.path.join(work, "out"),
         os.path.join(work, "study.db"))
    path = os.path.join(work, "soak.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def completed(db):
    if not os.path.exists(db):
        return 0
    try:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM trials WHERE status = 'complete'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0  # not created yet, or busy: asked again shortly


def vm_hwm_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def start(tunelab, experiment, work, index):
    log = open(os.path.join(work, "run-%02d.log" % index), "w")
    return subprocess.Popen([tunelab, "run", experiment], cwd=work, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def reap(process, block):
    """(exit status, peak RSS in KiB) once the process has ended, else None. Popen.poll()
    would reap it without its rusage."""
    pid, status, usage = os.wait4(process.pid, 0 if block else os.WNOHANG)
    if pid == 0:
        return None
    process.returncode = status  # reaped here: Popen must not wait for it again
    return status, usage.ru_maxrss


def run_with_kills(args, experiment, db, rng):
    # Kill points spread over the study (as trial counts), each plus up to 30 ms: some land
    # while a restarted process is still resuming, several in a row sometimes.
    targets = sorted(rng.randint(150, int(args.trials * 0.85)) for _ in range(args.kills))
    figures = {"kills": 0, "restarts": 0, "memory_at_100": 0, "peaks": [], "curve": []}
    next_sample = 100
    index = 0
    while True:
        process = start(args.tunelab, experiment, args.work, index)
        index += 1
        target = targets[figures["kills"]] if figures["kills"] < len(targets) else None
        ended = None
        while ended is None:
            done = completed(db)
            if figures["memory_at_100"] == 0 and index == 1 and done >= 100:
                figures["memory_at_100"] = vm_hwm_kib(process.pid)
            if done >= next_sample:
                # (trials complete, which run process, its peak RSS so far)
                figures["curve"].append((done, index, vm_hwm_kib(process.pid)))
                next_sample = min((done // 250 + 1) * 250, args.trials - 20)
                if done >= args.trials - 20:
                    next_sample = args.trials + 1
                    figures["memory_near_end"] = figures["curve"][-1][2]
            if target is not None and done >= target:
                time.sleep(rng.uniform(0, 0.03))
                os.kill(process.pid, signal.SIGKILL)
                ended = reap(process, block=True)
                # It may have finished the study just before the signal: no kill then.
                figures["kills"] += 1 if os.WIFSIGNALED(ended[0]) else 0
                break
            time.sleep(0.01)
            ended = reap(process, block=False)
        status, peak = ended
        figures["peaks"].append(peak)
        if os.WIFEXITED(status):
            if os.WEXITSTATUS(status) != 0:
                sys.exit("tunelab run exited with %d: see %s/run-%02d.log"
                         % (os.WEXITSTATUS(status), args.work, index - 1))
            figures["memory_at_end"] = peak
            return figures
        figures["restarts"] += 1
        if figures["restarts"] > args.kills + 5:
            sys.exit("too many restarts")


def check_trials(args, experiment):
    exported = os.path.join(args.work, "trials.json")
    subprocess.run([args.tunelab, "export", experiment, "--format", "json", "-o", exported],
                   check=True, cwd=args.work, stdout=subprocess.DEVNULL)
    with open(exported) as f:
        data = json.load(f)
    trials = data["trials"] if isinstance(data, dict) else data
    ids = [t["trial"] for t in trials]
    points = [(int(t["params"]["a"]), int(t["params"]["b"])) for t in trials]
    expected = {(a, b) for a in range(args.trials // COLUMNS) for b in range(COLUMNS)}
    return {
        "trials": len(trials),
        "complete": sum(1 for t in trials if t["status"] == "complete"),
        "duplicate_ids": len(ids) - len(set(ids)),
        "duplicate_params": len(points) - len(set(points)),
        "lost": len(expected - set(points)),
        "values_wrong": sum(1 for t, p in zip(trials, points)
                            if t["status"] == "complete" and t["value"] != p[0] * COLUMNS + p[1]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tunelab", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    args.tunelab = os.path.abspath(args.tunelab)
    args.work = os.path.abspath(args.work)
    if args.trials % COLUMNS != 0:
        parser.error("--trials must be a multiple of %d" % COLUMNS)
    subprocess.run(["rm", "-rf", args.work], check=True)
    os.makedirs(args.work)
    experiment = write_experiment(args.work, args.trials)
    rng = random.Random(args.seed)
    started = time.time()
    figures = run_with_kills(args, experiment, os.path.join(args.work, "study.db"), rng)
    result = check_trials(args, experiment)
    near_end = figures.get("memory_near_end", 0)
    memory_ok = 0 < near_end <= figures["memory_at_100"] * MEMORY_FACTOR + MEMORY_SLACK_KIB
    print("soak: seed %d, %.0f s" % (args.seed, time.time() - started))
    print("trials: %d (complete %d of %d)" % (result["trials"], result["complete"], args.trials))
    print("kills: %d (SIGKILL of tunelab run, each followed by a restart)" % figures["kills"])
    print("duplicates: %d (ids %d, params %d)" % (
        result["duplicate_ids"] + result["duplicate_params"], result["duplicate_ids"],
        result["duplicate_params"]))
    print("lost: %d" % result["lost"])
    print("wrong values: %d" % result["values_wrong"])
    print("memory (peak RSS of the run process so far): at 100 trials %d KiB, at %d trials "
          "%d KiB; at exit, with the final report of %d trials, %d KiB; largest of all %d "
          "processes %d KiB" % (
              figures["memory_at_100"], figures["curve"][-1][0] if figures["curve"] else 0,
              near_end, args.trials, figures["memory_at_end"], len(figures["peaks"]),
              max(figures["peaks"])))
    ok = (result["trials"] == args.trials and result["complete"] == args.trials
          and result["duplicate_ids"] == 0 and result["duplicate_params"] == 0
          and result["lost"] == 0 and result["values_wrong"] == 0
          and figures["kills"] == args.kills and figures["memory_at_100"] > 0 and memory_ok)
    print("memory curve (trials complete: run process #, its peak RSS KiB): " + ", ".join(
        "%d: #%d %d" % sample for sample in figures["curve"]))
    print("soak: " + ("PASSED" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
