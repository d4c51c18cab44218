"""The course's words, each defined once; pages link a word's first use to its entry on the Glossary page."""

from __future__ import annotations

TERMS = {
    "parameter": "A number the network learns: every weight and every bias. The notebook's network has 50,890.",
    "weight": "A parameter that multiplies one input of a neuron. A layer's weights form a matrix.",
    "bias": "A parameter added to a neuron's weighted sum, so the neuron can shift where it responds.",
    "kernel": "Keras's name for a Dense layer's weight matrix: one column of weights per neuron.",
    "activation function": "The non-linear function applied to each neuron's weighted sum (ReLU, sigmoid, ...).",
    "logit": "A raw score from the last layer, before softmax turns the scores into probabilities.",
    "softmax": "Turns a list of logits into probabilities that are positive and sum to 1: exp(zᵢ) / Σⱼ exp(zⱼ).",
    "loss": "One number saying how wrong the predictions are on some examples (0 = perfect). Training lowers it.",
    "cross-entropy": "The loss −log(probability given to the true class): huge for confident mistakes.",
    "gradient": "The partial derivatives of the loss with respect to every parameter: the direction uphill.",
    "learning rate": "How far each step moves the parameters against the gradient.",
    "batch": "A small group of training examples (32 in the notebook) whose mean loss gives one gradient.",
    "step": "One update of every parameter: forward pass, loss, backward pass, optimizer step, on one batch.",
    "epoch": "One pass over the whole training set: 60,000 images in batches of 32 is 1,875 steps.",
    "forward pass": "Computing the network's outputs and the loss from the inputs, layer by layer.",
    "backward pass": "Backpropagation: the chain rule applied from the loss back to every parameter.",
    "backpropagation": "Computing every gradient by the chain rule, from the loss backwards, reusing forward values.",
    "automatic differentiation": "Autodiff: the framework records the forward pass and applies the chain rule to "
    "it, exactly (not by finite differences). TensorFlow's tf.GradientTape does it; backprop is its reverse mode.",
    "one-hot": "A label written as a vector of 0s with a single 1 at the true class: digit 3 is (0,0,0,1,0,0,0,0,0,0).",
    "Jacobian": "The matrix of every partial derivative of a vector function: entry (k, j) is ∂outputₖ/∂inputⱼ. "
    "Softmax's is diag(P) − P·Pᵀ.",
    "mask": "ReLU's derivative as a matrix of 0s and 1s (1 where the neuron's input is positive): backprop multiplies "
    "the gradient by it, so nothing flows back through a neuron that is off.",
    "vanishing gradients": "Gradients that shrink layer by layer on their way back through a deep network (each "
    "layer multiplies them by its f′ and its weights), so the first layers barely learn. Sigmoid is prone to it.",
    "multiply-add": "One multiplication and one addition: the unit of work of a matrix product. An m×k matrix times "
    "a k×n one takes m·k·n of them.",
    "gradient descent": "Repeatedly moving the parameters a little against the gradient of the loss.",
    "stochastic gradient descent": "Gradient descent on one random batch at a time: each step's gradient is a "
    "noisy estimate of the full-data gradient. Full-batch gradient descent uses all the data for every step.",
    "optimizer": "The rule that turns gradients into parameter updates: SGD, momentum, RMSprop, Adam, ...",
    "momentum": "A running average of past steps that keeps the parameters moving in a consistent direction.",
    "Adam": "An optimizer that keeps a momentum (m) and a running average of squared gradients (v) per "
    "parameter, and divides each step by √v: every parameter gets its own step size.",
    "validation": "Images held out from training, used to measure how well the model generalises.",
    "overfitting": "Doing better and better on the training images while doing no better, or worse, on new ones.",
}


def slug(term: str) -> str:
    return term.lower().replace(" ", "-")


def link(term: str, text: str | None = None) -> str:
    """Markdown for a word linked to its glossary entry (opens beside the lesson, which keeps its state)."""
    if term not in TERMS:
        raise KeyError(f"{term!r} is not in the glossary")
    return f"[{text or term}](/glossary#{slug(term)})"
