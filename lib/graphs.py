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
        "  rankdir=TB; bgcolor=transparent; ranksep=0.3;",
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


def computation_graph_dot(values: dict, gradient) -> str:
    """The one-neuron loss as a graph: x, w, b → products → f → f − y → square → mean → L.

    `values` come from NeuronExperiment.point_values(i): each node shows its forward value for that
    data point; each parameter also shows ∂L/∂parameter for the whole batch (`gradient`, ordered w1, w2, b).
    Edge labels are the local derivatives that backpropagation multiplies together.
    """
    v, (g1, g2, gb) = values, gradient

    def node(name, label, color, shape="box"):
        return f'  {name} [label={_quote(label)}, shape={shape}, style="rounded,filled", fillcolor="{color}"];'

    lines = [
        "digraph loss {",
        "  rankdir=TB; bgcolor=transparent; nodesep=0.35; ranksep=0.45;",
        '  node [fontname="Helvetica", fontsize=11]; edge [fontname="Helvetica", fontsize=10, color="#607d8b"];',
        node("x1", f"x₁ = {v['x1']:.3f}", "#e3f2fd"),
        node("x2", f"x₂ = {v['x2']:.3f}", "#e3f2fd"),
        node("w1", f"w₁ = {v['w1']:.4f}\\n∂L/∂w₁ = {g1:.4f}", "#fff3e0"),
        node("w2", f"w₂ = {v['w2']:.4f}\\n∂L/∂w₂ = {g2:.4f}", "#fff3e0"),
        node("b", f"b = {v['b']:.4f}\\n∂L/∂b = {gb:.4f}", "#fff3e0"),
        node("m1", f"w₁·x₁ = {v['w1x1']:.4f}", "#ede7f6", "ellipse"),
        node("m2", f"w₂·x₂ = {v['w2x2']:.4f}", "#ede7f6", "ellipse"),
        node("f", f"f = w₁x₁ + w₂x₂ + b\\n= {v['f']:.4f}", "#ede7f6", "ellipse"),
        node("y", f"y = {v['y']:.4f}", "#e3f2fd"),
        node("r", f"f − y = {v['r']:.4f}", "#ede7f6", "ellipse"),
        node("s", f"(f − y)² = {v['s']:.4f}", "#ede7f6", "ellipse"),
        node("L", f"L = mean over {v['n']:,} points\\n= {v['L']:.5f}", "#e8f5e9"),
        f'  x1 -> m1 [label="∂/∂w₁ = x₁ = {v["x1"]:.3f}"]; w1 -> m1;',
        f'  x2 -> m2 [label="∂/∂w₂ = x₂ = {v["x2"]:.3f}"]; w2 -> m2;',
        '  m1 -> f [label="1"]; m2 -> f [label="1"]; b -> f [label="∂f/∂b = 1"];',
        '  f -> r [label="1"]; y -> r [label="−1"];',
        f'  r -> s [label="2(f − y) = {v["dL_df"]:.4f}"];',
        f'  s -> L [label="1/{v["n"]:,}"];',
        "}",
    ]
    return "\n".join(lines)
