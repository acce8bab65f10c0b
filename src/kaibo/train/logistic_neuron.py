"""One neuron that sorts points into two classes, trained with and without its bias (lesson 6).

The neuron computes, for an input x = (x₁, …, x_d),

    z = w·x + b          (its score; b is the bias)
    p = σ(z) = 1 / (1 + e⁻ᶻ)   (the probability it gives to class 1)

and says "class 1" where p > ½, that is where z > 0. Its border, z = 0, is a straight line in the plane
(d = 2). At the origin z = b: without a bias z(0) = 0, so the border passes through (0, 0) whatever w is;
with one, it is the line w·x = −b, at a distance |b|/‖w‖ from the origin.

The loss is the mean cross-entropy over the n examples, with labels y ∈ {0, 1}:

    L = (1/n) Σᵢ ℓᵢ,   ℓᵢ = −[yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]

Its gradient is written out by hand below, beside the forward pass (STYLE.md §2). With σ' = σ(1 − σ) the
chain rule gives ∂ℓᵢ/∂zᵢ = pᵢ − yᵢ: example i's error, how far its probability is from its label. Since
∂zᵢ/∂b = 1 and ∂zᵢ/∂w = xᵢ,

    ∂L/∂b = (1/n) Σᵢ (pᵢ − yᵢ)          the mean error
    ∂L/∂w = (1/n) Σᵢ (pᵢ − yᵢ) xᵢ       the errors, each weighted by its own input

So gradient descent moves b until the errors balance, Σᵢ pᵢ = Σᵢ yᵢ; a neuron without b has no such pull.
A bias is a weight on an input that is always 1: the same neuron on (x, 1) without a bias is the same
neuron with one (`with_constant_input`).

`train_neuron` runs one of the engine's optimizers on w (and b) with these gradients, on the whole data at
every step, and records every number a lesson draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor
from kaibo.engine.optim import SGD, Adam

OPTIMIZERS = ("sgd", "adam")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e⁻ᶻ), written as ½(1 + tanh(z/2)) (the same function) so that no e⁻ᶻ overflows."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def neuron_forward(w: np.ndarray, b: float, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The scores z = x·w + b (n,) and the probabilities p = σ(z) (n,) of inputs x (n, d)."""
    z = x @ w + b                                                   # (n, d) @ (d,) → (n,)
    return z, sigmoid(z)


def cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """The mean of ℓᵢ = −[y log σ(z) + (1 − y) log(1 − σ(z))], computed as log(1 + eᶻ) − y·z (the same number,
    since log σ(z) = z − log(1 + eᶻ) and log(1 − σ(z)) = −log(1 + eᶻ)), so a confident score never takes log 0."""
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def neuron_gradients(x: np.ndarray, y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, float]:
    """∂L/∂w (d,) and ∂L/∂b of the mean cross-entropy, from the probabilities p the forward pass gave."""
    error = p - y                                                   # ∂ℓᵢ/∂zᵢ, (n,)
    return x.T @ error / len(y), float(error.mean())                # ∂zᵢ/∂w = xᵢ, ∂zᵢ/∂b = 1


def numeric_bias_gradient(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, h: float = 1e-5) -> float:
    """∂L/∂b measured without the formula: nudge b by ±h and take the central difference (lesson 2)."""
    up, down = (cross_entropy(neuron_forward(w, b + nudge, x)[0], y) for nudge in (h, -h))
    return (up - down) / (2 * h)


@dataclass(frozen=True)
class NeuronRun:
    """A neuron trained for `steps` steps; arrays have one row per point, 0 (the start) … steps.

    `grad_w[s]`, `grad_b[s]` are the gradient at point s (the one step s + 1 follows). A neuron without a bias
    keeps b = 0, and its `grad_b` is the pull a bias would feel there, the mean error, which nothing follows.
    """

    bias: bool
    optimizer: str
    lr: float
    w: np.ndarray          # (steps + 1, d)
    b: np.ndarray          # (steps + 1,)
    grad_w: np.ndarray     # (steps + 1, d)
    grad_b: np.ndarray     # (steps + 1,)
    loss: np.ndarray       # (steps + 1,)
    accuracy: np.ndarray   # (steps + 1,)  the fraction of examples on the right side of the border

    @property
    def steps(self) -> int:
        return len(self.loss) - 1

    def distance(self, s: int) -> float:
        """How far the border z = 0 at point s is from the origin: |b|/‖w‖ (inf while w = 0: no border)."""
        norm = float(np.linalg.norm(self.w[s]))
        return abs(float(self.b[s])) / norm if norm else float("inf")


def train_neuron(x: np.ndarray, y: np.ndarray, *, bias: bool, optimizer: str = "sgd", lr: float = 0.5,
                 steps: int = 100, start: tuple[float, ...] = (1.0, -1.0)) -> NeuronRun:
    """Train w (and b, from 0, when `bias`) from `start` on all of (x, y) at every step, with the engine's
    SGD or Adam (`OPTIMIZERS`), in float64. Every point's numbers are recorded, the last one included."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, not {optimizer!r}")
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or y.shape != x.shape[:1] or len(start) != x.shape[1]:
        raise ValueError(f"need x (n, d), y (n,) and a start of d numbers, got {x.shape}, {y.shape}, {start}")
    w, b = Tensor(np.array(start, dtype=np.float64)), Tensor(np.zeros(1))
    params = [w, b] if bias else [w]
    opt = SGD(params, lr=lr) if optimizer == "sgd" else Adam(params, lr=lr)
    record: dict[str, list] = {name: [] for name in ("w", "b", "grad_w", "grad_b", "loss", "accuracy")}
    for s in range(steps + 1):
        z, p = neuron_forward(w.data, float(b.data[0]), x)
        grad_w, grad_b = neuron_gradients(x, y, p)
        for name, value in (("w", w.data.copy()), ("b", float(b.data[0])), ("grad_w", grad_w), ("grad_b", grad_b),
                            ("loss", cross_entropy(z, y)), ("accuracy", float(np.mean((z > 0) == (y == 1))))):
            record[name].append(value)
        if s == steps:
            break
        w.grad, b.grad = Tensor(grad_w), Tensor(np.array([grad_b]))
        opt.step()  # a neuron without bias never gives b to the optimizer: it stays 0
    return NeuronRun(bias, optimizer, lr, **{name: np.array(values) for name, values in record.items()})


def with_constant_input(x: np.ndarray) -> np.ndarray:
    """x (n, d) with a column of ones added, (n, d + 1): a neuron without a bias on these inputs has the weight
    of that column as its bias."""
    return np.concatenate([np.asarray(x, dtype=np.float64), np.ones((len(x), 1))], axis=1)
