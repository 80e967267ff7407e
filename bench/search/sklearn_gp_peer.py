"""scikit-learn's Gaussian process on the data of one GP ask of tunelab_bench_search --latency.

  /usr/bin/python3 bench/search/sklearn_gp_peer.py DATA.json [--repeats 3]

DATA.json holds {"x": [[...], ...], "y": [...], "candidates": [[...], ...]}: the observations
the tunelab GP was fitted to (its encoded points and results) and the points to score. Times
GaussianProcessRegressor's fit (hyperparameters by L-BFGS-B from the kernel's defaults, as
scikit-learn does by default) plus predict with standard deviations at the candidates, the
same work as one tunelab ask that refits; prints the medians of wall time and of this
process's CPU time (every thread's) as one JSON line. tunelab_bench_search runs it with one
BLAS thread, as its own GP runs.
"""
import argparse
import json
import statistics
import time
import warnings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    with open(args.data) as f:
        data = json.load(f)
    x = np.asarray(data["x"], dtype=float)
    y = np.asarray(data["y"], dtype=float)
    candidates = np.asarray(data["candidates"], dtype=float)
    times = []
    cpu_times = []
    for _ in range(args.repeats):
        kernel = (ConstantKernel() * Matern(length_scale=np.ones(x.shape[1]), nu=2.5)
                  + WhiteKernel(1e-4))
        start = time.perf_counter()
        cpu_start = time.process_time()
        gp = GaussianProcessRegressor(kernel=kernel, normalize_y=True, random_state=0)
        gp.fit(x, y)
        gp.predict(candidates, return_std=True)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    print(json.dumps({"sklearn_gp_fit_predict_ms": 1e3 * statistics.median(times),
                      "sklearn_gp_fit_predict_cpu_ms": 1e3 * statistics.median(cpu_times),
                      "observations": len(y), "dimensions": x.shape[1],
                      "candidates": len(candidates)}), flush=True)


if __name__ == "__main__":
    main()
