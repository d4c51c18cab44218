"""Numbers as a learner reads them: a real minus sign, no "+ -0.04", no "0.0000" for a tiny probability."""

from __future__ import annotations

import numpy as np

MINUS = "−"


def num(value: float, spec: str = ".4f") -> str:
    """A number with a typographic minus."""
    return format(float(value), spec).replace("-", MINUS)


def term(coefficient: float, name: str, spec: str = ".3f") -> str:
    """'+ 0.045·x₂' or '− 0.045·x₂': a term added to an expression, its sign written once."""
    sign = MINUS if coefficient < 0 else "+"
    return f"{sign} {format(abs(float(coefficient)), spec)}·{name}"


def constant(value: float, spec: str = ".3f") -> str:
    """'+ 0.2' or '− 0.2': a constant added to an expression."""
    sign = MINUS if value < 0 else "+"
    return f"{sign} {format(abs(float(value)), spec)}"


def operand(value: float, spec: str = ".4f") -> str:
    """A value written after an operator: negatives in brackets, so 'a − (−0.2)' never reads 'a − -0.2'."""
    text = num(value, spec)
    return f"({text})" if value < 0 else text


def prob(p: float) -> str:
    """A probability with enough digits to be non-zero when it is: 0.1234, 3.2e−07, or 0."""
    p = float(p)
    if p == 0:
        return "0"
    if p >= 1e-3:
        return f"{p:.4f}"
    return num(p, ".2e")


def tied_max(values, atol: float = 1e-12) -> list[int]:
    """Indices of every value equal to the largest (more than one on a tie)."""
    values = np.asarray(values, dtype=float)
    return [int(i) for i in np.flatnonzero(np.isclose(values, values.max(), rtol=0, atol=atol))]


def and_list(items) -> str:
    """'3', '3 and 5', '3, 5 and 8'."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    """'1 epoch', '2 epochs', '1 bias', '2 biases'."""
    return f"{count:,} {word if count == 1 else plural_form or word + 's'}"
