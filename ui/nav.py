"""The course map: every page, in order, grouped into sections. The router and the tests read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    url_path: str
    summary: str


SECTIONS: dict[str, list[PageSpec]] = {
    "Start": [
        PageSpec("pages/home.py", "Home", ":material/home:", "home", "What this course is, and real MNIST digits."),
    ],
    "Lessons": [
        PageSpec(
            "pages/network.py",
            "The network",
            ":material/hub:",
            "network",
            "Neurons, layers and the 50,890 trainable parameters of the 784-64-10 network.",
        ),
        PageSpec(
            "pages/learning.py",
            "How a network learns",
            ":material/cycle:",
            "learning",
            "One real batch through the real network: forward pass, loss, backward pass, one optimizer step.",
        ),
        PageSpec(
            "pages/backprop_network.py",
            "Backprop through the network",
            ":material/swap_vert:",
            "backprop_network",
            "Every gradient of the 784-64-10 network in matrix form, by hand and by autodiff, on a real batch.",
        ),
        PageSpec(
            "pages/activations.py",
            "Activation functions",
            ":material/show_chart:",
            "activations",
            "Step, ReLU, sigmoid, tanh, softmax and their derivatives; why linear layers collapse.",
        ),
        PageSpec(
            "pages/losses.py",
            "Loss functions",
            ":material/target:",
            "losses",
            "MSE vs cross-entropy: why confident wrong answers must cost more.",
        ),
        PageSpec(
            "pages/descent.py",
            "Gradient descent",
            ":material/downhill_skiing:",
            "descent",
            "Learning rates, loss surfaces, SGD, momentum, RMSprop and Adam, saddle points.",
        ),
        PageSpec(
            "pages/backprop.py",
            "Backprop: one neuron",
            ":material/account_tree:",
            "backprop",
            "The notebook's one-neuron experiment: its computation graph and the chain rule, checked three ways.",
        ),
    ],
    "Labs": [
        PageSpec(
            "pages/train.py",
            "Train MNIST",
            ":material/model_training:",
            "train",
            "The capstone: pick activation, loss, optimizer and learning rate; train the network live, compare runs.",
        ),
        PageSpec(
            "pages/inside.py",
            "Inside the network",
            ":material/biotech:",
            "inside",
            "Draw a digit and follow it through a trained network; see what each hidden neuron learned.",
        ),
        PageSpec(
            "pages/experiments.py",
            "Experiments",
            ":material/science:",
            "experiments",
            "A learning-rate sweep, and twin runs that tell a real effect from seed-to-seed noise.",
        ),
    ],
    "Reference": [
        PageSpec("pages/glossary.py", "Glossary", ":material/menu_book:", "glossary", "Every word, defined once."),
    ],
}


def all_pages() -> list[PageSpec]:
    return [spec for specs in SECTIONS.values() for spec in specs]


def next_page(path: str) -> PageSpec | None:
    """The page after this one in the course's order (None after the last)."""
    pages = all_pages()
    paths = [spec.path for spec in pages]
    index = paths.index(path)
    following = pages[index + 1] if index + 1 < len(pages) else None
    return None if following is None or following.path == "pages/glossary.py" else following
