"""The best that any straight line can do on two classes of points in the plane, found exactly (lesson 5).

A network without activations draws a straight boundary (kaibo.models.linear_collapse), so this is the
ceiling of its accuracy however it is trained. Training does not always reach it: on XOR the cross-entropy
of a line is lowest for an almost flat guess of ½ everywhere, which may classify fewer points right than a
line chosen for accuracy.

How it is found exactly rather than by trying many lines: a line sorts the points by their projection u·x
on its normal u and cuts that order once. The order only changes at the directions where two points
project equally, u ⟂ (xᵢ − xⱼ); between two such neighbouring directions every cut is the same. So one
direction inside each of those arcs, and every cut of its order, covers every way a line can split the
points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BestLine:
    """`accuracy` of the best line; class 1 is predicted where normal·x + offset > 0."""

    accuracy: float
    normal: np.ndarray
    offset: float


def best_line(x: np.ndarray, y: np.ndarray) -> BestLine:
    """The straight line that classifies the most points (x (n, 2), y (n,) in {0, 1}) right."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y)
    n = len(y)
    # Only a swap of two points of different classes changes how many of each class lie below a cut.
    i, j = np.nonzero((y[:, None] == 0) & (y[None, :] == 1))
    diff = x[i] - x[j]
    critical = np.sort(np.mod(np.arctan2(diff[:, 1], diff[:, 0]) + np.pi / 2, np.pi))
    if not len(critical):                     # one class only: a line with every point on one side
        critical = np.zeros(1)
    angles = (critical + np.append(critical[1:], critical[0] + np.pi)) / 2    # one direction per arc
    normals = np.stack([np.cos(angles), np.sin(angles)], axis=1)               # (A, 2)
    # (A, n): the points by their projection on each normal (written out: a (A, 2) @ (2, n) product is
    # slower through BLAS at this shape)
    order = np.argsort(normals[:, :1] * x[:, 0] + normals[:, 1:] * x[:, 1], axis=1)
    ones = np.concatenate([np.zeros((len(angles), 1)), np.cumsum(y[order], axis=1)], axis=1)  # (A, n + 1)
    k = np.arange(n + 1)[None, :]
    # Cut after the first k points: class 0 below, class 1 above; right = zeros below + ones above.
    right = (k - ones) + (ones[:, -1:] - ones)
    flipped = n - right                                                        # class 1 below instead
    best = np.maximum(right, flipped)
    arc, cut = np.unravel_index(int(np.argmax(best)), best.shape)
    projected = np.sort(x @ normals[arc])
    # The threshold halfway between the last point below the cut and the first above it (past the ends
    # when the cut leaves every point on one side).
    low = projected[cut - 1] if cut > 0 else projected[0] - 1.0
    high = projected[cut] if cut < n else projected[-1] + 1.0
    threshold = (low + high) / 2
    if right[arc, cut] >= flipped[arc, cut]:
        return BestLine(float(best[arc, cut]) / n, normals[arc], -threshold)
    return BestLine(float(best[arc, cut]) / n, -normals[arc], threshold)
