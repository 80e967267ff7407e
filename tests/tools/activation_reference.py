#!/usr/bin/env python3
"""Prints the PyTorch values and vector-Jacobian products that tests/core/ActivationValuesTest.cpp
quotes: for each activation (as tunelab's YAML writes it) f(x) at the points X, and the gradient
of sum(W * f(x)) with respect to x, both in float64.

Keras' relu with parameters has no PyTorch twin: it is written out with torch.where as Keras 3
defines it. Run with Debian's python3-torch: /usr/bin/python3 tests/tools/activation_reference.py
"""
import json

import torch
import torch.nn.functional as F

# Points in every region of every activation, away from the kinks (0, +-3, 6, relu's
# threshold 1 and max_value 5).
X = [-20.0, -7.0, -3.5, -2.75, -1.5, -0.6, -0.1, 0.15, 0.7, 1.6, 2.8, 3.4, 6.5, 12.0]
W = [0.7, -1.3, 0.4, 1.1, -0.5, 0.9, 1.7, -0.8, 0.3, 1.2, -0.6, 0.5, 1.4, -1.0]


def keras_relu(slope, max_value, threshold):
    return lambda x: torch.where(x > threshold, torch.clamp(x, max=max_value),
                                 slope * (x - threshold))


CASES = [
    ("linear", lambda x: x),
    ("relu", F.relu),
    ({"type": "relu", "negative_slope": 0.1, "max_value": 5, "threshold": 1},
     keras_relu(0.1, 5.0, 1.0)),
    ({"type": "relu", "alpha": 0.25}, lambda x: F.leaky_relu(x, 0.25)),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.3)),
    ({"type": "leaky_relu", "negative_slope": 0.1}, lambda x: F.leaky_relu(x, 0.1)),
    ("elu", F.elu),
    ({"type": "elu", "alpha": 0.5}, lambda x: F.elu(x, 0.5)),
    ("tanh", torch.tanh),
    ("sigmoid", torch.sigmoid),
    ("softmax", lambda x: F.softmax(x, dim=0)),
    ("gelu", F.gelu),
    ("swish", F.silu),
    ("silu", F.silu),
    ("softplus", F.softplus),
    ("softsign", F.softsign),
    ("hard_sigmoid", F.hardsigmoid),
    ("selu", F.selu),
    ("exponential", torch.exp),
    ("relu6", F.relu6),
    ("mish", F.mish),
    ("hard_silu", F.hardswish),
    ("hard_swish", F.hardswish),
    ("log_sigmoid", F.logsigmoid),
    ("celu", F.celu),
    ({"type": "celu", "alpha": 2.0}, lambda x: F.celu(x, 2.0)),
    ("log_softmax", lambda x: F.log_softmax(x, dim=0)),
]


def numbers(t):
    return ", ".join(f"{v:.9g}" for v in t.tolist())


def main():
    w = torch.tensor(W, dtype=torch.float64)
    for spec, f in CASES:
        x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
        y = f(x)
        (grad,) = torch.autograd.grad((w * y).sum(), x)
        print(f"    {{R\"({json.dumps(spec)})\",")
        print(f"     {{{numbers(y.detach())}}},")
        print(f"     {{{numbers(grad)}}}}},")


if __name__ == "__main__":
    main()
