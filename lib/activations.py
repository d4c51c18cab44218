"""Activation functions, their derivatives by autodiff, and why linear layers collapse."""

from __future__ import annotations

from lib.runtime import tf


@tf.custom_gradient
def step(x):
    """The brain's threshold: 1 where x > 0, else 0. Its derivative is 0 wherever it exists."""
    y = tf.cast(x > 0, x.dtype)

    def grad(upstream):
        return tf.zeros_like(upstream)  # flat everywhere: nothing for gradient descent to follow

    return y, grad
