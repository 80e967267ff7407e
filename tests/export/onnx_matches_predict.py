#!/usr/bin/env python3
"""tunelab export-model: the ONNX graph gives what `tunelab predict` gives.

For models trained by `tunelab train` on a few epochs (MAGIC: binary; California housing:
regression with a categorical column and missing values; Adult: binary with categorical
columns between numeric ones and '?' markers; wine: every activation kind, batch
normalization and dropout, softmax over 3 classes), exports each model, checks the file with
onnx.checker (full check, with shape inference), evaluates the graph with the small NumPy
evaluator below (onnxruntime is not in Debian) on rows of the data set, and compares with the
CSV `tunelab predict` writes for the same rows: probabilities to 1e-5, regression values to
1e-5 of their size (float32 carries ~7 digits of a house price in dollars).

Exit 77 (ctest: skipped) when onnx or numpy cannot be imported or a data set is missing.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
except ImportError as e:
    print(f"SKIP: needs python3-onnx and python3-numpy (Debian): {e}")
    sys.exit(77)

MISSING = {"", "?", "NA", "NaN", "nan"}  # the default data.missing_values
ROWS = 600

WINE_EVERY_LAYER = """
name: wine_every_layer
data: {source: wine, target: target, task: multiclass, preprocess: {numeric: standard}}
model:
  layers:
    - {type: dense, units: 12, activation: leaky_relu}
    - {type: batch_normalization}
    - {type: dense, units: 12, activation: elu}
    - {type: batch_normalization, center: false, scale: false, epsilon: 0.05}
    - {type: dense, units: 12, activation: tanh}
    - {type: dropout, rate: 0.3}
    - {type: dense, units: 12, activation: gelu}
    - {type: dense, units: 12, activation: swish, use_bias: false}
    - {type: dense, units: 12, activation: sigmoid}
    - {type: activation, activation: relu}
    - {type: dense, units: 12}
    - {type: dense, units: 3, activation: softmax}
  loss: sparse_categorical_crossentropy
train: {optimizer: {type: adam, learning_rate: 0.01}, batch_size: 16, epochs: 15}
execution: {backend: reference, seed: 3}
"""

# Every other activation kind (and relu's parameters), one dense layer each.
WINE_EVERY_ACTIVATION = """
name: wine_every_activation
data: {source: wine, target: target, task: multiclass, preprocess: {numeric: standard}}
model:
  layers:
    - {type: dense, units: 12, activation: softplus}
    - {type: dense, units: 12, activation: softsign}
    - {type: dense, units: 12, activation: hard_sigmoid}
    - {type: dense, units: 12, activation: selu}
    - {type: dense, units: 12, activation: relu6}
    - {type: dense, units: 12, activation: mish}
    - {type: dense, units: 12, activation: hard_silu}
    - {type: dense, units: 12, activation: log_sigmoid}
    - {type: dense, units: 12, activation: {type: celu, alpha: 0.7}}
    - {type: dense, units: 12, activation: {type: relu, negative_slope: 0.1, max_value: 2.5,
                                            threshold: 0.2}}
    - {type: dense, units: 12, activation: {type: leaky_relu, alpha: 0.05}}
    - {type: dense, units: 12, activation: exponential}
    - {type: dense, units: 12, activation: log_softmax}
    - {type: dense, units: 3, activation: softmax}
  loss: sparse_categorical_crossentropy
train: {optimizer: {type: adam, learning_rate: 0.005}, batch_size: 16, epochs: 10}
execution: {backend: reference, seed: 5}
"""

ADULT_CATEGORICAL = """
name: adult_categorical
data:
  source: adult
  target: income
  task: binary
  preprocess: {numeric: minmax, categorical: onehot, missing: most_frequent}
model:
  layers:
    - {type: dense, units: 16, activation: relu}
    - {type: dense, units: 1, activation: sigmoid}
  loss: binary_crossentropy
