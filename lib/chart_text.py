"""Text alternatives for the charts: what each chart plots, its axes, and what its data shows, computed from the
same numbers the chart draws. Vega announces a spec's top-level `description` as the chart's accessible name, so
a screen reader hears these sentences where a sighted learner sees the picture."""

from __future__ import annotations

import numpy as np

from lib.fmt import and_list, num, plural, tied_max


def _range(values) -> str:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    return "no finite values" if not len(values) else f"{num(values.min(), '.3g')} to {num(values.max(), '.3g')}"


def activation_text(x, y, dy, title: str) -> str:
    return (
        f"Line chart of {title}: f(x) as a solid line and its derivative f′(x) by autodiff as a dashed line, for x "
        f"from {num(np.min(x), '.3g')} to {num(np.max(x), '.3g')}. f(x) runs from {_range(y)}; f′(x) from "
        f"{_range(dy)}."
    )


def softmax_text(probabilities, true_class: int | None = None) -> str:
    p = np.asarray(probabilities, dtype=float)
    top = tied_max(p)
    best = (
        f"class {top[0]} is the most probable, at {p[top[0]]:.1%}"
        if len(top) == 1
        else (f"classes {and_list(top)} tie for the highest probability, {p[top[0]]:.1%}")
    )
    true = "" if true_class is None else f" The true class, {true_class}, gets {p[true_class]:.1%}."
    listed = ", ".join(f"{i}: {v:.1%}" for i, v in enumerate(p))
    return f"Bar chart of the probability of each of the {len(p)} classes: {best}.{true} All of them: {listed}."


def boundary_text(result, labels, title: str, finding: str) -> str:
    labels = np.asarray(labels)
    share = float(np.mean(np.asarray(result.grid_probability) > 0.5))
    return (
        f"{title}. Heat map of the network's probability of class 1 over the plane (x₁ across, x₂ up), with the "
        f"{len(labels)} data points on it ({int((labels == 0).sum())} of class 0 as circles, "
        f"{int((labels == 1).sum())} of class 1 as squares). It gives class 1 to {share:.0%} of the plane; "
        f"{finding}."
    )


def loss_curves_text(p, curves: dict) -> str:
    return (
        f"Two line charts against the probability the model gives the true class, from {p[0]:g} to {p[-1]:g}. "
        f"Top, the loss: cross-entropy (solid) rises to {curves['cross_entropy'].max():.2f} as p falls to {p[0]:g}, "
        f"MSE (dashed) never exceeds {curves['mse'].max():.3f}. Bottom, the gradient with respect to the true "
        f"class's logit: at p = {p[0]:g}, cross-entropy's is {num(curves['cross_entropy_grad'][0], '.3f')} and "
        f"MSE's only {num(curves['mse_grad'][0], '.4f')}."
    )


def descent_1d_text(view: dict) -> str:
    points = view["points"]
    first, last = points[0], points[-1]
    off = sum(bool(p["off_chart"]) for p in points)
    return (
        f"A loss curve (grey line) over w from {num(view['low'], '.3g')} to {num(view['high'], '.3g')}, and the "
        f"{plural(len(points), 'point')} gradient descent visited (orange, joined in order): from w = "
        f"{num(first['w'], '.4g')} (loss {num(first['loss'], '.4g')}) to w = {num(last['w'], '.4g')} (loss "
        f"{num(last['loss'], '.4g')}). {plural(off, 'point')} beyond the drawn range, shown as triangles at its edge."
    )


def contour_text(title: str, paths: dict, off_chart: dict) -> str:
    if not paths:
        return f"{title}: a heat map of the loss over two parameters (darker is lower), with no optimizer shown."
    parts = []
    for name, path in paths.items():
        finite = path[np.isfinite(path).all(axis=1)]
        end = finite[-1] if len(finite) else path[0]
        parts.append(
            f"{name} takes {plural(len(finite) - 1, 'step')} to ({num(end[0], '.3g')}, {num(end[1], '.3g')})"
            + (f", {off_chart[name]} of its points off the chart" if off_chart.get(name) else "")
        )
    return (
        f"{title}: a heat map of the loss over parameter 1 (across) and parameter 2 (up), darker is lower, with "
        f"each optimizer's path as its own line style: " + "; ".join(parts) + "."
    )


def neuron_text(frame, targets: dict) -> tuple[str, str]:
    last = frame.iloc[-1]
    values = ", ".join(f"{name} = {num(last[name], '.4g')} (target {value:g})" for name, value in targets.items())
    params = f"Line chart of the parameters against epochs, targets dashed: after epoch {int(last['epoch'])}, {values}."
    losses = frame["loss"].to_numpy(dtype=float)
    loss = (
        f"Line chart of the loss (log scale) against epochs: from {num(losses[0], '.4g')} at epoch "
        f"{int(frame['epoch'].iloc[0])} to {num(losses[-1], '.4g')} at epoch {int(last['epoch'])}."
    )
    return params, loss


