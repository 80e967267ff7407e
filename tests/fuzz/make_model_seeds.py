#!/usr/bin/python3
"""Writes the model-file seeds of fuzz_model (seeds/fuzz_model/*.tunelab): MAGIC models in the
format experiments/files/ModelFile.cpp saves (CBOR: format, version, experiment, preprocessor,
params, state, info), with the preprocessing fitted on the first 1,000 rows of magic04.csv.
Standard library only (no cbor module): a minimal CBOR encoder of JSON values.
    tests/fuzz/make_model_seeds.py [DATASETS_DIR]   (default ../shared/datasets)
"""
import csv
import pathlib
import random
import struct
import sys


def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for extra, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | extra]) + struct.pack(fmt, n)
    raise ValueError(n)


def cbor(value):
    if value is None:
        return b"\xf6"
    if value is True or value is False:
        return b"\xf5" if value else b"\xf4"
    if isinstance(value, int):
        return cbor_head(0, value) if value >= 0 else cbor_head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, str):
        raw = value.encode()
        return cbor_head(3, len(raw)) + raw
    if isinstance(value, list):
        return cbor_head(4, len(value)) + b"".join(cbor(v) for v in value)
    if isinstance(value, dict):
        return cbor_head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(value)


def magic_preprocessor(datasets):
    with open(datasets / "magic04.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:1001]
    inputs = []
    for i, name in enumerate(header[:-1]):
        column = sorted(float(r[i]) for r in body)
        low, high = column[0], column[-1]
        inputs.append({"column": name, "categorical": False, "fill": column[len(column) // 2],
                       "fill_category": "", "offset": low, "scale": 1.0 / (high - low),
                       "categories": []})
    return {"inputs": inputs, "feature_names": header[:-1], "class_names": ["g", "h"],
            "target": "class", "task": "binary", "target_offset": 0.0, "target_scale": 1.0,
            "images": False, "sample_shape": [len(header) - 1]}


def model(datasets, layers, params, state):
    rng = random.Random(42)
    experiment = {
        "name": "magic",
        "data": {"source": "magic04", "target": "class", "task": "binary",
                 "preprocess": {"numeric": "minmax"},
                 "split": {"test": 0.2, "validation": 0.2, "stratify": True}},
        "model": {"layers": layers, "loss": "binary_crossentropy", "metrics": ["accuracy"]},
        "train": {"optimizer": {"type": "adam", "learning_rate": 0.01}, "batch_size": 32,
                  "epochs": 2}}
    return cbor({"format": "tunelab-model", "version": 1, "experiment": experiment,
                 "preprocessor": magic_preprocessor(datasets),
                 "params": [round(rng.uniform(-0.5, 0.5), 4) for _ in range(params)],
                 "state": [1.0] * state,
                 "info": {"backend": "reference", "study": "magic", "trial": 0}})


def main():
    datasets = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets")
    out = pathlib.Path(__file__).parent / "seeds" / "fuzz_model"
    dense = {"type": "dense", "units": 4, "activation": "relu"}
    output = {"type": "dense", "units": 1, "activation": "sigmoid"}
    (out / "magic_dense.tunelab").write_bytes(model(datasets, [dense, output], 10 * 4 + 4 + 5, 0))
    batch_norm = [dense, {"type": "batch_normalization"}, {"type": "dropout", "rate": 0.2}, output]
    (out / "magic_batch_norm.tunelab").write_bytes(model(datasets, batch_norm, 44 + 8 + 5, 8))


if __name__ == "__main__":
    main()
