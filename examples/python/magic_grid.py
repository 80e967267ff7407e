"""The reference MAGIC grid (experiments/configs/magic_grid.yaml) from Python, notebook style:
run the study, look at its trials as a DataFrame, plot the learning curves of the best trials,
predict with the best model. Run from the checkout's root after building:

    PYTHONPATH=build/release/lib/python3/dist-packages python3 examples/python/magic_grid.py
    PYTHONPATH=... python3 examples/python/magic_grid.py --epochs 5   # a quick look

Each cell below is one step; paste them into a notebook as they are.
"""

import argparse
import os

import tunelab

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--epochs", type=int, default=None, help="train.epochs (the file says 100)")
parser.add_argument("--data-dir", default=None, help="where magic04.csv is (--data-dir)")
parser.add_argument("--plot", default="magic_grid_curves.png", help="the learning curves' file")
args = parser.parse_args()

# %% Run (or resume) the study: the same engine, store and results as `tunelab run`.
experiment = "experiments/configs/magic_grid.yaml"
overrides = {"train.epochs": args.epochs} if args.epochs else {}
trials = tunelab.run(experiment, set=overrides, data_dir=args.data_dir, quiet=False)

# %% The trials, best first: the columns of `tunelab export --format csv`.
study = tunelab.Study(experiment, set=overrides)
print("Best trial:", study.best_trial["trial"], "val_loss", study.best_value, study.best_params)
if hasattr(trials, "sort_values"):
    print(trials.sort_values("value")[["trial", "value", "nodes", "dropout", "lr", "batch_size",
                                       "best_val_accuracy"]].head(10).to_string(index=False))

# %% Learning curves of the five best trials.
ranked = sorted((t for t in study.trials if t["value"] is not None), key=lambda t: t["value"])
try:
    import matplotlib

    matplotlib.use("Agg")  # a file here; drop this line in a notebook
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("note: matplotlib is not installed (apt-get install python3-matplotlib); no plot")

if plt is not None:
    figure, (loss, accuracy) = plt.subplots(1, 2, figsize=(11, 4))
    for trial in ranked[:5]:
        history = study.history(trial["trial"])
        rows = history.to_dict("records") if hasattr(history, "to_dict") else history
        label = "trial %d: %d nodes, lr %g, batch %d" % (
            trial["trial"], trial["nodes"], trial["lr"], trial["batch_size"])
        epochs = [r["epoch"] for r in rows]
        loss.plot(epochs, [r["val_loss"] for r in rows], label=label)
        accuracy.plot(epochs, [r["val_accuracy"] for r in rows], label=label)
    loss.set(xlabel="epoch", ylabel="val_loss", title="MAGIC grid: validation loss")
    accuracy.set(xlabel="epoch", ylabel="val_accuracy", title="validation accuracy")
    loss.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(args.plot, dpi=100)
    print("Learning curves in", args.plot)

# %% Predict with the best model, as `tunelab predict` would.
model_file = os.path.join("runs", "magic-grid", "best_model.tunelab")
if os.path.exists(model_file):
    model = tunelab.load_model(model_file)
    print("Model inputs:", ", ".join(model.input_columns), "-> P(%s)" % model.classes[1])
