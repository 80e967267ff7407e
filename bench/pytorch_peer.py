#!/usr/bin/python3
"""PyTorch (Debian python3-torch) on tunelab's benchmark workloads, for same-run ratios.

  /usr/bin/python3 bench/pytorch_peer.py [--data-dir ../shared/datasets] [--grid-epochs 2]

Prints one JSON object per line:
  magic_step: seconds per training step of 10->64->64->1 (dropout 0.2, Adam, batch 32)
  fashion_epoch: seconds per epoch of 784->256->256->10 (Adam, batch 128, 60,000 rows)
  magic_grid: seconds for the 54-trial reference grid at --grid-epochs epochs per trial
Each at its best setting: 1 or 2 threads, and for the grid also two trials at once in two
processes of 1 thread (as a tuner uses two cores); flush-to-zero on, median of repeats.
With --memory, only: magic_memory, the peak resident memory of this process after training
one MAGIC model (10-64-64-1) for --grid-epochs epochs, as `tunelab run` trains each.
"""
import argparse
import csv
import itertools
import json
import multiprocessing
import os
import resource
import statistics
import time

import torch

torch.set_flush_denormal(True)


def mlp(sizes, dropout):
    layers = []
    for i in range(len(sizes) - 2):
        layers += [torch.nn.Linear(sizes[i], sizes[i + 1]), torch.nn.ReLU()]
        if dropout > 0:
            layers.append(torch.nn.Dropout(dropout))
    layers.append(torch.nn.Linear(sizes[-2], sizes[-1]))
    return torch.nn.Sequential(*layers)


def train_epoch(model, opt, loss_fn, x, y, batch):
    perm = torch.randperm(x.shape[0])
    model.train()
    for i in range(0, x.shape[0], batch):
        idx = perm[i:i + batch]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()


def magic_step(threads, repeats=5, steps=200):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.rand(32 * steps, 10)
    y = torch.randint(0, 2, (32 * steps, 1)).float()
    model = mlp([10, 64, 64, 1], 0.2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    train_epoch(model, opt, loss_fn, x, y, 32)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        train_epoch(model, opt, loss_fn, x, y, 32)
        times.append((time.perf_counter() - start) / steps)
    return statistics.median(times)


def fashion_epoch(threads, repeats=3):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x = torch.rand(60000, 784)
    y = torch.randint(0, 10, (60000,))
    model = mlp([784, 256, 256, 10], 0.0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        train_epoch(model, opt, loss_fn, x, y, 128)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_magic(data_dir):
    rows = list(csv.reader(open(os.path.join(data_dir, "magic04.csv"))))
    header, rows = rows[0], rows[1:]
    x = torch.tensor([[float(v) for v in r[:-1]] for r in rows])
    y = torch.tensor([[1.0 if r[-1] == "h" else 0.0] for r in rows])
    x = (x - x.min(0).values) / (x.max(0).values - x.min(0).values)
    return x, y


def magic_split(data_dir):
    x, y = load_magic(data_dir)
    n = x.shape[0]
    train = int(n * 0.6)
    return x[:train], y[:train], x[train:int(n * 0.8)], y[train:int(n * 0.8)]


GRID = list(itertools.product([16, 32, 64], [0, 0.2], [0.01, 0.005, 0.001], [32, 64, 128]))


def train_trial(config, epochs, data):
    """One trial of the grid: `config` is (nodes, dropout, lr, batch)."""
    nodes, dropout, lr, batch = config
    xt, yt, xv, yv = data
    loss_fn = torch.nn.BCEWithLogitsLoss()
    torch.manual_seed(0)
    model = mlp([10, nodes, nodes, 1], dropout)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        train_epoch(model, opt, loss_fn, xt, yt, batch)
        model.eval()
        with torch.no_grad():
            loss_fn(model(xv), yv).item()


def magic_grid(data_dir, epochs, threads):
    """The 54-trial grid, `epochs` epochs per trial, trials one after another."""
    torch.set_num_threads(threads)
    data = magic_split(data_dir)
    start = time.perf_counter()
    for config in GRID:
        train_trial(config, epochs, data)
    return time.perf_counter() - start


_worker_data = None


def _start_worker(data_dir, ready):
    global _worker_data
    torch.set_num_threads(1)
    _worker_data = magic_split(data_dir)
    ready.wait()


def _worker_trial(task):
    train_trial(task[0], task[1], _worker_data)


def magic_grid_parallel(data_dir, epochs, processes):
    """The grid as a tuner runs it on `processes` cores (Ray Tune, Optuna's n_jobs, joblib):
    that many trials at once, one thread each, the next trial to whichever process is free.
    The processes start and load the data before the clock starts."""
    context = multiprocessing.get_context("spawn")  # not fork: this process's OpenMP pool
    ready = context.Barrier(processes + 1)
    with context.Pool(processes, initializer=_start_worker, initargs=(data_dir, ready)) as pool:
        ready.wait()
        start = time.perf_counter()
        list(pool.imap_unordered(_worker_trial, [(c, epochs) for c in GRID], chunksize=1))
        return time.perf_counter() - start


def magic_memory(data_dir, epochs):
    x, y = load_magic(data_dir)
    model = mlp([10, 64, 64, 1], 0.2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        train_epoch(model, opt, torch.nn.BCEWithLogitsLoss(), x, y, 32)
    print(json.dumps({"workload": "magic_memory", "epochs": epochs,
                      "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                           "shared", "datasets"))
    parser.add_argument("--grid-epochs", type=int, default=2)
    parser.add_argument("--skip", default="", help="comma-separated workloads to skip")
    parser.add_argument("--memory", action="store_true", help="only the peak memory of one trial")
    args = parser.parse_args()
    if args.memory:
        magic_memory(args.data_dir, args.grid_epochs)
        return
    skip = set(args.skip.split(","))
    if "magic_step" not in skip:
        per = {t: magic_step(t) for t in (1, 2)}
        best = min(per, key=per.get)
        print(json.dumps({"workload": "magic_step", "seconds": per[best], "threads": best,
                          "by_threads": per}), flush=True)
    if "fashion_epoch" not in skip:
        per = {t: fashion_epoch(t) for t in (1, 2)}
        best = min(per, key=per.get)
        print(json.dumps({"workload": "fashion_epoch", "seconds": per[best], "threads": best,
                          "by_threads": per}), flush=True)
    if "magic_grid" not in skip:
        per = {f"trials in turn, {t} thread(s)": magic_grid(args.data_dir, args.grid_epochs, t)
               for t in (1, 2)}
        per["two trials at once, 1 thread each"] = magic_grid_parallel(args.data_dir,
                                                                        args.grid_epochs, 2)
        best = min(per, key=per.get)
        print(json.dumps({"workload": "magic_grid", "epochs": args.grid_epochs,
                          "seconds": per[best], "setting": best, "by_setting": per}), flush=True)


if __name__ == "__main__":
    main()
