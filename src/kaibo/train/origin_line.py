"""The best a line through the origin can do, measured exactly rather than trained (lesson 6).

A model without a bias draws its line through (0, 0). Two questions have exact answers, with no training
and so no doubt whether training simply stopped too soon:

- Sorting points into two classes (`best_through_origin`): which line through the origin puts the most
  points on their own side? Turning a line about the origin changes the side of point i only when the line
  passes over it, at the two angles where the line's normal u is perpendicular to xᵢ. Between two
  neighbouring such angles every point keeps its side, so trying one angle inside each gap tries every
  possible sorting: the best of those is the best of all lines through the origin.
- Fitting a line to points (x, y) by least squares (`least_squares`): y ≈ w·x + b has the familiar
  closed form; without b the best w is Σxy / Σx². `loss_profile` gives the lowest loss for each fixed b,
  so the whole cost of pinning b to 0 can be read off one curve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OriginBest:
    """The best line through the origin for labelled points: its unit normal (class 1 where normal·x > 0) and
    the fraction of points it puts on their own side."""

    normal: np.ndarray   # (2,)
    accuracy: float


def best_through_origin(x: np.ndarray, y: np.ndarray) -> OriginBest:
    """The line through the origin that sorts the most points x (n, 2) with labels y (n,) ∈ {0, 1}, exactly
    (a point exactly on the line counts as class 0, as a neuron with z = 0 says "not class 1")."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
    # The normal u = (cos θ, sin θ) is perpendicular to xᵢ at θ = angle(xᵢ) ± 90°: there point i changes side.
    turns = np.arctan2(x[:, 1], x[:, 0])
    edges = np.sort(np.mod(np.concatenate([turns + np.pi / 2, turns - np.pi / 2]), 2 * np.pi))
    gaps = np.diff(np.append(edges, edges[0] + 2 * np.pi))
    thetas = edges + gaps / 2                                       # one angle inside each gap
    normals = np.stack([np.cos(thetas), np.sin(thetas)], axis=1)   # (2n, 2)
    right = ((x @ normals.T > 0) == (y[:, None] == 1)).mean(axis=0)  # (2n,) the accuracy of each line
    best = int(np.argmax(right))
    return OriginBest(normals[best], float(right[best]))


def best_against_distance(x: np.ndarray, y: np.ndarray, direction: tuple[float, float],
                          distances: np.ndarray) -> np.ndarray:
    """The best accuracy through the origin after moving every point by d·direction (unit length), for each
    d in `distances`: how much a model without bias loses as the same data moves away."""
    unit = np.asarray(direction, dtype=np.float64) / np.linalg.norm(direction)
    return np.array([best_through_origin(x + d * unit, y).accuracy for d in distances])


def least_squares(x: np.ndarray, y: np.ndarray, *, bias: bool) -> tuple[float, float, float]:
    """The line y ≈ w·x + b (b = 0 without bias) with the lowest mean squared error: (w, b, that loss)."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if bias:  # the slope is the covariance over the variance, and the line goes through the means
        w = float(np.mean((x - x.mean()) * (y - y.mean())) / np.var(x))
        b = float(y.mean() - w * x.mean())
    else:     # dL/dw = 2·mean((w·x − y)·x) = 0
        w, b = float(x @ y / (x @ x)), 0.0
    return w, b, float(np.mean((w * x + b - y) ** 2))


def loss_profile(x: np.ndarray, y: np.ndarray, bs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each b in `bs`, the best slope with b held there and its loss: (w (k,), loss (k,)). A model without
    bias lives at b = 0 on this curve; the lowest point of the curve is the model with one."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    bs = np.asarray(bs, dtype=np.float64)
    w = ((y[None, :] - bs[:, None]) @ x) / (x @ x)                  # (k,) the least-squares slope of y − b on x
    residual = w[:, None] * x[None, :] + bs[:, None] - y[None, :]   # (k, n)
    return w, np.mean(residual ** 2, axis=1)
