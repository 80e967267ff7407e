"""The Python module against the tunelab executable: the same study, the same table, the same
predictions. Run by ctest (tests/CMakeLists.txt: Python.*) with PYTHONPATH at the build's
module and TUNELAB_BIN at its executable; by hand:

    PYTHONPATH=build/release/lib/python3/dist-packages TUNELAB_BIN=build/release/bin \
        python3 -m unittest -v tests/python/test_tunelab.py
"""

import csv
import math
import os
import shutil
import subprocess
import tempfile
import textwrap
import threading
import time
import unittest

import tunelab

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATASETS = os.path.join(os.path.dirname(SOURCE), "shared", "datasets")
TUNELAB = os.path.join(os.environ.get("TUNELAB_BIN", os.path.join(SOURCE, "build/release/bin")),
                       "tunelab")

try:
    import pandas
except ImportError:
    pandas = None

# A small grid on MAGIC: 2 x 2 trials of 3 epochs.
MAGIC_GRID = textwrap.dedent("""\
    name: python-magic
    data:
      source: magic04
      target: class
      task: binary
      preprocess: {numeric: minmax}
      split: {test: 0.2, validation: 0.2, stratify: true}
    model:
      layers:
        - {type: dense, units: $nodes, activation: relu}
        - {type: dense, units: 1, activation: sigmoid}
      loss: binary_crossentropy
      metrics: [accuracy]
    train:
      optimizer: {type: adam, learning_rate: $lr}
      batch_size: 256
      epochs: 3
    search:
      strategy: grid
      metric: {name: val_loss, goal: minimize}
      parameters:
        nodes: {values: [8, 16]}
        lr: {values: [0.01, 0.001]}
    execution:
      backend: reference
      parallel_trials: 2
      threads_per_trial: 1
      seed: 7
      output: OUTPUT
    """)


def have_magic():
    return os.path.exists(os.path.join(DATASETS, "magic04.csv"))


