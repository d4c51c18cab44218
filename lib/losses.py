"""MSE and cross-entropy: their values and gradients, computed with keras.losses and TensorFlow autodiff."""

from __future__ import annotations

import keras
import numpy as np

from lib.runtime import tf

NUM_CLASSES = 10


def logits_for(p_true: np.ndarray, true_class: int = 0, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Logits whose softmax gives p_true to the true class and shares the rest evenly among the others."""
    p_true = np.asarray(p_true, dtype=np.float64)
    logits = np.zeros((len(p_true), num_classes))
    logits[:, true_class] = np.log(p_true) - np.log((1 - p_true) / (num_classes - 1))
    return logits


def loss_curves(p_true: np.ndarray) -> dict[str, np.ndarray]:
    """For each probability of the true class: CE and MSE (on one-hot labels), and dLoss/d(true logit) by autodiff."""
    logits = tf.Variable(logits_for(p_true))
    labels = np.zeros(len(p_true), dtype=np.int64)
    one_hot = tf.one_hot(labels, NUM_CLASSES, dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        probs = tf.nn.softmax(logits)
        ce = keras.losses.sparse_categorical_crossentropy(labels, probs)
        mse = keras.losses.mean_squared_error(one_hot, probs)
    ce_grad = tape.gradient(ce, logits).numpy()[:, 0]
    mse_grad = tape.gradient(mse, logits).numpy()[:, 0]
    return {"cross_entropy": ce.numpy(), "mse": mse.numpy(), "cross_entropy_grad": ce_grad, "mse_grad": mse_grad}


def compare_losses(true_digit: int, logits) -> dict:
    """Both losses for one prediction: by keras.losses, and by the formulas written out in NumPy."""
    logits = np.asarray(logits, dtype=np.float64)
    probs = tf.nn.softmax(tf.constant(logits[None, :])).numpy()
    one_hot = np.eye(len(logits))[[true_digit]]
    keras_ce = float(keras.losses.SparseCategoricalCrossentropy()(np.array([true_digit]), probs))
    keras_mse = float(keras.losses.MeanSquaredError()(one_hot, probs))
    return {
        "probabilities": probs[0],
        "cross_entropy_keras": keras_ce,
        "cross_entropy_formula": float(-np.log(probs[0, true_digit])),
        "mse_keras": keras_mse,
        "mse_formula": float(np.mean((one_hot - probs) ** 2)),
        "predicted": int(np.argmax(probs)),
    }


def binary_cross_entropy_curves(p: np.ndarray) -> dict[str, np.ndarray]:
    """BCE of a sigmoid output p when the label is 1 (−log p) and when it is 0 (−log(1 − p)), by keras.losses."""
    p = np.asarray(p, dtype=np.float64).reshape(-1, 1)
    bce = keras.losses.binary_crossentropy
    return {"label_1": bce(np.ones_like(p), p).numpy(), "label_0": bce(np.zeros_like(p), p).numpy()}
