"""Where the notebook the course is built from is wrong: each correction as a sentence, with live numbers."""

from __future__ import annotations

from lib.fmt import num, operand


def twelve_k_dimensions(total: int) -> str:
    return (
        f"it says this network has “12k dimensions”. Counted from the model, it has **{total:,}** trainable "
        f"parameters, so gradient descent moves through a {total:,}-dimensional space."
    )


def relu_not_differentiable(left_slope: float, right_slope: float, autodiff: float) -> str:
    return (
        "it says all the functions a network uses are differentiable. ReLU is not, at 0: its slope is "
        f"{left_slope:g} just left of 0 and {right_slope:g} just right of it. Frameworks simply pick a value there "
        f"(TensorFlow's autodiff reports {autodiff:g}), and since an input is almost never exactly 0, training works."
    )


def zero_derivative_is_not_enough(minima_count: int) -> str:
    return (
        "“the minimum occurs when the derivative is zero” is only half of it. A zero derivative is necessary for a "
        "minimum but not enough: a maximum and a saddle point have one too. The two-valleys curve has a zero "
        f"derivative at its {minima_count} minima and at the hump between them; the saddle below is flat without "
        "being a minimum."
    )


def not_stochastic_and_not_just_momentum() -> str:
    return (
        "it calls vanilla gradient descent *stochastic*. Plain gradient descent on the whole data set is "
        "deterministic: the same start gives the same path (the noise slider at 0 above). The randomness comes from "
        "training on mini-batches, each a different sample of the data; the noise slider imitates it. It also says "
        "“Adam = SGD + momentum”: Adam does keep a momentum (m), but it also divides each parameter's step by the "
        "root of a running average of its squared gradients (v), so every parameter gets its own step size."
    )


def local_minima_exist(local_w: float) -> str:
    return (
        "“can this get stuck in a local minimum? In theory, yes. But in practice, no.” Local minima do exist and can "
        f"trap gradient descent: the two-valleys curve above has one at w ≈ {num(local_w, '.3f')} (try starting at "
        "w = 2). What is true is that in very many dimensions most flat points are saddles like this one, and the "
        "local minima that large networks reach tend to be about as good as each other."
    )


def backprop_mistakes(index: int, f: float, y: float) -> str:
    return (
        "it says the loss's derivative is “just 2(f(X))”. For lᵢ = (fᵢ − yᵢ)² the derivative with respect to fᵢ is "
        f"**2·(fᵢ − yᵢ)**: the error, not the prediction. For point {index} that is 2·({num(f)} − {operand(y)}) = "
        f"{num(2 * (f - y))}, while 2·fᵢ would be {num(2 * f)}. It also says the framework computes gradients "
        "*during the forward pass* and adjusts weights *along the way*: the forward pass only records the operations "
        "and their values; the gradients are all computed afterwards, in the backward pass, and only then does the "
        "optimizer change the weights (the training step in Train MNIST shows this order). And Keras was not “the "
        "first” framework: Theano (2007), Torch (2002) and Caffe (2013) came before Keras (2015), which began as an "
        "easier way to write Theano models."
    )
