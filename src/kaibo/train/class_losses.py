"""Two losses a classifier can be trained with, and why cross-entropy is the one to use (lesson 7).

The network gives scores z (logits, one per class); softmax turns them into probabilities p. For an example of
class y, with e_y its one-hot vector (1 at y, 0 elsewhere):

- cross-entropy:  ℓ = −log p_y
- squared error:  ℓ = Σ_k (p_k − e_y,k)²   (the whole probability vector against the one-hot answer)

Both are 0 for a certain, right answer and grow as p_y falls. What training feels is their gradient at the
logits, and there they differ completely:

- cross-entropy:  ∂ℓ/∂z = p − e_y. Softmax's own slope cancels out, so a confident mistake (p_y ≈ 0) pushes
  with the largest possible force, |∂ℓ/∂z_y| = 1 − p_y ≈ 1.
- squared error:  ∂ℓ/∂z_j = Σ_k 2(p_k − e_y,k) · p_k(δ_kj − p_j), through softmax's slope p_k(δ_kj − p_j),
  which is ≈ 0 wherever softmax is sure of anything. For two classes it is ∂ℓ/∂z_y = −4 p_y (1 − p_y)²: at
  p_y = 0.01 that is −0.039 where cross-entropy gives −0.99, 25 times weaker, and it goes to 0 as the
  mistake gets more confident. The worse the mistake, the less squared error corrects it.

Each loss is the mean of ℓ over the batch. `logit_gradients` gets ∂ℓᵢ/∂z from the engine's backward pass, so
the formulas above are what a test checks it against, not how it is computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor, no_grad
from kaibo.engine import functional as F
from kaibo.models.mlp_classifier import MLPClassifier

LOSSES = ("cross_entropy", "squared_error")


def one_hot(targets: np.ndarray, classes: int) -> np.ndarray:
    """e_y for each target: (N,) class numbers → (N, classes) rows of 0 with a 1 at the class."""
    return np.eye(classes, dtype=np.float32)[np.asarray(targets, dtype=np.int64)]


def squared_error(logits: Tensor, targets: np.ndarray) -> Tensor:
    """Mean over the batch of Σ_k (softmax(z)_k − e_y,k)²: the probabilities against the one-hot answer."""
    p = F.softmax(logits, dim=-1)                                      # (N, C)
    miss = p - Tensor(one_hot(targets, logits.data.shape[1]))         # (N, C)
    return (miss * miss).sum(dim=1).mean()


def classification_loss(kind: str, logits: Tensor, targets: np.ndarray) -> Tensor:
    """The mean loss of the batch: `kind` is "cross_entropy" or "squared_error"."""
    if kind == "cross_entropy":
        return F.cross_entropy(logits, targets)
    if kind == "squared_error":
        return squared_error(logits, targets)
    raise ValueError(f"loss must be one of {LOSSES}, not {kind!r}")


def logit_gradients(kind: str, logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """∂ℓᵢ/∂zᵢ for each example on its own, shape (N, C): the engine's backward pass of the batch's loss,
    times N (the loss is a mean, so each example's share of its gradient is 1/N)."""
    z = Tensor(np.asarray(logits, dtype=np.float64), requires_grad=True)
    classification_loss(kind, z, targets).backward()
    return z.grad.data * len(targets)


def two_class_push(p_true: np.ndarray) -> dict[str, np.ndarray]:
    """|∂ℓ/∂z_y| for two classes as a function of p_y, the probability given to the right class: 1 − p_y for
    cross-entropy, 4 p_y (1 − p_y)² for squared error (the module's docstring derives both)."""
    p = np.asarray(p_true, dtype=np.float64)
    return {"cross_entropy": 1.0 - p, "squared_error": 4.0 * p * (1.0 - p) ** 2}


@dataclass(frozen=True)
class WorstPoint:
    """The training point a model gets most wrong, and what each loss would do about it.

    Attributes
    ----------
    index : its row among the training points.
    x : its coordinates (x₁, x₂); label : its class y.
    p_true : the probability the model gives to its class, p_y.
    loss : ℓ for this point under each loss, by name.
    push : |∂ℓ/∂z_y| under each loss, by name: how hard the step pulls its right class's score up.
    """

    index: int
    x: tuple[float, float]
    label: int
    p_true: float
    loss: dict[str, float]
    push: dict[str, float]

    @property
    def ratio(self) -> float:
        """How many times harder cross-entropy pushes than squared error on this point (inf if SE is 0)."""
        weak = self.push["squared_error"]
        return self.push["cross_entropy"] / weak if weak > 0 else float("inf")


def worst_point(model: MLPClassifier, x: np.ndarray, y: np.ndarray) -> WorstPoint:
    """The point of (x, y) with the lowest probability for its own class, with both losses and both gradients
    at its logits (from the engine's backward pass)."""
    with no_grad():
        logits = model(Tensor(x)).data.astype(np.float64)           # (N, C)
    p = F.softmax(Tensor(logits), dim=-1).data
    rows = np.arange(len(y))
    i = int(np.argmin(p[rows, y]))
    one = logits[i:i + 1], y[i:i + 1]
    loss, push = {}, {}
    for kind in LOSSES:
        with no_grad():
            loss[kind] = float(classification_loss(kind, Tensor(one[0]), one[1]).item())
        push[kind] = float(abs(logit_gradients(kind, *one)[0, y[i]]))
    return WorstPoint(i, (float(x[i, 0]), float(x[i, 1])), int(y[i]), float(p[i, y[i]]), loss, push)
