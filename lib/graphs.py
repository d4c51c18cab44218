"""DOT source for the course's pictures; Streamlit's graphviz_chart draws them in the browser."""

from __future__ import annotations


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def neuron_dot(num_inputs: int = 3, activation: str = "ReLU") -> str:
    """One artificial neuron: inputs x_i, weights w_i, a sum with bias b, then an activation."""
    lines = [
        "digraph neuron {",
        "  rankdir=LR; bgcolor=transparent;",
        '  node [fontname="Helvetica", fontsize=12];',
    ]
    shown = list(range(1, min(num_inputs, 3) + 1))
    for i in shown:
        lines.append(f'  x{i} [label="x{i}", shape=circle, style=filled, fillcolor="#e3f2fd"];')
        lines.append(f'  x{i} -> sum [label="× w{i}"];')
    if num_inputs > 3:
        lines.append('  xn [label="xₙ", shape=circle, style=filled, fillcolor="#e3f2fd"];')
        lines.append('  xn -> sum [label="× wₙ"];')
    lines += [
        '  bias [label="b (bias)", shape=box, style="rounded,filled", fillcolor="#fff3e0"];',
        '  bias -> sum [label="+ b"];',
        '  sum [label="Σ  x·w + b", shape=circle, style=filled, fillcolor="#ede7f6"];',
        f'  act [label={_quote(activation)}, shape=box, style="rounded,filled", fillcolor="#e8f5e9"];',
        '  out [label="output", shape=plaintext];',
        "  sum -> act -> out;",
        "}",
    ]
    return "\n".join(lines)


def network_dot(rows, hidden_activation: str, output_activation: str) -> str:
    """The layer stack of the MNIST network, each box labelled with shape and parameter count.

    `rows` are lib.models.ParamRow objects, so every number in the picture comes from the model.
    """
    activations = {"hidden": hidden_activation, "output": output_activation}
    lines = [
        "digraph network {",
        "  rankdir=LR; bgcolor=transparent;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12];',
        '  image [label="image\\n28×28 pixels", fillcolor="#eceff1"];',
    ]
    previous = "image"
    for row in rows:
        label = f"{row.layer} ({row.kind})\\n{row.output_shape}"
        if row.layer in activations:
            label += f"\\nactivation: {activations[row.layer]}"
        label += f"\\n{row.params:,} parameters"
        color = "#e3f2fd" if row.params == 0 else "#e8f5e9"
        lines.append(f"  {row.layer} [label={_quote(label)}, fillcolor={_quote(color)}];")
        lines.append(f"  {previous} -> {row.layer};")
        previous = row.layer
    lines += ['  probs [label="10 probabilities\\n(digits 0–9)", fillcolor="#fff3e0"];']
    lines += [f"  {previous} -> probs;", "}"]
    return "\n".join(lines)
