#!/usr/bin/python3
"""ZDT1, a two-objective test problem with a known Pareto front (f2 = 1 - sqrt(f1)): prints
{"f1": ..., "f2": ...} for the point given as arguments, each coordinate in [0, 1]."""
import json
import math
import sys

x = [float(v) for v in sys.argv[1:]]
g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
print(json.dumps({"f1": x[0], "f2": g * (1 - math.sqrt(x[0] / g))}))
