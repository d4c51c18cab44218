"""The notebook's questions about its network, answered with numbers read off the live model.

Questions 1–3 (parameters) belong to The network; 4–5 (ReLU, softmax) to Activation functions, where those are
taught. Every wrong option is checked to differ from the right answer for the width on screen, and the options are
shuffled by a seed drawn from the question's own text, so the right one's position gives nothing away.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.gates import shuffle


@dataclass(frozen=True)
class Question:
    prompt: str
    options: tuple[str, ...]
    answer: int  # index into options
    explanation: str

    def is_correct(self, choice: str | None) -> bool:
        return choice == self.options[self.answer]


def _shuffled(question: Question) -> Question:
    options, answer = shuffle(
        question.options, question.answer, "quiz|" + question.prompt + "|" + "|".join(question.options)
    )
    return Question(question.prompt, options, answer, question.explanation)


def _numeric_question(prompt: str, right: tuple[str, int], candidates: list[tuple[str, int]], explanation: str):
    """The right answer among up to two wrong options whose numbers differ from it and from each other."""
    wrong, seen = [], {right[1]}
    for text, value in candidates:
        if value not in seen and len(wrong) < 2:
            wrong.append(text)
            seen.add(value)
    return Question(prompt, (right[0], *wrong), 0, explanation)


def network_quiz(rows) -> list[Question]:
    """Build the quiz from lib.models.param_rows(model) so it follows the width slider."""
    by_name = {row.layer: row for row in rows}
    flatten, hidden, output = by_name["input"], by_name["hidden"], by_name["output"]
    n = int(flatten.output_shape.strip("()").split(",")[-1])
    u = hidden.params // (n + 1)
    total = sum(row.params for row in rows)
    neurons = "neuron" if u == 1 else "neurons"
    questions = [
        Question(
            "1. How many trainable parameters does the input layer have? Will it get better with training?",
            (
                f"{n} — one per pixel, so it learns which pixels matter",
                f"0 — it only flattens 28×28 into {n} numbers, so training cannot change it",
                "28 — one per row of the image",
            ),
            1,
            f"The Flatten layer has {flatten.params} parameters: it rearranges the 28×28 image into "
            f"{n} numbers and has nothing to learn.",
        ),
        _numeric_question(
            f"2. Why does the hidden layer have {hidden.params:,} trainable parameters?",
            (f"{n} inputs × {u} {neurons} + {u} bias{'es' * (u != 1)} = {hidden.params:,}", hidden.params),
            [
                (f"{n} inputs × {u} {neurons} = {n * u:,}: one weight per connection", n * u),
                (f"{n} + {u} = {n + u:,}: one per input and one per neuron", n + u),
                (f"({n} + 1) × ({u} + 1) = {(n + 1) * (u + 1):,}", (n + 1) * (u + 1)),
            ],
            f"Each of the {u} {neurons} has one weight per input ({n}) plus one bias: "
            f"{u} × ({n} + 1) = {hidden.params:,}. Forgetting the biases gives {n * u:,}.",
        ),
        _numeric_question(
            f"3. Why does the output layer have {output.params:,} trainable parameters?",
            (f"{u} hidden outputs × 10 neurons + 10 biases = {output.params:,}", output.params),
            [
                ("10 × 65 = 650, whatever the hidden width", 650),
                (f"{u} × 10 = {u * 10:,}: weights only", u * 10),
                (f"{u} + 10 = {u + 10:,}: one per hidden neuron and one per digit", u + 10),
            ],
            f"10 output neurons, each with {u} weight{'s' * (u != 1)} (one per hidden neuron) and a bias: "
            f"10 × ({u} + 1) = {output.params:,}. In all the network has {total:,} parameters.",
        ),
    ]
    return [_shuffled(q) for q in questions]


def activation_quiz() -> list[Question]:
    """The notebook's questions 4 and 5, asked where ReLU and softmax are taught."""
    questions = [
        Question(
            "4. Why was ReLU used in the hidden layer (rather than no activation)?",
            (
                "It makes the matrix multiplication cheaper",
                "Without it the two Dense layers collapse into a single linear layer, "
                "so the hidden layer would add nothing",
                "It turns the hidden values into probabilities",
            ),
            1,
            "Two linear layers in a row are one linear layer: W = W₁·W₂, b = b₁·W₂ + b₂ (the collapse above). "
            "A non-linearity between them (ReLU is the simplest that works well) lets the network bend its "
            "decision boundaries.",
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
    return [_shuffled(q) for q in questions]
