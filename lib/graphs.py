"""DOT source for the course's pictures; Streamlit's graphviz_chart draws them in the browser."""

from __future__ import annotations

from lib.fmt import num, operand


def _quote(text: str) -> str:
    """A DOT string literal: backslashes and quotes escaped, each line break written as DOT's centred-line \\n."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


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
        "  rankdir=TB; bgcolor=transparent; ranksep=0.3;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12];',
        "  image [label=" + _quote("image\n28×28 pixels") + ', fillcolor="#eceff1"];',
    ]
    previous = "image"
    for row in rows:
        label = f"{row.layer} ({row.kind})\n{row.output_shape}"
        if row.layer in activations:
            label += f"\nactivation: {activations[row.layer]}"
        label += f"\n{row.params:,} parameters"
        color = "#e3f2fd" if row.params == 0 else "#e8f5e9"
        lines.append(f"  {row.layer} [label={_quote(label)}, fillcolor={_quote(color)}];")
        lines.append(f"  {previous} -> {row.layer};")
        previous = row.layer
    lines += ["  probs [label=" + _quote("10 probabilities\n(digits 0–9)") + ', fillcolor="#fff3e0"];']
    lines += [f"  {previous} -> probs;", "}"]
    return "\n".join(lines)


def _loss_graph(values: dict, gradient) -> tuple[list[tuple], list[tuple]]:
    """The one-neuron loss graph's nodes (name, label, colour, shape) and edges (from, to, local derivative)."""
    v, (g1, g2, gb) = values, gradient
    p1, p2, pb = v["point_gradient"]

    def parameter(symbol, value, point_grad, batch_grad):
        return (
            f"{symbol} = {num(value)}\n∂lᵢ/∂{symbol} = {num(point_grad)} (this point)"
            f"\n∂L/∂{symbol} = {num(batch_grad)} (mean of all {v['n']:,})"
        )

    nodes = [
        ("x1", f"x₁ = {num(v['x1'], '.3f')}", "#e3f2fd", "box"),
        ("x2", f"x₂ = {num(v['x2'], '.3f')}", "#e3f2fd", "box"),
        ("w1", parameter("w₁", v["w1"], p1, g1), "#fff3e0", "box"),
        ("w2", parameter("w₂", v["w2"], p2, g2), "#fff3e0", "box"),
        ("b", parameter("b", v["b"], pb, gb), "#fff3e0", "box"),
        ("m1", f"w₁·x₁ = {num(v['w1x1'])}", "#ede7f6", "ellipse"),
        ("m2", f"w₂·x₂ = {num(v['w2x2'])}", "#ede7f6", "ellipse"),
        ("f", f"fᵢ = w₁x₁ + w₂x₂ + b\n= {num(v['f'])}", "#ede7f6", "ellipse"),
        ("y", f"yᵢ = {num(v['y'])}", "#e3f2fd", "box"),
        ("r", f"fᵢ − yᵢ = {num(v['r'])}", "#ede7f6", "ellipse"),
        ("s", f"lᵢ = (fᵢ − yᵢ)² = {num(v['s'])}", "#ede7f6", "ellipse"),
        ("L", f"L = mean of the {v['n']:,} lᵢ\n= {num(v['L'], '.5f')}", "#e8f5e9", "box"),
    ]
    edges = [
        ("x1", "m1", ""),
        ("w1", "m1", f"∂(w₁x₁)/∂w₁ = x₁ = {num(v['x1'], '.3f')}"),
        ("x2", "m2", ""),
        ("w2", "m2", f"∂(w₂x₂)/∂w₂ = x₂ = {num(v['x2'], '.3f')}"),
        ("m1", "f", "1"),
        ("m2", "f", "1"),
        ("b", "f", "∂f/∂b = 1"),
        ("f", "r", "1"),
        ("y", "r", ""),
        ("r", "s", f"2(fᵢ − yᵢ) = 2·{operand(v['r'])} = {num(v['dL_df'])}"),
        ("s", "L", f"1/{v['n']:,}"),
    ]
    return nodes, edges


def computation_graph_dot(values: dict, gradient) -> str:
    """The one-neuron loss as a graph: x, w, b → products → f → f − y → square → mean → L.

    `values` come from NeuronExperiment.point_values(i): each node shows its forward value for that one data
    point i; each parameter shows the gradient of that point's loss lᵢ and of the batch loss L (`gradient`,
    ordered w1, w2, b: the mean of the points' gradients). Edges into the parameters' path carry the local
    derivatives that backpropagation multiplies together.
    """
    nodes, edges = _loss_graph(values, gradient)
    lines = [
        "digraph loss {",
        "  rankdir=TB; bgcolor=transparent; nodesep=0.35; ranksep=0.45;",
        '  node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10, color="#607d8b"];',
    ]
    for name, label, color, shape in nodes:
        lines.append(f'  {name} [label={_quote(label)}, shape={shape}, style="rounded,filled", fillcolor="{color}"];')
    for a, b, label in edges:
        lines.append(f"  {a} -> {b}" + (f" [label={_quote(label)}]" if label else "") + ";")
    return "\n".join(lines + ["}"])


def computation_graph_rows(values: dict, gradient) -> list[dict]:
    """The same graph as a table, one row per edge in the order the forward pass runs: readable on a phone, where
    the drawn graph shrinks to fit the screen."""
    nodes, edges = _loss_graph(values, gradient)
    label = {name: text.replace("\n", " ") for name, text, _, _ in nodes}
    return [{"from": label[a], "into": label[b], "local derivative": derivative or "—"} for a, b, derivative in edges]
