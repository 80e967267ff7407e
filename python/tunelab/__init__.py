"""tunelab from Python: run studies, read them as DataFrames, predict, optimize a callable.

The engine is the one the ``tunelab`` executable runs (tunelab._core, a pybind11 extension);
this file only shapes its answers the way notebook users expect. See docs/python.md.

    import tunelab
    trials = tunelab.run("experiments/configs/magic_grid.yaml", set={"train.epochs": 5})
    study = tunelab.Study("runs/magic-grid/study.db")
    model = tunelab.load_model("runs/magic-grid/best_model.tunelab")
    model.predict(frame)
"""

import json
import os
import shutil
import tempfile
import weakref

from tunelab import _core
from tunelab._core import TunelabError

__all__ = ["run", "Study", "load_model", "Model", "optimize", "TunelabError"]

try:  # pandas is optional: without it tables are lists of dicts
    import pandas as _pandas
except ImportError:  # pragma: no cover - depends on the machine
    _pandas = None


def _override_text(value):
    """A --set value: YAML reads it back as the same number, string, list or mapping."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value)


def _overrides(settings):
    return ["%s=%s" % (key, _override_text(value)) for key, value in (settings or {}).items()]


def _paths(value):
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def _frame(columns, rows):
    records = [dict(zip(columns, row)) for row in rows]
    if _pandas is None:
        return records
    return _pandas.DataFrame(records, columns=columns)


class Study:
    """A stored study: a study database (``study.db``) or an experiment file whose
    ``execution.storage`` holds one (``set`` overrides applied as with --set). Every read goes
    to the database, so a study that is still running shows its trials so far."""

    def __init__(self, path, set=None):  # noqa: A002 - the CLI's name for it
        self.path = os.fspath(path)
        self._overrides = _overrides(set)
        self._keep = None  # a temporary directory the study lives in (optimize without storage)

    def _table(self):
        return _core.study_table(self.path, self._overrides)

    @property
    def name(self):
        return self._table()["name"]

    @property
    def metric(self):
        return self._table()["metric"]

    @property
    def direction(self):
        return self._table()["goal"]

    @property
    def trials(self):
        """Every trial as a dict with the columns of `tunelab export`'s CSV."""
        table = self._table()
        return [dict(zip(table["columns"], row)) for row in table["rows"]]

    def trials_dataframe(self):
        """The trials as a pandas DataFrame (a list of dicts without pandas), with the columns
        of `tunelab export --format csv`: trial, backend, status, value, ..., the parameters,
        best_<metric> for each value of the ranking epoch, error."""
        table = self._table()
        return _frame(table["columns"], table["rows"])

    @property
    def best_trial(self):
        """The best complete trial (by the study's metric and goal) as a dict, or None."""
        table = self._table()
        if table["best_trial"] is None:
            return None
        for row in table["rows"]:
            record = dict(zip(table["columns"], row))
            if record["trial"] == table["best_trial"] and record["backend"] == table["backend"]:
                return record
        return None

    @property
    def best_params(self):
        best = self.best_trial
        if best is None:
            return None
        table = self._table()
        first = table["columns"].index("seed") + 1
        names = [c for c in table["columns"][first:-1] if not c.startswith(("best_", "objective_"))]
        return {name: best[name] for name in names if name != "pareto" and best[name] is not None}

    @property
    def best_value(self):
        best = self.best_trial
        return None if best is None else best["value"]

    def history(self, trial, backend=None):
        """The epochs of one trial (epoch, seconds, learning_rate, loss, val_loss, ...), as a
        DataFrame (a list of dicts without pandas)."""
        rows = _core.study_history(self.path, self._overrides, int(trial), backend)
        if _pandas is None:
            return rows
        return _pandas.DataFrame(rows)

    def __repr__(self):
        return "tunelab.Study(%r)" % self.path


def run(experiment, set=None, data_dir=None, new_study=False, quiet=True, plugin_dir=None):  # noqa: A002
    """Runs (or resumes) the study of an experiment file, as ``tunelab run`` does, and returns
    its trials (see Study.trials_dataframe).

    set: {"train.epochs": 5, ...}, the --set overrides; data_dir: one directory or a list
    (--data-dir); new_study: discard a stored study (--new-study); quiet: no progress lines.
    Raises TunelabError with the message the CLI prints (file:line:col), KeyboardInterrupt when
    the study was interrupted (run it again to resume)."""
    path = os.fspath(experiment)
    overrides = _overrides(set)
    _core.run_study(path, overrides, _paths(data_dir), _paths(plugin_dir), bool(new_study),
                    bool(quiet))
    return Study(path, set=set).trials_dataframe()