train: {optimizer: adam, batch_size: 256, epochs: 1}
execution: {backend: reference, seed: 5}
"""


# --- A NumPy evaluator for the operators the export uses ----------------------------------

def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def one_hot_encoder(x, cats_strings, zeros=1, **_):
    cats = [c.decode() if isinstance(c, bytes) else c for c in cats_strings]
    out = np.zeros(x.shape + (len(cats),), dtype=np.float32)
    for index in np.ndindex(x.shape):
        value = x[index]
        if value in cats:
            out[index + (cats.index(value),)] = 1.0
        elif not zeros:
            raise ValueError(f"OneHotEncoder: unknown category {value!r}")
    return out


def batch_normalization(x, scale, bias, mean, var, epsilon=1e-5, **_):
    return (scale * (x - mean) / np.sqrt(var + np.float32(epsilon)) + bias).astype(np.float32)


def gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a = a.T if transA else a
    b = b.T if transB else b
    y = np.float32(alpha) * (a @ b)
    return y if c is None else y + np.float32(beta) * c


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


OPS = {
    "Identity": lambda x: x,
    "IsNaN": np.isnan,
    "Where": np.where,
    "Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide,
    "MatMul": np.matmul,
    "Gemm": gemm,
    "Relu": lambda x: np.maximum(x, 0),
    "LeakyRelu": lambda x, alpha=0.01: np.where(x > 0, x, np.float32(alpha) * x),
    "Elu": lambda x, alpha=1.0: np.where(x > 0, x, np.float32(alpha) * np.expm1(x)),
    "Tanh": np.tanh,
    "Sigmoid": sigmoid,
    "Softmax": softmax,
    "Erf": lambda x: np.vectorize(math.erf, otypes=[np.float32])(x),
    "Neg": np.negative,
    "Exp": np.exp,
    "Min": np.minimum,
    "Greater": np.greater,
    "Softplus": lambda x: np.logaddexp(np.float32(0), x),
    "Softsign": lambda x: x / (1 + np.abs(x)),
    "Celu": lambda x, alpha=1.0: np.maximum(x, 0) + np.minimum(
        0, np.float32(alpha) * np.expm1(x / np.float32(alpha))),
    "Selu": lambda x, alpha=1.67326319, gamma=1.05070102: np.float32(gamma) * np.where(
        x > 0, x, np.float32(alpha) * np.expm1(x)),
    "HardSigmoid": lambda x, alpha=0.2, beta=0.5: np.clip(
        np.float32(alpha) * x + np.float32(beta), 0, 1),
    "HardSwish": lambda x: x * np.clip(x / np.float32(6) + np.float32(0.5), 0, 1),
    "Clip": lambda x, low, high: np.clip(x, low, high),
    "LogSoftmax": lambda x, axis=-1: np.log(softmax(x, axis)),
    "BatchNormalization": batch_normalization,
    "Flatten": lambda x, axis=1: x.reshape(int(np.prod(x.shape[:axis])), -1),
    "Concat": lambda *xs, axis: np.concatenate(xs, axis=axis),
    "Gather": lambda x, indices, axis=0: np.take(x, indices, axis=axis),
    "OneHotEncoder": one_hot_encoder,
}


def evaluate(model, feeds):
    values = dict(feeds)
    for tensor in model.graph.initializer:
        values[tensor.name] = numpy_helper.to_array(tensor)
    for node in model.graph.node:
        if node.op_type not in OPS:
            raise AssertionError(f"the evaluator has no {node.op_type} (node {node.name})")
        result = OPS[node.op_type](*[values[i] for i in node.input], **attributes(node))
        values[node.output[0]] = np.asarray(result)
    return {o.name: values[o.name] for o in model.graph.output}


# --- The check -----------------------------------------------------------------------------

def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}")
    return result.stdout


def sample_rows(csv_file, scratch, name):
    with open(csv_file, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    step = max(1, len(body) // ROWS)
    picked = body[::step][:ROWS]
    path = os.path.join(scratch, name + "_rows.csv")
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + picked)
    return path, [h.strip() for h in header], [[c.strip() for c in r] for r in picked]


def feeds_for(model, header, rows):
    meta = {p.key: p.value for p in model.metadata_props}
    numeric = json.loads(meta["tunelab.numeric_columns"])
    feeds = {}
    for value in model.graph.input:
        if value.name == "features":
            columns = [header.index(c) for c in numeric]
            feeds["features"] = np.array(
                [[math.nan if r[c] in MISSING else float(r[c]) for c in columns] for r in rows],
                dtype=np.float32)
        else:
            column = header.index(value.name)
            feeds[value.name] = np.array([[r[column]] for r in rows], dtype=object)
    return feeds


def predicted(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [r for r in rows[1:]]


def check(case, tunelab, data_dir, scratch, config, override_args, csv_name):
    out_dir = os.path.join(scratch, case)
    os.makedirs(out_dir, exist_ok=True)
    run([tunelab, "train", config, "--quiet", "--data-dir", data_dir, "-o", out_dir] + override_args)
    model_file = os.path.join(out_dir, "model.tunelab")
    onnx_file = os.path.join(out_dir, "model.onnx")
    run([tunelab, "export-model", model_file, "-o", onnx_file])
    model = onnx.load(onnx_file)
    onnx.checker.check_model(model, full_check=True)

    rows_file, header, rows = sample_rows(os.path.join(data_dir, csv_name), out_dir, case)
    predictions_file = os.path.join(out_dir, "predictions.csv")
    run([tunelab, "predict", model_file, rows_file, "-o", predictions_file])
    pred_header, pred_rows = predicted(predictions_file)
    [(output_name, graph_out)] = evaluate(model, feeds_for(model, header, rows)).items()
    if output_name == "probabilities":
        expected = np.array([[float(v) for v in r[1:]] for r in pred_rows])
        tolerance = 1e-5
    else:
        expected = np.array([[float(v) for v in r] for r in pred_rows])
        tolerance = 1e-5 * np.maximum(1.0, np.abs(expected))
    assert graph_out.shape == expected.shape, (graph_out.shape, expected.shape, pred_header)
    worst = np.max(np.abs(graph_out - expected) - tolerance)
    difference = np.max(np.abs(graph_out - expected))
    if worst > 0 or not np.all(np.isfinite(graph_out)):
        raise AssertionError(f"{case}: the ONNX graph differs from tunelab predict by up to "
                             f"{difference:g} (columns {pred_header})")
    print(f"{case}: {len(rows)} rows, {len(model.graph.node)} nodes, ONNX = predict within "
          f"{difference:.3g} ({output_name}, columns {pred_header[1:] or pred_header})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tunelab", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--scratch", required=True)
    args = parser.parse_args()
    os.makedirs(args.scratch, exist_ok=True)
    needed = ["magic04.csv", "california_housing.csv", "adult_train.csv", "wine.csv"]
    missing = [f for f in needed if not os.path.exists(os.path.join(args.data_dir, f))]
    if missing:
        print(f"SKIP: needs {', '.join(missing)} in {args.data_dir}")
        return 77
    for name, text in [("wine_every_layer", WINE_EVERY_LAYER),
                       ("wine_every_activation", WINE_EVERY_ACTIVATION),
                       ("adult_categorical", ADULT_CATEGORICAL)]:
        with open(os.path.join(args.scratch, name + ".yaml"), "w") as f:
            f.write(text)
    configs = os.path.join(args.source_dir, "experiments", "configs")
    cases = [
        ("magic", os.path.join(configs, "magic.yaml"), ["--set", "train.epochs=2"],
         "magic04.csv"),
        ("california_housing", os.path.join(configs, "california_housing.yaml"),
         ["--set", "train.epochs=2", "--set", "execution.backend=reference"],
         "california_housing.csv"),
        ("adult_categorical", os.path.join(args.scratch, "adult_categorical.yaml"), [],
         "adult_train.csv"),
        ("wine_every_layer", os.path.join(args.scratch, "wine_every_layer.yaml"), [],
         "wine.csv"),
        ("wine_every_activation", os.path.join(args.scratch, "wine_every_activation.yaml"), [],
         "wine.csv"),
    ]
    for case in cases:
        check(case[0], args.tunelab, args.data_dir, args.scratch, case[1], case[2], case[3])
    print(f"{len(cases)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
