#!/usr/bin/python3
"""Optuna's TPE and random samplers on Branin and Hartmann-6 (median simple regret over
seeds after 25, 50, 100 trials), and scikit-learn's GaussianProcessRegressor fit + predict
time in 6-D: the peers of bench/SearchBench.cpp. Debian python3-optuna / python3-sklearn.

  /usr/bin/python3 bench/optuna_peer.py [--seeds 20]
"""
import argparse
import json
import math
import statistics
import time

import numpy as np
import optuna
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

optuna.logging.set_verbosity(optuna.logging.WARNING)

ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
     [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6_value(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6)))
                for i in range(4))


def hartmann6(trial):
    return hartmann6_value([trial.suggest_float(f"x{j + 1}", 0, 1) for j in range(6)])


def regrets(name, objective, minimum, sampler_name, seeds):
    at = {25: [], 50: [], 100: []}
    seconds = []
    for seed in range(seeds):
        sampler = (optuna.samplers.TPESampler(seed=seed) if sampler_name == "tpe"
                   else optuna.samplers.RandomSampler(seed=seed))
        study = optuna.create_study(sampler=sampler)
        best = float("inf")
        start = time.perf_counter()
        for n in range(1, 101):
            study.optimize(objective, n_trials=1)
            best = min(best, study.trials[-1].value)
            if n in at:
                at[n].append(best - minimum)
        seconds.append((time.perf_counter() - start) / 100)
    print(json.dumps({"function": name, "strategy": f"optuna-{sampler_name}", "seeds": seeds,
                      "regret25": statistics.median(at[25]), "regret50": statistics.median(at[50]),
                      "regret100": statistics.median(at[100]),
                      "ms_per_trial": 1e3 * statistics.median(seconds)}), flush=True)


def sklearn_gp(observations, repeats=3):
    rng = np.random.default_rng(1)
    times = []
    for _ in range(repeats):
        x = rng.random((observations, 6))
        y = np.array([hartmann6_value(row) for row in x])
        candidates = rng.random((1000, 6))
        kernel = ConstantKernel() * Matern(length_scale=np.ones(6), nu=2.5) + WhiteKernel(1e-4)
        start = time.perf_counter()
        gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, random_state=0)
        gp.fit(x, y)
        gp.predict(candidates, return_std=True)
        times.append(time.perf_counter() - start)
    print(json.dumps({"sklearn_gp_fit_predict_ms": 1e3 * statistics.median(times),
                      "observations": observations, "dimensions": 6, "candidates": 1000}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    for n in (50, 200, 500):
        sklearn_gp(n)
    for name, objective, minimum in (("branin", branin, 0.397887357729739),
                                     ("hartmann6", hartmann6, -3.32236801141551)):
        for sampler in ("random", "tpe"):
            regrets(name, objective, minimum, sampler, args.seeds)


if __name__ == "__main__":
    main()
