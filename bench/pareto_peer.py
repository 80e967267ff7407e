#!/usr/bin/python3
"""Two objectives on MAGIC, tunelab's nsga2 against Optuna's NSGAIISampler (Debian
python3-optuna 3.1, models trained with python3-torch): validation loss against the model's
trainable parameter count, over the space of experiments/configs/magic_pareto.yaml (1-3 dense
relu layers of 2-64 units, log-uniform Adam learning rate 1e-4..1e-1, batch 256, 20 epochs,
the trial's value its best epoch's val_loss), 30 trials, population 10, the same seeds on both
sides. Both fronts' hypervolume is computed here, by one function, against one reference point
(val_loss 0.7: a model no better than predicting the class shares scores 0.647; params 10,000:
above the largest model of the space, 9,089). Random search on both sides gives the baseline.
Prints one JSON line per study and a Markdown table of medians over the seeds.

With --zdt1, the samplers alone on ZDT1 (6 coordinates, the front f2 = 1 - sqrt(f1), whose
hypervolume against (1.1, 1.1) is 0.877): tunelab's nsga2 through the command objective of
experiments/configs/command_zdt1.yaml, Optuna's NSGAIISampler in process, 300 trials,
population 20 (--trials, --population).

  /usr/bin/python3 bench/pareto_peer.py [--seeds 1,2,3] [--data-dir ../shared/datasets]
                                        [--trials 30] [--population 10] [--epochs 20]
                                        [--studies tunelab:nsga2,optuna:nsga2,...]
"""
import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import tempfile
import time

import optuna
import torch

optuna.logging.set_verbosity(optuna.logging.WARNING)
torch.set_flush_denormal(True)
torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUNELAB = os.path.join(ROOT, "build", "release", "bin", "tunelab")
CONFIG = os.path.join(ROOT, "experiments", "configs", "magic_pareto.yaml")
REFERENCE = (0.7, 10_000.0)


def hypervolume(points, reference=REFERENCE):
    """Two objectives, both minimised: the area the points dominate below the reference."""
    inside = sorted(p for p in points if p[0] < reference[0] and p[1] < reference[1])
    volume, best_second = 0.0, reference[1]
    for x, y in inside:
        if y < best_second:
            volume += (reference[0] - x) * (best_second - y)
            best_second = y
    return volume


def pareto(points):
    return sorted(p for p in points
                  if not any(q[0] <= p[0] and q[1] <= p[1] and q != p for q in points))


def load_magic(data_dir, seed):
    """MAGIC split as tunelab splits it: stratified, 20% test, 20% validation, min-max scaling
    fitted on the training rows."""
    with open(os.path.join(data_dir, "magic04.csv")) as f:
        rows = list(csv.reader(f))[1:]
    x = torch.tensor([[float(v) for v in r[:-1]] for r in rows])
    y = torch.tensor([[1.0 if r[-1] == "g" else 0.0] for r in rows])
    generator = torch.Generator().manual_seed(seed)
    parts = {"train": [], "validation": [], "test": []}
    for label in (0.0, 1.0):
        idx = (y[:, 0] == label).nonzero()[:, 0]
        idx = idx[torch.randperm(len(idx), generator=generator)]
        n_test, n_val = round(0.2 * len(idx)), round(0.2 * len(idx))
        parts["test"].append(idx[:n_test])
        parts["validation"].append(idx[n_test:n_test + n_val])
        parts["train"].append(idx[n_test + n_val:])
    split = {k: torch.cat(v) for k, v in parts.items()}
    lo = x[split["train"]].min(0).values
    span = (x[split["train"]].max(0).values - lo).clamp_min(1e-12)
    x = (x - lo) / span
    return {k: (x[i], y[i]) for k, i in split.items()}


def parameter_count(layers, units, inputs=10):
    count, width = 0, inputs
    for _ in range(layers):
        count += width * units + units
        width = units
    return count + width + 1


def train(data, layers, units, lr, epochs, seed):
    """The trial as tunelab trains it: glorot-uniform weights, zero biases, Adam (Keras'
    epsilon), batch 256, shuffled each epoch; the best epoch's validation loss."""
    torch.manual_seed(seed)
    modules, width = [], 10
    for _ in range(layers):
        modules += [torch.nn.Linear(width, units), torch.nn.ReLU()]
        width = units
    modules.append(torch.nn.Linear(width, 1))
    model = torch.nn.Sequential(*modules)
    for m in model:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
    opt = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    (x, y), (xv, yv) = data["train"], data["validation"]
    best = math.inf
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(x.shape[0])
        for i in range(0, x.shape[0], 256):
            idx = perm[i:i + 256]
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            best = min(best, loss_fn(model(xv), yv).item())
    return best


def optuna_study(data, sampler_name, seed, args):
    if sampler_name == "nsga2":
        sampler = optuna.samplers.NSGAIISampler(population_size=args.population, seed=seed)
    else:
        sampler = optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)

    def objective(trial):
        layers = trial.suggest_int("layers", 1, 3)
        units = trial.suggest_int("units", 2, 64, log=True)
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        val_loss = train(data, layers, units, lr, args.epochs, seed * 1000 + trial.number)
        return val_loss, parameter_count(layers, units)

    study.optimize(objective, n_trials=args.trials)
    return [tuple(t.values) for t in study.trials if t.values is not None]


