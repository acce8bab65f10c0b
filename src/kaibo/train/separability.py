"""A small network trained on a 2-D data set, and what it says at every point of the plane (lesson 5).

With no activation the network is one linear layer in disguise (kaibo.models.linear_collapse), so its
boundary is a straight line and its accuracy at most `best_line`'s; with ReLU, tanh, sigmoid or GELU between
the layers the same network can bend its boundary round XOR's corners or along the spirals' arms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.data.toy2d import Grid2D, Points2D
from kaibo.engine import no_grad
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.bias_free_network import train_on_points
from kaibo.train.classifier import accuracy


@dataclass(frozen=True)
class Fit:
    """A trained network's `accuracy` and mean cross-entropy `loss` on the points it was trained on, and its
    probability of class 1 at every point of the grid, as an image (len(grid.ys), len(grid.xs))."""

    activation: str
    accuracy: float
    loss: float
    probability: np.ndarray


def probability_map(model: MLPClassifier, grid: Grid2D) -> np.ndarray:
    """The model's probability of class 1 at every grid point, as an image."""
    with no_grad():
        return grid.as_image(model.trace(grid.points)["probs"][:, 1])


def fit_points(points: Points2D, grid: Grid2D, activation: str, hidden: tuple[int, ...] = (16, 16),
               steps: int = 300, lr: float = 0.03, seed: int = 0) -> Fit:
    """Train an `MLPClassifier` (2 inputs, `hidden`, 2 classes) with full-batch Adam for `steps` steps
    (`train_on_points`) and measure it."""
    model = train_on_points(points, activation=activation, bias=True, hidden=hidden, steps=steps, lr=lr, seed=seed)
    loss = float(model.trace(points.x, points.y)["loss"])
    return Fit(activation, accuracy(model, points.x, points.y), loss, probability_map(model, grid))
