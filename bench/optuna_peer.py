#!/usr/bin/python3
"""The peers of the search benchmark (bench/search/SearchBench.cpp): Optuna's TPE (its
default sampler) and CMA-ES on the same problems. The problems are defined once, in C++:
this script reads them from `tunelab_bench_search --list` and has every point evaluated by
`tunelab_bench_search --serve`, so both sides optimise the same functions over the same
spaces. Prints one JSON line per study (best value after 25, 50, 100 trials), as the C++ side
does; bench/search_table.py makes the table. Debian's python3-optuna (3.1) and python3-cmaes.

  /usr/bin/python3 bench/optuna_peer.py [--seeds 20] [--quick] [--problems a,b]
                                        [--samplers tpe,cmaes] [--trials 100]
  /usr/bin/python3 bench/optuna_peer.py --sklearn-gp      scikit-learn's GP fit + predict time
"""
import argparse
import json
import os
import statistics
import subprocess
import time
import warnings

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "build", "release", "bin", "tunelab_bench_search")


def sampler_for(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe-multivariate":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True)
    if name == "cmaes":
        # Categorical parameters are left to its independent (random) sampler.
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    raise ValueError(name)


def suggest(trial, parameters):
    """The point of tunelab's search.parameters (in declaration order) that `trial` suggests."""
    params = {}
    for name, spec in parameters:
        when = spec.get("when")
        if when:
            (parent, allowed), = when.items()
            allowed = allowed if isinstance(allowed, list) else [allowed]
            if parent not in params or params[parent] not in allowed:
                continue
        if "value" in spec:
            params[name] = spec["value"]
        elif "values" in spec:
            params[name] = trial.suggest_categorical(name, spec["values"])
        else:
            lo, hi = spec["min"], spec["max"]
            dist = spec.get("distribution")
            integers = isinstance(lo, int) and isinstance(hi, int)
            if dist in ("int_uniform", "int_log_uniform") or (dist is None and integers):
                params[name] = trial.suggest_int(name, int(lo), int(hi), log=dist == "int_log_uniform")
            else:
                params[name] = trial.suggest_float(name, lo, hi, log=dist == "log_uniform",
                                                   step=spec.get("q"))
    return params


class Evaluator:
    def __init__(self, bench):
        self.process = subprocess.Popen([bench, "--serve"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def __call__(self, problem, params):
        self.process.stdin.write(json.dumps({"problem": problem, "params": params}) + "\n")
        self.process.stdin.flush()
        value = json.loads(self.process.stdout.readline())["value"]
        return 1e300 if value is None else value


def run_study(problem, sampler_name, seed, trials, evaluate):
    study = optuna.create_study(sampler=sampler_for(sampler_name, seed))
    best = float("inf")
    best_at = {}
    start = time.perf_counter()
    for n in range(1, trials + 1):
        trial = study.ask()
        value = evaluate(problem["name"], suggest(trial, problem["parameters"]))
        study.tell(trial, value)
        best = min(best, value)
        if n in (25, 50, 100):
            best_at[str(n)] = best
    print(json.dumps({"problem": problem["name"], "strategy": f"optuna-{sampler_name}",
                      "seed": seed, "best": best_at,
                      "seconds": time.perf_counter() - start}), flush=True)


def sklearn_gp(observations, repeats=3):
    import numpy as np
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    rng = np.random.default_rng(1)
    times = []
    for _ in range(repeats):
        x = rng.random((observations, 6))
        y = np.sin(3 * x).sum(axis=1)
        candidates = rng.random((1000, 6))
        kernel = ConstantKernel() * Matern(length_scale=np.ones(6), nu=2.5) + WhiteKernel(1e-4)
        start = time.perf_counter()
        gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, random_state=0)
        gp.fit(x, y)
        gp.predict(candidates, return_std=True)
        times.append(time.perf_counter() - start)
    print(json.dumps({"sklearn_gp_fit_predict_ms": 1e3 * statistics.median(times),
                      "observations": observations, "dimensions": 6, "candidates": 1000}),
          flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5 seeds")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--problems", default="")
    parser.add_argument("--samplers", default="tpe,cmaes")
    parser.add_argument("--bench", default=BENCH)
    parser.add_argument("--sklearn-gp", action="store_true")
    args = parser.parse_args()
    if args.sklearn_gp:
        for n in (50, 200, 500):
            sklearn_gp(n)
        return
    seeds = 5 if args.quick else args.seeds
    listed = subprocess.run([args.bench, "--list"], check=True, capture_output=True, text=True,
                            cwd=ROOT).stdout
    problems = [json.loads(line) for line in listed.splitlines() if line.strip()]
    only = set(filter(None, args.problems.split(",")))
    evaluate = Evaluator(args.bench)
    for problem in problems:
        if only and problem["name"] not in only:
            continue
        for sampler_name in args.samplers.split(","):
            for seed in range(seeds):
                run_study(problem, sampler_name, seed, args.trials, evaluate)


if __name__ == "__main__":
    main()
