"""A deeper network with no bias anywhere, and what that forces on it, measured (lesson 6).

Without biases every layer is x ↦ f(x Wᵀ): the linear part sends 0 to 0, and so does the activation f when
f(0) = 0 (ReLU, tanh, GELU). Then the whole network sends the input 0 to the logits 0, exactly, whatever it
learnt: at the origin both classes get probability ½. Sigmoid is the exception: σ(0) = ½, so from the
second layer on each neuron gets a constant input it did not ask for, which does the work of a bias.

Two more constraints follow from the same algebra, for the whole plane, not only the origin:

- ReLU: relu(a·u) = a·relu(u) for a > 0, so the logits at a·x are a times the logits at x. The class never
  changes along a ray from the origin: every region the network draws is a wedge with its tip at (0, 0).
- tanh: tanh(−u) = −tanh(u), so the logits at −x are minus those at x: the network gives x and −x
  opposite classes (two classes: p(−x) = 1 − p(x)).

`symmetry_gaps` measures how far a trained network is from each (0 in floating point, not just nearly:
doubling and negating are exact there).
"""

from __future__ import annotations

import numpy as np

from kaibo.data.toy2d import Points2D
from kaibo.engine import manual_seed, no_grad
from kaibo.models import MLPClassifier
from kaibo.train.classifier import train_classifier


def train_on_points(points: Points2D, *, activation: str, bias: bool, hidden: tuple[int, ...] = (16, 16),
                    steps: int = 300, lr: float = 0.03, seed: int = 0) -> MLPClassifier:
    """An `MLPClassifier` for two classes, trained with Adam on all the points at every step (one batch per
    epoch), from the starting weights that `seed` gives the engine."""
    manual_seed(seed)
    model = MLPClassifier(2, hidden, 2, activation, bias)
    train_classifier(model, points.x, points.y, epochs=steps, batch_size=len(points), lr=lr, seed=seed)
    return model


def at_origin(model: MLPClassifier) -> dict[str, float]:
    """The largest |value| of each layer's output (trace names) at the input (0, 0), then the probability of
    class 1 there as "p1"."""
    trace = model.trace(np.zeros((1, 2), dtype=np.float32))
    sizes = {name: float(np.abs(value).max()) for name, value in trace.items() if name not in ("input", "probs")}
    return {**sizes, "p1": float(trace["probs"][0, 1])}


def symmetry_gaps(model: MLPClassifier, x: np.ndarray) -> dict[str, float]:
    """How far the logits are from the two constraints above, over the inputs x (n, 2):
    "ray": max |logits(2x) − 2·logits(x)| (0 when scaling an input scales its logits: ReLU without bias);
    "mirror": max |logits(−x) + logits(x)| (0 when the network is odd: tanh without bias)."""
    with no_grad():
        one, two, minus = (model(factor * x).data for factor in (np.float32(1), np.float32(2), np.float32(-1)))
    return {"ray": float(np.abs(two - 2 * one).max()), "mirror": float(np.abs(minus + one).max())}


def agreement(model: MLPClassifier, x: np.ndarray) -> dict[str, float]:
    """The same constraints in classes: the fraction of inputs whose class at 2x is their class at x ("ray"),
    and whose class at −x is the other one ("mirror")."""
    with no_grad():
        one, two, minus = (model.predict(factor * x) for factor in (np.float32(1), np.float32(2), np.float32(-1)))
    return {"ray": float(np.mean(two == one)), "mirror": float(np.mean(minus != one))}