def cli(*args, cwd=None):
    done = subprocess.run([TUNELAB, *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise AssertionError("tunelab %s: exit %d\n%s" % (" ".join(args), done.returncode,
                                                          done.stderr))
    return done.stdout


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def same_cell(python_value, csv_text):
    """A table cell from Python equals the CSV's text of it."""
    if python_value is None:
        return csv_text == ""
    if isinstance(python_value, bool):
        return csv_text == ("true" if python_value else "false")
    if isinstance(python_value, (int, float)):
        return math.isclose(float(python_value), float(csv_text), rel_tol=1e-7, abs_tol=1e-12)
    return str(python_value) == csv_text


class Scratch(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tunelab-python-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def experiment(self, text=MAGIC_GRID):
        path = os.path.join(self.dir, "exp.yaml")
        with open(path, "w") as f:
            f.write(text.replace("OUTPUT", os.path.join(self.dir, "run")))
        return path


@unittest.skipUnless(have_magic(), "magic04.csv is not in " + DATASETS)
class RunTest(Scratch):
    def test_run_returns_the_trials_export_writes(self):
        exp = self.experiment()
        trials = tunelab.run(exp, set={"train.epochs": 2}, data_dir=DATASETS)
        records = trials.to_dict("records") if pandas is not None else trials
        self.assertEqual(len(records), 4)
        exported = os.path.join(self.dir, "trials.csv")
        cli("export", exp, "--set", "train.epochs=2", "--format", "csv", "-o", exported)
        rows = read_csv(exported)
        with open(exported) as f:
            header = f.readline().strip().split(",")
        columns = list(trials.columns) if pandas is not None else list(records[0])
        self.assertEqual(columns, header)
        self.assertIn("best_val_loss", columns)
        self.assertIn("nodes", columns)
        for record, row in zip(records, rows):
            for column in header:
                cell = record[column]
                if pandas is not None and isinstance(cell, float) and math.isnan(cell):
                    cell = None
                self.assertTrue(same_cell(cell, row[column]),
                                "trial %s column %s: %r in Python, %r in the CSV"
                                % (row["trial"], column, cell, row[column]))
        self.assertTrue(all(r["status"] == "complete" for r in records))
        self.assertTrue(all(r["epochs"] == 2 for r in records))

    def test_study_reads_the_database_and_the_history(self):
        exp = self.experiment()
        tunelab.run(exp, data_dir=DATASETS)
        study = tunelab.Study(os.path.join(self.dir, "run", "study.db"))
        self.assertEqual(study.metric, "val_loss")
        best = study.best_trial
        values = [t["value"] for t in study.trials if t["value"] is not None]
        self.assertEqual(best["value"], min(values))
        self.assertEqual(set(study.best_params), {"nodes", "lr"})
        history = study.history(best["trial"])
        rows = history.to_dict("records") if pandas is not None else history
        self.assertEqual([r["epoch"] for r in rows], [1, 2, 3])
        best_row = rows[best["best_epoch"] - 1]
        self.assertAlmostEqual(best_row["val_loss"], best["best_val_loss"], places=6)
        # The same history as the CLI's JSON export.
        import json
        exported = os.path.join(self.dir, "study.json")
        cli("export", exp, "--format", "json", "-o", exported)
        with open(exported) as f:
            document = json.load(f)
        trial = next(t for t in document["trials"] if t["trial"] == best["trial"])
        self.assertEqual([e["values"]["val_loss"] for e in trial["epochs"]],
                         [r["val_loss"] for r in rows])

    def test_an_error_carries_the_cli_message_with_its_place(self):
        exp = self.experiment(MAGIC_GRID.replace("epochs: 3", "epochz: 3"))
        with self.assertRaises(tunelab.TunelabError) as raised:
            tunelab.run(exp, data_dir=DATASETS)
        message = str(raised.exception)
        self.assertRegex(message, r"exp\.yaml:17:3: train\.epochz: ")
        self.assertIn("epochs", message)  # did you mean
        done = subprocess.run([TUNELAB, "run", exp, "--data-dir", DATASETS],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr.strip(), "error: " + message)

    def test_a_missing_study_is_an_error(self):
        with self.assertRaises(tunelab.TunelabError) as raised:
            tunelab.Study(os.path.join(self.dir, "none.db")).trials
        self.assertIn("no such file", str(raised.exception))


@unittest.skipUnless(have_magic(), "magic04.csv is not in " + DATASETS)
class PredictTest(Scratch):
    def test_predictions_equal_tunelab_predict(self):
        exp = self.experiment()
        tunelab.run(exp, set={"search.parameters.nodes.values": [8],
                              "search.parameters.lr.values": [0.01]}, data_dir=DATASETS)
        saved = os.path.join(self.dir, "run", "best_model.tunelab")
        data = os.path.join(self.dir, "rows.csv")
        with open(os.path.join(DATASETS, "magic04.csv")) as source, open(data, "w") as rows:
            for _ in range(201):
                rows.write(source.readline())
        predictions = os.path.join(self.dir, "predictions.csv")
        cli("predict", saved, data, "-o", predictions)
        expected = read_csv(predictions)
        model = tunelab.load_model(saved)
        self.assertEqual(model.task, "binary")
        probability = "probability_" + model.classes[1]
        if pandas is not None:
            frame = pandas.read_csv(data)
            outputs = model.predict(frame)
            # Columns by name: their order does not matter.
            shuffled = model.predict(frame[list(reversed(frame.columns))])
            self.assertEqual(outputs.tolist(), shuffled.tolist())
            self.assertEqual(model.predict_labels(frame), [r["class"] for r in expected])
        else:
            outputs = None
        import numpy
        with open(data) as f:
            reader = csv.DictReader(f)
            array = numpy.array([[float(r[c]) for c in model.input_columns] for r in reader])
        from_array = model.predict(array)
        self.assertEqual(from_array.shape, (200, 1))
        for row, p in zip(expected, from_array[:, 0]):
            self.assertAlmostEqual(float(row[probability]), p, places=6)
        if outputs is not None:
            self.assertEqual(outputs.tolist(), from_array.tolist())

    def test_missing_column_is_named(self):
        if pandas is None:
            self.skipTest("python3-pandas is not installed")
        exp = self.experiment()
        tunelab.run(exp, set={"search.parameters.nodes.values": [8],
                              "search.parameters.lr.values": [0.01]}, data_dir=DATASETS)
        model = tunelab.load_model(os.path.join(self.dir, "run", "best_model.tunelab"))
        frame = pandas.read_csv(os.path.join(DATASETS, "magic04.csv"), nrows=5)
        with self.assertRaises(tunelab.TunelabError) as raised:
            model.predict(frame.drop(columns=["fAlpha"]))
        self.assertIn("fAlpha", str(raised.exception))


class OptimizeTest(Scratch):
    def test_a_callable_finds_the_minimum_of_a_quadratic(self):
        space = {"x": {"min": -5.0, "max": 5.0}, "n": {"values": [1, 2, 3]}}
        seen = []

        def objective(params):
            seen.append(params)
            return (params["x"] - 1.5) ** 2 + params["n"]

        storage = os.path.join(self.dir, "quadratic.db")
        study = tunelab.optimize(objective, space, strategy="gp", n_trials=20, n_jobs=2, seed=3,
                                 storage=storage, options={"initial_trials": 6})
        self.assertEqual(len(seen), 20)
        self.assertTrue(all(-5 <= p["x"] <= 5 and p["n"] in (1, 2, 3) for p in seen))
        best = study.best_trial
        self.assertEqual(best["value"], min((p["x"] - 1.5) ** 2 + p["n"] for p in seen))
        self.assertLess(best["value"], 1.2)  # random search of 20 rarely gets this close
        self.assertEqual(study.best_params["n"], 1)
        # The CLI reads the study the callable filled.
        exported = os.path.join(self.dir, "quadratic.csv")
        cli("export", storage, "--format", "csv", "-o", exported)
        self.assertEqual(len(read_csv(exported)), 20)

    def test_two_trials_run_at_once(self):
        intervals = []
        lock = threading.Lock()

        def slow(params):
            started = time.monotonic()
            time.sleep(0.3)  # sleeps without the GIL, as numerical work would
            with lock:
                intervals.append((started, time.monotonic()))
            return params["x"]

        study = tunelab.optimize(slow, {"x": {"values": [1, 2, 3, 4]}}, strategy="grid",
                                 n_jobs=2)
        statuses = [t["status"] for t in study.trials]
        self.assertEqual(statuses, ["complete"] * 4)
        overlapping = sum(1 for i, a in enumerate(intervals) for b in intervals[i + 1:]
                          if a[0] < b[1] and b[0] < a[1])
        self.assertGreaterEqual(overlapping, 1, "no two trials ran at the same time")
        self.assertEqual(study.best_value, 1)

    def test_an_exception_fails_its_trial_only(self):
        def picky(params):
            if params["x"] == 2:
                raise ValueError("x may not be 2")
            return params["x"]

        study = tunelab.optimize(picky, {"x": {"values": [1, 2, 3]}}, strategy="grid", n_jobs=1)
        failed = [t for t in study.trials if t["status"] == "failed"]
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["error"], "ValueError: x may not be 2")
        self.assertEqual(study.best_value, 1)

    def test_a_bad_space_names_the_key(self):
        with self.assertRaises(tunelab.TunelabError) as raised:
            tunelab.optimize(lambda p: 0.0, {"x": {"mni": 0, "max": 1}}, strategy="random",
                             n_trials=2)
        self.assertIn("search.parameters.x", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
