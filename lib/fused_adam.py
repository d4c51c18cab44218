"""Keras's Adam, each variable's update done by TensorFlow's own Adam kernel in one pass.

Keras 3 writes Adam's update as a dozen separate tensor operations per variable (m, v and the weights are each
read and written several times). TensorFlow ships the same update as one kernel, `ResourceApplyAdam` (the one
tf.keras 2 used, in the notebook's days), which reads and writes each array once. The rule is the same,
term for term:

    alpha = lr·√(1 − β₂ᵗ) / (1 − β₁ᵗ)
    m ← m + (g − m)·(1 − β₁)
    v ← v + (g² − v)·(1 − β₂)
    w ← w − m·alpha / (√v + ε)

The only difference is where 1 − β is rounded: Keras computes it in Python's float64 and rounds the result to
float32; the kernel subtracts in float32 (1 − β₂ is then 0.99998713e-3 instead of 1e-3, the nearest float32
to 0.999 being 0.99900001). In float64 the two agree to the last bit. tests/test_fused_adam.py checks both
against Keras's Adam and a NumPy reference. Everything else (its m and v, its iteration count, the learning
rate, every setting) is Keras's Adam, which this class is.
"""

from __future__ import annotations

import keras

from lib.runtime import tf


class FusedAdam(keras.optimizers.Adam):
    def __init__(self, *args, name="adam", **kwargs):  # Keras's name, as everywhere it is listed
        super().__init__(*args, name=name, **kwargs)

    def update_step(self, gradient, variable, learning_rate):
        tensor = variable.value if isinstance(variable, keras.Variable) else variable  # the tf.Variable
        if self.amsgrad or not hasattr(tensor, "handle"):
            return super().update_step(gradient, variable, learning_rate)
        dtype = tensor.dtype
        index = self._get_variable_index(variable)
        # The bias corrections exactly as Keras's Adam computes them (its casts included) ...
        local_step = keras.ops.cast(self.iterations + 1, dtype)
        beta_1_power = keras.ops.power(keras.ops.cast(self.beta_1, dtype), local_step)
        beta_2_power = keras.ops.power(keras.ops.cast(self.beta_2, dtype), local_step)
        tf.raw_ops.ResourceApplyAdam(
            var=tensor.handle,
            m=self._momentums[index].value.handle,
            v=self._velocities[index].value.handle,
            beta1_power=beta_1_power,
            beta2_power=beta_2_power,
            lr=keras.ops.cast(learning_rate, dtype),
            # ... and the constants straight in the variable's precision, as Keras's Python arithmetic uses them
            beta1=tf.constant(self.beta_1, dtype),
            beta2=tf.constant(self.beta_2, dtype),
            epsilon=tf.constant(self.epsilon, dtype),
            grad=keras.ops.cast(gradient, dtype),
            use_locking=False,
        )
