#!/usr/bin/env python3
"""Prints the trajectories of PyTorch's optimizers that tests/core/KerasOptimizerTest.cpp quotes.

The problem: three parameters from p = (1, -2, 0.5), loss sum(a p^2 / 2 + b p), so the gradient
is a * p + b, with a = (1, 3, 0.5) and b = (0.1, -0.2, 0.3). Five steps in float64; the
parameters after every step are printed as a C++ initializer list.

Run with Debian's python3-torch: /usr/bin/python3 tests/tools/optimizer_reference.py
"""
import torch

A = torch.tensor([1.0, 3.0, 0.5], dtype=torch.float64)
B = torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64)
STEPS = 5

# Each set of arguments is the Keras optimizer's, spelled in PyTorch's terms.
OPTIMIZERS = {
    # A large epsilon: with 1e-7 Adadelta's first steps are about sqrt(1e-7), too small to compare.
    "adadelta": lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-3),
    "adamax": lambda p: torch.optim.Adamax(p, lr=0.1, betas=(0.9, 0.999), eps=1e-7),
    # Keras' Nadam decays its momentum coefficient as 0.96^t; PyTorch's as 0.96^(t * decay).
    # foreach: torch 1.13's single-tensor NAdam multiplies mu into mu_product_next twice
    # (mu_product * mu * mu_next); its foreach path and Keras use mu_product * mu_next.
    "nadam": lambda p: torch.optim.NAdam(p, lr=0.1, betas=(0.9, 0.999), eps=1e-7,
                                         momentum_decay=1.0, foreach=True),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.1, betas=(0.9, 0.999), eps=1e-7,
                                         weight_decay=0.5),
}


def trajectory(make):
    p = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    optimizer = make([p])
    rows = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        p.grad = (A * p + B).detach()
        optimizer.step()
        rows.append(p.detach().tolist())
    return rows


def main():
    print(f"// torch {torch.__version__}")
    for name, make in OPTIMIZERS.items():
        rows = trajectory(make)
        body = ",\n    ".join("{" + ", ".join(f"{v:.12g}" for v in row) + "}" for row in rows)
        print(f"// {name}\n{{\n    {body}}}")


if __name__ == "__main__":
    main()
