"""The course's words, each defined once; pages link a word's first use to its entry on the Glossary page."""

from __future__ import annotations

TERMS = {  # in alphabetical order, as the Glossary page lists them
    "accuracy": "The share of examples whose predicted class (the largest output) is the true one.",
    "activation function": "The non-linear function applied to each neuron's weighted sum (ReLU, sigmoid, tanh, ...). "
    "Without one, stacked layers collapse into a single linear function.",
    "Adagrad": "An optimizer that divides each step by the root of the sum of all past squared gradients: in Keras "
    "s ← s + g² (s starts at 0.1), then w ← w − lr·g / √(s + ε). Its steps only ever shrink.",
    "Adam": "An optimizer that keeps, per parameter, a running average m of the gradients and v of the squared "
    "gradients, corrects both for starting at 0 (m̂, v̂), and steps lr·m̂ / (√v̂ + ε̂): every parameter gets its own "
    "step size.",
    "automatic differentiation": "Computing exact derivatives of a program by applying the chain rule to every "
    "operation it ran (autodiff). TensorFlow's GradientTape records the operations and does this.",
    "backpropagation": "Computing every gradient by the chain rule, from the loss backwards, reusing forward values.",
    "backward pass": "Backpropagation: the chain rule applied from the loss back to every parameter.",
    "batch": "A small group of training examples (32 in the notebook) whose mean loss gives one gradient (also called "
    "a mini-batch). Full-batch training uses all the examples for every step.",
    "bias": "A parameter added to a neuron's weighted sum, so the neuron can shift where it responds.",
    "chain rule": "The derivative of a composition is the product of the local derivatives along the way: "
    "∂L/∂w = ∂L/∂f · ∂f/∂w.",
    "computation graph": "The operations that compute the loss, drawn as boxes joined by arrows: the forward pass "
    "follows the arrows, backpropagation walks them backwards.",
    "confusion matrix": "A table that counts, for each true class (row), how often the network predicted each class "
    "(column). The diagonal holds the right answers; the rest shows which digits it mixes up.",
    "cross-entropy": "The loss −log(probability given to the true class): huge for confident mistakes. Binary "
    "cross-entropy scores each yes/no output this way.",
    "derivative": "How fast a function's value changes as its input changes: the slope. A partial derivative ∂L/∂w "
    "changes one input, w, and holds the others fixed.",
    "diverge": "Training diverges when its steps make the loss grow instead of settling, usually because the learning "
    "rate is too large for the surface.",
    "ELU": "Exponential linear unit: x for x > 0, eˣ − 1 below. Like ReLU, but smooth and negative below 0.",
    "epoch": "One pass over the whole training set: 60,000 images in batches of 32 is 1,875 steps.",
    "finite difference": "(L(w + h) − L(w − h)) / 2h for a small h: a numerical estimate of a derivative, used to "
    "check the chain rule and autodiff.",
    "flatten": "Turn a 28×28 image into one row of 784 numbers, the input a Dense layer takes.",
    "float32": "A number stored in 32 bits: about 7 significant digits. Keras trains in float32, so two exact "
    "computations can differ in the 7th digit.",
    "forward pass": "Computing the network's outputs and the loss from the inputs, layer by layer.",
    "GELU": "Gaussian error linear unit, x·Φ(x) (Φ: the normal distribution's cumulative probability): a smooth "
    "ReLU used in transformers such as GPT.",
    "gradient": "The partial derivatives of the loss with respect to every parameter: the direction uphill.",
    "gradient descent": "Repeatedly moving the parameters a little against the gradient of the loss.",
    "gradient norm": "The length of the gradient, √(Σ gᵢ²): how steep the loss is where the parameters are now. "
    "Plain SGD's step has length lr × the gradient norm.",
    "hidden layer": "A layer between the input and the output. The notebook's 784-64-10 network has one hidden layer "
    "of 64 neurons.",
    "Jacobian": "The matrix of every partial derivative of a vector function: entry (k, j) is ∂outputₖ/∂inputⱼ. "
    "Softmax's is diag(P) − P·Pᵀ.",
    "Keras": "The library that builds the layers, models, losses and optimizers here, running on TensorFlow.",
    "kernel": "Keras's name for a Dense layer's weight matrix: one column of weights per neuron.",
    "label": "The right answer for a training example: for MNIST, the digit the image shows.",
    "layer": "A group of neurons that all read the same inputs; a network passes data through its layers in order. "
    "In a Dense layer every input is connected to every neuron.",
    "leaky ReLU": "ReLU with a small slope (0.1 here) for negative inputs, so its gradient is never exactly 0.",
    "learning rate": "The factor lr in the update rule. For plain SGD, w ← w − lr·g: the step is lr × the gradient, so "
    "its size is lr·|g| and shrinks where the loss flattens. Momentum, RMSprop, Adagrad and Adam scale their own "
    "steps by lr.",
    "linear": "Of the form a·x + b: a weighted sum plus a constant. Linear layers stacked without an activation are "
    "still one linear function, whose decision boundary is a straight line.",
    "local minimum": "A point lower than everything near it, but not necessarily the lowest point of all (the global "
    "minimum). Gradient descent can settle in one.",
    "logit": "A raw score from the last layer, before softmax turns the scores into probabilities.",
    "loss": "One number saying how wrong the predictions are on some examples (0 = perfect). Training lowers it.",
    "mask": "ReLU's derivative as a matrix of 0s and 1s (1 where the neuron's input is positive): backprop "
    "multiplies the gradient by it, so nothing flows back through a neuron that is off.",
    "MNIST": "70,000 handwritten digits, 28×28 grey pixels each: 60,000 to train on and 10,000 to test with.",
    "momentum": "In Keras, v ← 0.9·v − lr·g, then w ← w + v: the step is a decaying sum of all past gradient steps "
    "(each older one weighted by a further 0.9), not their average. While the gradient keeps its direction the "
    "steps add up, towards 10× (1 / (1 − 0.9)) the plain SGD step; when it flips they partly cancel.",
    "MSE": "Mean squared error: the mean of (output − target)² over the outputs and examples.",
    "multiply-add": "One multiplication and one addition: the unit of work of a matrix product. An m×k matrix "
    "times a k×n one takes m·k·n of them.",
    "neuron": "One unit of a layer: a weighted sum of its inputs plus a bias, passed through an activation function.",
    "one-hot": "A label written as a vector with 1 at the true class and 0 elsewhere: the digit 3 is "
    "(0, 0, 0, 1, 0, 0, 0, 0, 0, 0).",
    "optimizer": "The rule that turns gradients into parameter updates: SGD, momentum, RMSprop, Adagrad, Adam, ...",
    "overfitting": "Doing better and better on the training images while doing no better, or worse, on new ones.",
    "parameter": "A number the network learns: every weight and every bias. The notebook's network has 50,890.",
    "perceptron": "Rosenblatt's 1958 learning machine: one neuron with a step activation (1 above 0, else 0).",
    "ReLU": "Rectified linear unit, max(0, x): positive inputs pass unchanged, negative ones become 0. Its derivative "
    "is 1 for x > 0 and 0 for x < 0 (TensorFlow uses 0 at exactly 0).",
    "RMSprop": "An optimizer that divides each step by a running root-mean-square of recent gradients: in Keras "
    "s ← 0.9·s + 0.1·g², then w ← w − lr·g / √(s + ε). Every parameter gets its own step size.",
    "saddle point": "A flat point (gradient 0) that is a minimum along some directions and a maximum along others, "
    "like (0, 0) on x² − y²: not a minimum, though gradient descent can linger near it.",
    "saliency map": "For one image, how much a class's score changes per change of each pixel (|∂score/∂pixel|): "
    "which pixels the output is most sensitive to, not what the network “sees”.",
    "seed": "The number that starts a pseudo-random generator. The same seed gives the same initial weights, batch "
    "order and noise, so a run repeats exactly; another seed gives another, equally valid run.",
    "SGD": "Keras's plain gradient-descent optimizer, w ← w − lr·g (named after stochastic gradient descent: it is "
    "stochastic when each step sees one random batch).",
    "sigmoid": "1 / (1 + e⁻ˣ): squeezes any number into (0, 1), so it can be read as a probability. Its derivative is "
    "at most 0.25 (at 0) and nearly 0 for large |x|.",
    "softmax": "Turns a list of logits into probabilities that are positive and sum to 1: exp(zᵢ) / Σⱼ exp(zⱼ).",
    "step": "One update of every parameter: forward pass, loss, backward pass, optimizer step, on one batch.",
    "stochastic gradient descent": "Gradient descent on one random batch at a time: each step's gradient is a "
    "noisy estimate of the full-data gradient. Full-batch gradient descent uses all the data for every step.",
    "tanh": "The hyperbolic tangent: squeezes any number into (−1, 1), centred on 0. Its derivative is at most 1 "
    "(at 0) and nearly 0 for large |x|.",
    "temperature": "A number T that divides the logits before softmax, softmax(z / T): T > 1 spreads the "
    "probabilities out, T < 1 sharpens them towards the largest, T = 1 is plain softmax.",
    "TensorFlow": "Google's library for computing with arrays (tensors) and differentiating them automatically; it "
    "runs the Keras models here.",
    "test set": "Examples kept out of training (MNIST's 10,000 test images) to measure how the network does on "
    "images it has never seen.",
    "validation": "Images held out from training, used to measure how well the model generalises.",
    "vanishing gradient": "A derivative so close to 0 (sigmoid and tanh for large |x|) that the layers before it "
    "barely learn. In a deep network the gradient shrinks layer by layer on its way back (each layer multiplies it "
    "by its f′ and its weights), so the first layers learn least.",
    "weight": "A parameter that multiplies one input of a neuron. A layer's weights form a matrix.",
}
ALIASES = {  # other spellings the course uses -> the entry that defines them
    "autodiff": "automatic differentiation",
    "GradientTape": "automatic differentiation",
    "backprop": "backpropagation",
    "mini-batch": "batch",
    "full-batch": "batch",
    "binary cross-entropy": "cross-entropy",
    "partial derivative": "derivative",
    "diverges": "diverge",
    "Dense layer": "layer",
    "minima": "local minimum",
    "logits": "logit",
    "vanishing gradients": "vanishing gradient",
    "mean squared error": "MSE",
    "neurons": "neuron",
    "parameters": "parameter",
    "saddle": "saddle point",
    "saliency": "saliency map",
    "ReLUs": "ReLU",
    "non-linear": "linear",
}


def defines(word: str) -> bool:
    """Whether the glossary defines this word (as an entry or another spelling of one), case aside."""
    known = {w.casefold() for w in (*TERMS, *ALIASES)}
    return word.casefold() in known


def slug(term: str) -> str:
    return term.lower().replace(" ", "-")


def link(term: str, text: str | None = None) -> str:
    """Markdown for a word linked to its glossary entry (opens beside the lesson, which keeps its state)."""
    if term not in TERMS:
        raise KeyError(f"{term!r} is not in the glossary")
    return f"[{text or term}](/glossary#{slug(term)})"
