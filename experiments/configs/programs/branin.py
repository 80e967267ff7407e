#!/usr/bin/env python3
"""A program tuned by experiments/configs/command_branin.yaml: the Branin function, reported
as tunelab reads it (one JSON object per line on stdout; the last line is the result)."""
import argparse
import json
import math

parser = argparse.ArgumentParser()
parser.add_argument("--x1", type=float, required=True)
parser.add_argument("--x2", type=float, required=True)
args = parser.parse_args()

b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
value = (args.x2 - b * args.x1**2 + c * args.x1 - 6) ** 2 + 10 * (1 - t) * math.cos(args.x1) + 10
print(json.dumps({"loss": value}))