def tunelab_study(strategy, seed, args):
    with open(CONFIG) as f:
        config = f.read()
    options = "  nsga2: {population_size: 10}\n"
    assert options in config
    config = config.replace(options, f"  nsga2: {{population_size: {args.population}}}\n"
                            if strategy == "nsga2" else "")
    with tempfile.TemporaryDirectory() as out:
        experiment = os.path.join(out, "exp.yaml")
        with open(experiment, "w") as f:
            f.write(config)
        command = [TUNELAB, "run", experiment, "--data-dir", args.data_dir, "--new-study"]
        for s in (f"execution.seed={seed}", f"execution.output={out}/run",
                  f"search.strategy={strategy}", f"search.max_trials={args.trials}",
                  f"train.epochs={args.epochs}"):
            command += ["--set", s]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "run", "results.csv")) as f:
            return [(float(r["objective_val_loss"]), float(r["objective_params"]))
                    for r in csv.DictReader(f) if r["status"] == "complete"]


ZDT1_CONFIG = os.path.join(ROOT, "experiments", "configs", "command_zdt1.yaml")
ZDT1_REFERENCE = (1.1, 1.1)


def zdt1(x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    return x[0], g * (1 - math.sqrt(x[0] / g))


def zdt1_study(side, seed, args):
    if side == "optuna":
        sampler = optuna.samplers.NSGAIISampler(population_size=args.population, seed=seed)
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(lambda t: zdt1([t.suggest_float(f"x{i}", 0, 1) for i in range(6)]),
                       n_trials=args.trials)
        return [tuple(t.values) for t in study.trials]
    with open(ZDT1_CONFIG) as f:
        config = f.read().replace("[python3, ", "[/usr/bin/python3, -S, ")
    with tempfile.TemporaryDirectory() as out:
        experiment = os.path.join(out, "exp.yaml")
        with open(experiment, "w") as f:
            f.write(config.replace("population_size: 20", f"population_size: {args.population}"))
        command = [TUNELAB, "run", experiment, "--new-study"]
        for s in (f"execution.seed={seed}", f"execution.output={out}/run",
                  f"search.max_trials={args.trials}"):
            command += ["--set", s]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        with open(os.path.join(out, "run", "results.csv")) as f:
            return [(float(r["objective_f1"]), float(r["objective_f2"]))
                    for r in csv.DictReader(f) if r["status"] == "complete"]


def run_zdt1(args):
    rows = {}
    for seed in (int(s) for s in args.seeds.split(",")):
        for side in ("tunelab", "optuna"):
            points = zdt1_study(side, seed, args)
            record = {"problem": "zdt1", "side": side, "seed": seed, "trials": len(points),
                      "hypervolume": hypervolume(points, ZDT1_REFERENCE),
                      "front": len(pareto(points))}
            print(json.dumps(record), flush=True)
            rows.setdefault(side, []).append(record)
    print("\n| ZDT1, nsga2 | hypervolume (median) | per seed | front size |")
    print("|---|---|---|---|")
    for side, records in rows.items():
        hv = [r["hypervolume"] for r in records]
        print(f"| {side} | {statistics.median(hv):.3f} | {', '.join(f'{v:.3f}' for v in hv)} | "
              f"{statistics.median(r['front'] for r in records):g} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "..", "shared", "datasets"))
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--population", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--studies",
                        default="tunelab:nsga2,optuna:nsga2,tunelab:random,optuna:random")
    parser.add_argument("--zdt1", action="store_true")
    args = parser.parse_args()
    if args.zdt1:
        run_zdt1(args)
        return
    studies = [tuple(s.split(":")) for s in args.studies.split(",")]
    results = {}
    for seed in (int(s) for s in args.seeds.split(",")):
        data = load_magic(args.data_dir, seed)
        for side, strategy in studies:
            start = time.perf_counter()
            points = (tunelab_study(strategy, seed, args) if side == "tunelab"
                      else optuna_study(data, strategy, seed, args))
            seconds = time.perf_counter() - start
            front = pareto(points)
            record = {"side": side, "strategy": strategy, "seed": seed, "trials": len(points),
                      "hypervolume": hypervolume(points), "front": len(front),
                      "best_val_loss": min(p[0] for p in points), "seconds": seconds}
            print(json.dumps(record), flush=True)
            results.setdefault((side, strategy), []).append(record)
    print("\n| study | hypervolume (median) | per seed | front size | best val_loss | seconds |")
    print("|---|---|---|---|---|---|")
    for (side, strategy), records in results.items():
        hv = [r["hypervolume"] for r in records]
        print(f"| {side} {strategy} | {statistics.median(hv):.1f} | "
              f"{', '.join(f'{v:.1f}' for v in hv)} | "
              f"{statistics.median(r['front'] for r in records):g} | "
              f"{statistics.median(r['best_val_loss'] for r in records):.4f} | "
              f"{statistics.median(r['seconds'] for r in records):.1f} |")


if __name__ == "__main__":
    main()
