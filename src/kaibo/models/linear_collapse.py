"""Linear layers stacked with no activation between them are one linear layer (lesson 5).

Each layer computes y = W x + b (x a column; the engine's `Linear` writes the same as x Wᵀ + b for a batch of
rows). Two of them in a row:

    W₂(W₁x + b₁) + b₂ = (W₂W₁) x + (W₂b₁ + b₂)

one matrix and one bias, whatever the widths in between. By induction any number of layers multiplies out to
W = W_L ⋯ W₂W₁ and b = W_L(⋯(W₂b₁ + b₂)⋯) + b_L. So a deep network without activations can compute nothing
that a single layer cannot: for two classes its boundary, where the two scores are equal, is a straight line.

`collapse` does the multiplication; `collapse_gap` measures, on real inputs, how far the stacked network's
output is from the single matrix's (floating-point rounding only: the algebra is exact).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import no_grad
from kaibo.models.mlp_classifier import MLPClassifier


@dataclass(frozen=True)
class Collapsed:
    """The layers of a network without activations and the single layer they equal.

    weights[k] (out, in) and biases[k] (out,) are layer k + 1's, from the input side; `weight` = W_L ⋯ W₁
    (classes, in_features) and `bias` (classes,) are the one layer that computes the same.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    weight: np.ndarray
    bias: np.ndarray

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The single layer's output for inputs x (B, in_features): x Wᵀ + b, shape (B, classes)."""
        return x @ self.weight.T + self.bias

    def boundary(self) -> tuple[np.ndarray, float]:
        """For two classes, the line where both scores are equal: (w, c) with w·x + c = 0, w = row 1 − row 0
        of W and c = b₁ − b₀. Class 1 wins where w·x + c > 0."""
        return self.weight[1] - self.weight[0], float(self.bias[1] - self.bias[0])


def collapse(model: MLPClassifier) -> Collapsed:
    """Multiply out the layers of an `MLPClassifier` built with activation="none", in float64 (so what
    `collapse_gap` then measures is the float32 network's rounding, not this product's)."""
    if model.config.activation != "none":
        raise ValueError(f"only a network without activations collapses, not one with {model.config.activation!r}")
    layers = [*model.hidden, model.out]
    weights = tuple(layer.weight.data.astype(np.float64) for layer in layers)
    biases = tuple(np.zeros(w.shape[0]) if layer.bias is None else layer.bias.data.astype(np.float64)
                   for layer, w in zip(layers, weights, strict=True))
    weight, bias = weights[0], biases[0]
    for w, b in zip(weights[1:], biases[1:], strict=True):
        weight, bias = w @ weight, w @ bias + b           # W(W'x + b') + b = (WW')x + (Wb' + b)
    return Collapsed(weights, biases, weight, bias)


def collapse_gap(model: MLPClassifier, x: np.ndarray) -> float:
    """The largest |difference| between the stacked network's scores (logits) and the single layer's, over
    the inputs x (B, in_features)."""
    with no_grad():
        stacked = model(x.astype(np.float32)).data
    return float(np.abs(stacked - collapse(model)(x.astype(np.float64))).max())
