#!/usr/bin/python3
"""Runs tunelab's benchmarks and the PyTorch peer in the same run and prints the ratios.

  /usr/bin/python3 bench/compare.py [--repetitions 5] [--grid-runs 3]

Needs build/release (scripts/setup) and Debian's python3-torch (scripts/setup --bench).
The machine is noisy: every figure is a median of repetitions.
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
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            command = [os.path.join(BIN, "tunelab"), "run", config, "--new-study",
                       "--set", f"execution.output={tmp}"]
            for o in overrides:
                command += ["--set", o]
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
    return statistics.median(times), times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--grid-runs", type=int, default=3)
    parser.add_argument("--grid-epochs", type=int, default=2, help="epochs for the PyTorch grid ratio")
    args = parser.parse_args()

    gemm = google_benchmark("tunelab_bench_gemm", args.repetitions)
    train = google_benchmark("tunelab_bench_train", args.repetitions)
    peer = {}
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "pytorch_peer.py"),
                          "--grid-epochs", str(args.grid_epochs)], check=True,
                         capture_output=True, text=True, cwd=ROOT).stdout
    for line in out.splitlines():
        record = json.loads(line)
        peer[record["workload"]] = record
    grid_full, grid_full_runs = tunelab_study("experiments/configs/magic_grid.yaml", [], args.grid_runs)
    grid_short, _ = tunelab_study("experiments/configs/magic_grid.yaml",
                                  [f"train.epochs={args.grid_epochs}"], args.grid_runs)

    peak1 = gemm["fmaPeak"]["GFLOPS"]
    print(f"FMA peak, one core: {peak1:.1f} GFLOP/s")
    for name, b in sorted(gemm.items()):
        if name.startswith("gemmThroughput"):
            print(f"{name} [{b.get('label', '')}]: {b['GFLOPS']:.1f} GFLOP/s = "
                  f"{100 * b['GFLOPS'] / peak1:.0f}% of one core's peak")
    torch_step = peer["magic_step"]["seconds"]
    print(f"PyTorch MAGIC step: {torch_step * 1e6:.1f} us ({peer['magic_step']['threads']} thread(s))")
    for name, b in sorted(train.items()):
        if name.startswith("magicStep"):
            us = b["us_per_step"] * 1e6
            print(f"{name} [{b.get('label', '')}]: {us:.1f} us/step = "
                  f"{torch_step * 1e6 / us:.1f}x faster than PyTorch")
    torch_epoch = peer["fashion_epoch"]["seconds"]
    print(f"PyTorch Fashion-MNIST epoch: {torch_epoch:.3f} s ({peer['fashion_epoch']['threads']} thread(s))")
    for name, b in sorted(train.items()):
        if name.startswith("fashionEpoch"):
            seconds = b["real_time"] / 1e3  # benchmark unit: ms
            print(f"{name} [{b.get('label', '')}]: {seconds:.3f} s/epoch = "
                  f"{torch_epoch / seconds:.2f}x faster than PyTorch")
    flops = 2 * 3 * 60000 * (784 * 256 + 256 * 256 + 256 * 10)  # forward + 2 backward GEMMs
    peak2 = 2 * peak1
    print(f"GEMM floor of a Fashion-MNIST epoch on two cores at peak: {flops / (peak2 * 1e9):.3f} s")
    torch_grid = peer["magic_grid"]["seconds"]
    print(f"MAGIC grid, 54 trials x {args.grid_epochs} epochs: PyTorch {torch_grid:.2f} s, "
          f"tunelab {grid_short:.2f} s = {torch_grid / grid_short:.1f}x")
    print(f"MAGIC grid, 54 trials x 100 epochs (tunelab run magic_grid.yaml): median "
          f"{grid_full:.2f} s of {', '.join(f'{t:.2f}' for t in grid_full_runs)}")


if __name__ == "__main__":
    sys.exit(main())