class Model:
    """A saved model (best_model.tunelab, or the model.tunelab of tunelab train)."""

    def __init__(self, path, plugin_dir=None):
        self.path = os.fspath(path)
        self._model = _core.Model(self.path, _paths(plugin_dir))
        preprocessing = self._model.preprocessing()
        self.input_columns = [i["column"] for i in preprocessing["inputs"]]
        self._categorical = {i["column"]: i["categorical"] for i in preprocessing["inputs"]}
        self.classes = preprocessing["class_names"]
        self.target = preprocessing["target"]
        self.task = preprocessing["task"]
        self.info = self._model.info()

    def _columns(self, x):
        if _pandas is not None and isinstance(x, _pandas.DataFrame):
            names = [str(c) for c in x.columns if str(c) in self._categorical]
            return names, [self._column(name, x[name].tolist()) for name in names]
        import numpy

        array = numpy.asarray(x)
        if array.ndim == 1:
            array = array.reshape(1, -1)
        if array.ndim != 2 or array.shape[1] != len(self.input_columns):
            raise TunelabError(
                "expected rows of %d values (the columns %s), got an array of shape %s"
                % (len(self.input_columns), ", ".join(self.input_columns), array.shape))
        return self.input_columns, [self._column(name, array[:, i].tolist())
                                    for i, name in enumerate(self.input_columns)]

    def _column(self, name, values):
        import numpy

        if self._categorical.get(name, False):
            return [None if _missing(v) else str(v) for v in values]
        return numpy.asarray([numpy.nan if _missing(v) else float(v) for v in values],
                             dtype=numpy.float64)

    def predict(self, x):
        """One row per input row, as a NumPy array: for a binary task the probability of
        classes[1] (one column), for several classes one probability per class, for regression
        the value in the target's units. x: a pandas DataFrame (columns by name, as in the
        training CSV; other columns, the target's too, are ignored) or a 2-D array with the input columns in order."""
        names, columns = self._columns(x)
        return self._model.predict(names, columns)

    def predict_labels(self, x):
        """The predicted class name of each row (classification), as `tunelab predict`'s
        first column."""
        outputs = self.predict(x)
        if self.task == "binary":
            return [self.classes[1] if p >= 0.5 else self.classes[0] for p in outputs[:, 0]]
        if self.task == "multiclass":
            return [self.classes[int(i)] for i in outputs.argmax(axis=1)]
        raise TunelabError("predict_labels needs a classification model; this one is %s"
                           % self.task)

    def __repr__(self):
        return "tunelab.Model(%r)" % self.path


def _missing(value):
    return value is None or (isinstance(value, float) and value != value)


def load_model(path, plugin_dir=None):
    """Loads a saved model as ``tunelab predict`` does."""
    return Model(path, plugin_dir=plugin_dir)


def optimize(fn, space, strategy="gp", n_trials=None, n_jobs=2, seed=42, direction="minimize",
             storage=None, name="python", options=None, new_study=False, quiet=True,
             plugin_dir=None):
    """Minimises (or maximises) fn(params) -> float over `space`, like Optuna's
    study.optimize, and returns the Study.

    space: a dict in the syntax of the YAML search.parameters ({"x": {"min": -5, "max": 10},
    "n": {"values": [1, 2, 3]}}); strategy: grid, random, gp, tpe or auto; options: its
    search.<strategy> block ({"initial_trials": 8}); n_jobs: trials at once (fn is called
    with the GIL held, from several threads); storage: the study database (resumed when it
    exists); without it the study lives in a temporary directory as long as the Study.
    A trial whose fn raises fails with the exception's text; the others go on."""
    keep = None
    if storage is None:
        keep = tempfile.mkdtemp(prefix="tunelab-")
        storage = os.path.join(keep, "study.db")
    storage = os.fspath(storage)
    search = {"strategy": strategy, "metric": {"name": "value", "goal": direction},
              "parameters": space}
    if n_trials is not None:
        search["max_trials"] = int(n_trials)
    if options:
        search[strategy] = options
    experiment = {
        "name": name,
        "search": search,
        "execution": {"parallel_trials": int(n_jobs), "seed": int(seed), "storage": storage,
                      "output": os.path.dirname(os.path.abspath(storage))},
    }
    text = "# tunelab.optimize: a Python callable objective\n" + json.dumps(experiment, indent=2)
    _core.optimize(fn, text, _paths(plugin_dir), bool(new_study), bool(quiet))
    study = Study(storage)
    if keep is not None:
        study._keep = weakref.finalize(study, shutil.rmtree, keep, True)
    return study
