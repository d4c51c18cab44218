"""The notebook's five questions about its network, answered with numbers read off the live model."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    prompt: str
    options: tuple[str, ...]
    answer: int  # index into options
    explanation: str

    def is_correct(self, choice: str | None) -> bool:
        return choice == self.options[self.answer]


def network_quiz(rows) -> list[Question]:
    """Build the quiz from lib.models.param_rows(model) so it follows the width slider."""
    by_name = {row.layer: row for row in rows}
    flatten, hidden, output = by_name["input"], by_name["hidden"], by_name["output"]
    n_pixels = int(flatten.output_shape.strip("()").split(",")[-1])
    units = hidden.params // (n_pixels + 1)
    total = sum(row.params for row in rows)
    return [
        Question(
            "1. How many trainable parameters does the input layer have? Will it get better with training?",
            (
                f"{n_pixels} — one per pixel, so it learns which pixels matter",
                "0 — it only flattens 28×28 into 784 numbers, so training cannot change it",
                "28 — one per row of the image",
            ),
            1,
            f"The Flatten layer has {flatten.params} parameters: it rearranges the 28×28 image into "
            f"{n_pixels} numbers and has nothing to learn.",
        ),
        Question(
            f"2. Why does the hidden layer have {hidden.params:,} trainable parameters?",
            (
                f"{n_pixels} inputs × {units} neurons = {n_pixels * units:,} weights",
                f"{n_pixels} × {units} weights + {units} biases = {hidden.params:,}",
                f"{n_pixels} + {units} = {n_pixels + units:,}: one per input and one per neuron",
            ),
            1,
            f"Each of the {units} neurons has one weight per input ({n_pixels}) plus one bias: "
            f"{units} × ({n_pixels} + 1) = {hidden.params:,}. Forgetting the biases gives "
            f"{n_pixels * units:,}.",
        ),
        Question(
            f"3. Why does the output layer have {output.params:,} trainable parameters?",
            (
                f"{units} × 10 weights + 10 biases = {output.params:,}",
                f"10 × 65 = {10 * 65}, always, whatever the hidden width",
                "One per training label",
            ),
            0,
            f"10 output neurons, each with {units} weights (one per hidden neuron) and a bias: "
            f"10 × ({units} + 1) = {output.params:,}. In all the network has {total:,} parameters.",
        ),
        Question(
            "4. Why was ReLU used in the hidden layer (rather than no activation)?",
            (
                "It makes the matrix multiplication cheaper",
                "Without it the two Dense layers collapse into a single linear layer, "
                "so the hidden layer would add nothing",
                "It turns the hidden values into probabilities",
            ),
            1,
            "Two linear layers in a row are one linear layer: W = W1·W2, b = b1·W2 + b2. "
            "A non-linearity between them (ReLU is the simplest that works well) lets the network "
            "bend its decision boundaries. The Activation functions lesson shows this with numbers.",
        ),
        Question(
            "5. Why was softmax used in the output layer?",
            (
                "It keeps every output between −1 and 1",
                "It turns the 10 scores into 10 probabilities that sum to 1; the prediction is the most probable digit",
                "It removes the need for a loss function",
            ),
            1,
            "softmax(z)ᵢ = exp(zᵢ) / Σⱼ exp(zⱼ): every output is positive and they add up to 1, "
            "which is what cross-entropy needs to score a multi-class guess.",
        ),
    ]