def training_text(history, unit: str) -> str:
    if not history.batch_loss:
        return "Training loss and accuracy: no batches yet."
    loss, acc = np.asarray(history.batch_loss, float), np.asarray(history.batch_accuracy, float)
    text = (
        f"Two line charts against {unit}s, loss (log scale) and accuracy. Over "
        f"{plural(len(loss), 'batch', 'batches')}, the batch loss went from {num(loss[0], '.3g')} to "
        f"{num(loss[-1], '.3g')} and the batch accuracy from {acc[0]:.0%} to {acc[-1]:.0%}."
    )
    if history.epochs:
        last = history.epochs[-1]
        text += f" After epoch {last.epoch}: mean training accuracy {last.accuracy:.1%}"
        text += "." if last.val_accuracy is None else f", validation accuracy {last.val_accuracy:.1%}."
    return text


def confusion_text(confusion) -> str:
    confusion = np.asarray(confusion)
    total, right = int(confusion.sum()), int(np.trace(confusion))
    off = confusion.copy()
    np.fill_diagonal(off, 0)
    text = f"Confusion matrix of {total:,} test images, rows the true digit, columns the guess: {right:,} right."
    if off.max() > 0:
        true, guess = np.unravel_index(int(np.argmax(off)), off.shape)
        text += f" The most common mistake: a {true} read as {guess}, {int(off.max()):,} times."
    return text


def per_class_text(per_class_accuracy) -> str:
    acc = np.asarray(per_class_accuracy, dtype=float)
    best, worst = int(np.argmax(acc)), int(np.argmin(acc))
    return (
        f"Bar chart of test accuracy per digit: best {best} at {acc[best]:.1%}, worst {worst} at {acc[worst]:.1%}. "
        + ", ".join(f"{d}: {a:.1%}" for d, a in enumerate(acc))
        + "."
    )


def runs_overlay_text(data, metric: str) -> str:
    if not len(data):
        return f"Training {metric} of your runs: no run chosen."
    ends = [f"{run} ends at {num(group[metric].iloc[-1], '.4g')}" for run, group in data.groupby("run", sort=False)]
    return f"Line chart of each run's smoothed training {metric} against epochs, one line style per run: " + (
        "; ".join(ends) + "."
    )


def sweep_text(finding: str) -> str:
    """finding: the sentence the page shows under the chart (lib.lab.experiments.describe_zones)."""
    return (
        "Two panels against log10(learning rate), one point per run (shape and colour by zone): the last epoch's "
        "mean training loss (log scale) and the test accuracy. " + finding
    )


def twins_text(data, finding: str) -> str:
    """finding: the verdict the page shows under the chart (lib.lab.twins.twin_verdict)."""
    ends = [
        f"{run} ends at a mean loss of {num(group['mean'].iloc[-1], '.4g')}"
        for run, group in data.groupby("run", sort=False)
    ]
    return (
        "Line chart of each arm's smoothed training loss against batches, mean over seeds with a band of one "
        f"spread: {'; '.join(ends) or 'no runs'}. {finding}"
    )


def bce_text(p, bce: dict) -> str:
    return (
        f"Line chart of binary cross-entropy against the predicted probability p, from {p[0]:g} to {p[-1]:g}: for "
        f"label 1 (solid) −log p rises to {bce['label_1'].max():.2f} as p falls to {p[0]:g}; for label 0 (dashed) "
        f"−log(1 − p) rises to {bce['label_0'].max():.2f} as p grows to {p[-1]:g}."
    )


def hidden_text(hidden) -> str:
    hidden = np.asarray(hidden, dtype=float)
    active = np.flatnonzero(hidden > 0)
    top = np.argsort(hidden)[::-1][:3]
    strongest = ", ".join(f"neuron {int(j)} ({num(hidden[j], '.3g')})" for j in top)
    return (
        f"Bar chart of the {len(hidden)} hidden neurons' activations: {len(active)} are above 0; the strongest are "
        f"{strongest}."
    )


def digits_alt(labels, columns: int) -> str:
    """The alt text of a grid of digit pictures: how many, the grid, and each label row by row."""
    labels = [int(v) for v in labels]
    rows = [" ".join(map(str, labels[i : i + columns])) for i in range(0, len(labels), columns)]
    return (
        f"{len(labels)} handwritten MNIST digits, white on black, in {len(rows)} rows of {columns}; row by row they "
        "are: " + "; ".join(rows) + "."
    )
