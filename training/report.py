"""The evaluation report SageMaker uploads as output.tar.gz: metrics as JSON and pictures.

Classifiers get a confusion matrix and a ROC curve, regressors predicted against actual values,
as PNG files a user can look at rather than read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn import metrics


def write_report(
    out_dir: Path,
    scores: dict[str, Any],
    y_true: Sequence[Any],
    predictions: Sequence[Any],
    probabilities: np.ndarray | None = None,
    classes: Sequence[Any] | None = None,
) -> list[Path]:
    """Write metrics.json and the pictures into `out_dir`; the files written."""
    import matplotlib

    matplotlib.use("Agg")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "metrics.json"]
    written[0].write_text(json.dumps(scores, indent=2, default=str) + "\n")
    if classes is not None:
        written.append(_confusion_matrix(out_dir, y_true, predictions, classes))
        if probabilities is not None:  # a support vector machine has none
            written.append(_roc_curve(out_dir, y_true, probabilities, classes))
    else:
        written.append(_predicted_vs_actual(out_dir, y_true, predictions))
    return written


def _confusion_matrix(out_dir: Path, y_true, predictions, classes) -> Path:
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(5, 4.5))
    display = metrics.ConfusionMatrixDisplay.from_predictions(
        y_true, predictions, labels=list(classes), ax=axes, colorbar=False
    )
    display.ax_.set_title("Confusion matrix (validation)")
    return _save(figure, out_dir / "confusion_matrix.png")


def _roc_curve(out_dir: Path, y_true, probabilities, classes) -> Path:
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(5, 4.5))
    y_true = np.asarray(y_true)
    for index, label in enumerate(classes):
        if len(classes) == 2 and index == 0:
            continue  # a binary problem has one curve
        positives = y_true == label
        if positives.all() or not positives.any():
            continue
        fpr, tpr, _ = metrics.roc_curve(positives, probabilities[:, index])
        area = metrics.auc(fpr, tpr)
        axes.plot(fpr, tpr, label=f"{label} (AUC {area:.3f})")
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (validation)")
    axes.legend(loc="lower right")
    return _save(figure, out_dir / "roc_curve.png")


def _predicted_vs_actual(out_dir: Path, y_true, predictions) -> Path:
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(5, 4.5))
    axes.scatter(y_true, predictions, s=8, alpha=0.6)
    low = float(min(np.min(y_true), np.min(predictions)))
    high = float(max(np.max(y_true), np.max(predictions)))
    axes.plot([low, high], [low, high], linestyle="--", color="grey")
    axes.set(xlabel="actual", ylabel="predicted", title="Predicted against actual (validation)")
    return _save(figure, out_dir / "predicted_vs_actual.png")


def _save(figure, path: Path) -> Path:
    from matplotlib import pyplot

    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)
    return path
