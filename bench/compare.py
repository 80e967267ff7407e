#!/usr/bin/python3
"""Runs tunelab's benchmarks and its peers in the same run and prints every figure of the
performance goals (bench/RESULTS.md), each beside its peer or limit and its goal:

  /usr/bin/python3 bench/compare.py [--repetitions 5] [--grid-runs 3] [--skip gp,runner]

GEMM and the training step against one core's FMA peak and PyTorch, the Fashion-MNIST epoch
against its GEMM floor, the MAGIC grid's time and peak memory against PyTorch's, the GP's ask
against scikit-learn, the study runner's cost per trial. Needs build/release (scripts/setup)
and Debian's python3-torch and -sklearn (scripts/setup --bench). The machine is noisy: every
figure is a median of repetitions.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
BIN = os.path.join(ROOT, "build", "release", "bin")


def google_benchmark(program, repetitions, extra=()):
    out = subprocess.run([os.path.join(BIN, program), f"--benchmark_repetitions={repetitions}",
                          "--benchmark_format=json", *extra], check=True, capture_output=True,
                         text=True).stdout
    medians = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            medians[b["run_name"]] = b
    return medians


def tunelab_study(config, overrides, runs):
    """Wall seconds of each run and the peak resident memory (KiB) of the largest."""
    times, peak = [], 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            command = [os.path.join(BIN, "tunelab"), "run", config, "--new-study",
                       "--set", f"execution.output={tmp}"]
            for o in overrides:
                command += ["--set", o]
            start = time.perf_counter()
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     cwd=ROOT)
            _, status, usage = os.wait4(child.pid, 0)
            times.append(time.perf_counter() - start)
            if status != 0:
                sys.exit(f"{' '.join(command)} failed: {child.stderr.read().decode()}")
            peak = max(peak, usage.ru_maxrss)
    return statistics.median(times), times, peak


def json_lines(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def goal(met, text):
    return f"  [goal {text}: {'met' if met else 'NOT met'}]"


def training_flops(rows, widths):
    """The products of training an MLP of these layer widths on `rows` rows: every layer's
    forward product and weight gradient, and the input gradient of every layer but the first
    (Graph::backward asks the first for none)."""
    layers = [a * b for a, b in zip(widths, widths[1:])]
    return 2 * rows * (2 * sum(layers) + sum(layers[1:]))


MAGIC_STEP_FLOPS = training_flops(32, [10, 64, 64, 1])  # one step at batch 32
FASHION_EPOCH_FLOPS = training_flops(60000, [784, 256, 256, 10])
# The count earlier tables used: three products for every layer, the first's too.
FASHION_THREE_PRODUCTS_FLOPS = 2 * 3 * 60000 * (784 * 256 + 256 * 256 + 256 * 10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--grid-runs", type=int, default=3)
    parser.add_argument("--grid-epochs", type=int, default=2, help="epochs for the PyTorch grid ratio")
    parser.add_argument("--skip", default="", help="comma-separated: gp, runner")
    args = parser.parse_args()
    skip = set(args.skip.split(","))

    gemm = google_benchmark("tunelab_bench_gemm", args.repetitions)
    train = google_benchmark("tunelab_bench_train", args.repetitions)
    peer = {}
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "pytorch_peer.py"),
                          "--grid-epochs", str(args.grid_epochs)], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    for line in out.splitlines():
        record = json.loads(line)
        peer[record["workload"]] = record
    grid_full, grid_full_runs, grid_peak = tunelab_study("experiments/configs/magic_grid.yaml", [],
                                                         args.grid_runs)
    grid_short, _, _ = tunelab_study("experiments/configs/magic_grid.yaml",
                                     [f"train.epochs={args.grid_epochs}"], args.grid_runs)
    torch_memory = json_lines(["/usr/bin/python3", os.path.join(ROOT, "bench", "pytorch_peer.py"),
                               "--memory"])[0]

    peak1 = gemm["fmaPeak"]["GFLOPS"]
    print(f"FMA peak, one core: {peak1:.1f} GFLOP/s")
    for name, b in sorted(gemm.items()):
        if name.startswith("gemmThroughput"):
            print(f"{name} [{b.get('label', '')}]: {b['GFLOPS']:.1f} GFLOP/s = "
                  f"{100 * b['GFLOPS'] / peak1:.0f}% of one core's peak")
    torch_step = peer["magic_step"]["seconds"]
    print(f"PyTorch MAGIC step: {torch_step * 1e6:.1f} us ({peer['magic_step']['threads']} thread(s))")
    at_peak_us = MAGIC_STEP_FLOPS / (peak1 * 1e9) * 1e6
    print(f"MAGIC step at one core's FMA peak: {MAGIC_STEP_FLOPS / 1e6:.2f} MFLOP = {at_peak_us:.2f} us")
    for name, b in sorted(train.items()):
        if name.startswith("magicStep"):
            us = b["us_per_step"] * 1e6
            print(f"{name} [{b.get('label', '')}]: {us:.1f} us/step = {us / at_peak_us:.2f}x the "
                  f"peak time, {torch_step * 1e6 / us:.1f}x faster than PyTorch"
                  + goal(us <= 1.5 * at_peak_us and torch_step * 1e6 / us >= 35,
                         "<= 1.5x peak time, >= 35x PyTorch"))
    torch_epoch = peer["fashion_epoch"]["seconds"]
    print(f"PyTorch Fashion-MNIST epoch: {torch_epoch:.3f} s ({peer['fashion_epoch']['threads']} thread(s))")
    for name, b in sorted(train.items()):
        if name.startswith("fashionEpoch"):
            seconds = b["real_time"] / 1e3  # benchmark unit: ms
            print(f"{name} [{b.get('label', '')}]: {seconds:.3f} s/epoch = "
                  f"{torch_epoch / seconds:.2f}x faster than PyTorch")
    floor = FASHION_EPOCH_FLOPS / (2 * peak1 * 1e9)
    issue_floor = FASHION_THREE_PRODUCTS_FLOPS / (2 * peak1 * 1e9)
    print(f"GEMM floor of a Fashion-MNIST epoch on two cores at peak: "
          f"{FASHION_EPOCH_FLOPS / 1e9:.1f} GFLOP = {floor:.3f} s (counting three products for "
          f"every layer, the first's unused input gradient too: {issue_floor:.3f} s)")
    for name, b in sorted(train.items()):
        if name.startswith("fashionProducts") and "threads:2" in name:
            seconds = b["real_time"] / 1e3
            print(f"{name} [{b.get('label', '')}]: the epoch's products alone {seconds:.3f} s = "
                  f"{seconds / floor:.2f}x the floor")
    for name, b in sorted(train.items()):
        if name.startswith("fashionEpoch") and "threads:2" in name:
            seconds = b["real_time"] / 1e3
            print(f"{name} [{b.get('label', '')}]: {seconds / floor:.2f}x the floor "
                  f"({seconds / issue_floor:.2f}x the three-product count)"
                  + goal(seconds <= 1.1 * floor, "<= 1.1x the floor (two threads)"))
    torch_grid = peer["magic_grid"]["seconds"]
    settings = ", ".join(f"{k}: {v:.2f} s" for k, v in peer["magic_grid"]["by_setting"].items())
    print(f"MAGIC grid, 54 trials x {args.grid_epochs} epochs: PyTorch {torch_grid:.2f} s at its "
          f"best ({settings}), tunelab {grid_short:.2f} s = {torch_grid / grid_short:.1f}x")
    torch_full = torch_grid * 100 / args.grid_epochs
    print(f"MAGIC grid, 54 trials x 100 epochs (tunelab run magic_grid.yaml): median "
          f"{grid_full:.2f} s of {', '.join(f'{t:.2f}' for t in grid_full_runs)}; PyTorch scaled "
          f"from {args.grid_epochs} epochs: {torch_full:.0f} s = {torch_full / grid_full:.1f}x"
          + goal(grid_full < 6 and torch_full / grid_full >= 40, "< 6 s, >= 40x PyTorch"))
    print(f"MAGIC grid, peak resident memory: tunelab {grid_peak / 1024:.1f} MiB; PyTorch's "
          f"process for one of its models: {torch_memory['peak_rss_kib'] / 1024:.1f} MiB"
          + goal(grid_peak <= 64 * 1024, "<= 64 MiB"))
    if "gp" not in skip:
        print_gp_latency()
    if "runner" not in skip:
        print_runner_overhead()


def print_gp_latency():
    """tunelab_bench_search --latency: a GP ask in 6-D (its model update included) against
    scikit-learn's GaussianProcessRegressor fit + predict on the same data."""
    goals = {200: 10, 500: 50}
    for r in json_lines([os.path.join(BIN, "tunelab_bench_search"), "--latency"]):
        n, ms, ratio = r["observations"], r["gp_ask_mean_ms"], r["sklearn_over_gp_mean"]
        line = (f"GP ask, 6-D, {n} results: {ms:.1f} ms (mean over {r['asks']} asks, the scheduled "
                f"hyperparameter refits included; CPU {r['gp_ask_mean_cpu_ms']:.1f} ms); "
                f"scikit-learn fit + predict {r['sklearn_fit_predict_ms']:.0f} ms = {ratio:.0f}x; "
                f"an ask that refits from scratch (the first): {r['gp_first_ask_ms']:.0f} ms = "
                f"{r['sklearn_over_gp_first']:.1f}x")
        if n in goals:
            line += goal(ms <= goals[n] and ratio >= 10, f"<= {goals[n]} ms, >= 10x scikit-learn")
        print(line)


def print_runner_overhead():
    """tunelab_bench_runner: 1,000 trivial trials, the study database on disk."""
    out = subprocess.run([os.path.join(BIN, "tunelab_bench_runner"), "--repeats", "3"], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    r = json.loads(out)
    ms, growth = r["median_ms_per_trial"], r["median_rss_growth_percent"]
    print(f"Study runner, 1,000 trivial trials with durable storage: {ms:.3f} ms per trial; "
          f"resident memory from trial 100 to 1,000: {growth:+.1f}%"
          + goal(ms <= 0.3 and abs(growth) < 5, "<= 0.3 ms, memory flat"))


if __name__ == "__main__":
    sys.exit(main())
