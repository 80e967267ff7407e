#!/usr/bin/python3
"""The search benchmark's tables from the JSON lines of tunelab_bench_search and
bench/optuna_peer.py: per problem, the median and quartiles of simple regret (best value
found minus the optimum; for the real tasks, minus the best value any study of the run found).

  /usr/bin/python3 bench/search_table.py results/*.jsonl [--bench build/release/bin/tunelab_bench_search]
"""
import argparse
import collections
import json
import os
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRATEGIES = ["tunelab-gp", "tunelab-tpe", "tunelab-random", "optuna-tpe", "optuna-cmaes"]


def quartiles(values):
    values = sorted(values)
    if len(values) < 2:
        return values[0], values[0], values[0]
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], statistics.median(values), q[2]


def fmt(v):
    if v == 0:
        return "0"
    return f"{v:.3g}" if 1e-3 <= abs(v) < 1e4 else f"{v:.1e}"


def load(paths, bench):
    listed = subprocess.run([bench, "--list"], check=True, capture_output=True, text=True,
                            cwd=ROOT).stdout
    problems = [json.loads(line) for line in listed.splitlines() if line.strip()]
    runs = collections.defaultdict(lambda: collections.defaultdict(list))
    for path in paths:
        with open(path) as f:
            for line in f:
                if line.startswith("{") and '"problem"' in line:
                    r = json.loads(line)
                    runs[r["problem"]][r["strategy"]].append(r)
    return problems, runs


def regrets(problem, runs):
    """{strategy: {budget: [regret per seed]}}"""
    minimum = problem["minimum"]
    if minimum is None:
        minimum = min(r["best"][b] for rs in runs.values() for r in rs for b in r["best"])
    return {s: {b: [r["best"][b] - minimum for r in rs if b in r["best"]] for b in ("25", "50", "100")}
            for s, rs in runs.items()}


def ratio(a, b):
    scale = 1e-12
    return (a + scale) / (b + scale)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+")
    parser.add_argument("--bench", default=os.path.join(ROOT, "build/release/bin/tunelab_bench_search"))
    args = parser.parse_args()
    problems, runs = load(args.files, args.bench)
    table = {p["name"]: regrets(p, runs[p["name"]]) for p in problems if p["name"] in runs}
    med = lambda name, s, b: statistics.median(table[name][s][b]) if table[name].get(s, {}).get(b) else None

    print("| problem | kind | seeds | gp @50 | tpe @50 | random @100 | optuna-tpe @50 | cma-es @50 | gp @50 vs tpe @50, random @100 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for p in problems:
        name = p["name"]
        if name not in table:
            continue
        cells = [name, p["kind"], str(len(table[name].get("tunelab-gp", {}).get("50", [])))]
        for s, b in (("tunelab-gp", "50"), ("tunelab-tpe", "50"), ("tunelab-random", "100"),
                     ("optuna-tpe", "50"), ("optuna-cmaes", "50")):
            v = med(name, s, b)
            cells.append("" if v is None else fmt(v))
        gp, tpe, rnd = med(name, "tunelab-gp", "50"), med(name, "tunelab-tpe", "50"), med(name, "tunelab-random", "100")
        verdict = ""
        if None not in (gp, tpe, rnd):
            verdict = "no worse" if gp <= tpe and gp <= rnd else "**worse than " + " and ".join(
                n for n, v in (("tpe", tpe), ("random", rnd)) if gp > v) + "**"
        cells.append(verdict)
        print("| " + " | ".join(cells) + " |")

    for budget in ("25", "50", "100"):
        print(f"\nMedian [quartiles] of simple regret after {budget} trials\n")
        present = [s for s in STRATEGIES if any(s in table[n] for n in table)]
        print("| problem | " + " | ".join(present) + " |")
        print("|---|" + "---|" * len(present))
        for p in problems:
            name = p["name"]
            if name not in table:
                continue
            cells = []
            for s in present:
                values = table[name].get(s, {}).get(budget)
                if not values:
                    cells.append("")
                    continue
                q1, m, q3 = quartiles(values)
                cells.append(f"{fmt(m)} [{fmt(q1)}, {fmt(q3)}]")
            print(f"| {name} | " + " | ".join(cells) + " |")

    print()
    for budget in ("50", "100"):
        for a, b in (("tunelab-tpe", "optuna-tpe"), ("tunelab-gp", "optuna-tpe"), ("tunelab-gp", "tunelab-tpe")):
            ratios = [ratio(med(n, a, budget), med(n, b, budget)) for n in table
                      if med(n, a, budget) is not None and med(n, b, budget) is not None]
            if not ratios:
                continue
            wins = sum(r < 1 for r in ratios)
            losses = sum(r > 1 for r in ratios)
            print(f"{a} / {b} at {budget} trials: median over {len(ratios)} problems of the ratio of "
                  f"median regrets {statistics.median(ratios):.3f} ({wins} better, {losses} worse)")
    gp_rows = [n for n in table if med(n, "tunelab-gp", "50") is not None and med(n, "tunelab-tpe", "50") is not None
               and med(n, "tunelab-random", "100") is not None]
    fine = [n for n in gp_rows if med(n, "tunelab-gp", "50") <= min(med(n, "tunelab-tpe", "50"), med(n, "tunelab-random", "100"))]
    print(f"gp @50 no worse than tpe @50 and random @100 on {len(fine)} of {len(gp_rows)} problems")


if __name__ == "__main__":
    main()
