"""The best straight line: known answers, the line it returns scores what it says, and no line found by a
dense search over directions does better."""

import numpy as np
import pytest

from kaibo.data.toy2d import make_points
from kaibo.train.best_line import best_line

XOR_CORNERS = (np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], float), np.array([0, 0, 1, 1]))


def dense_search(x: np.ndarray, y: np.ndarray, directions: int = 20_000) -> float:
    """Every cut along each of many directions: at most the exact answer, equal when no arc is missed."""
    angles = np.linspace(0, np.pi, directions, endpoint=False)
    ranked = y[np.argsort(x @ np.stack([np.cos(angles), np.sin(angles)]), axis=0)]
    ones = np.vstack([np.zeros(directions), np.cumsum(ranked, axis=0)])
    right = np.arange(len(y) + 1)[:, None] - ones + ones[-1] - ones
    return float(np.maximum(right, len(y) - right).max()) / len(y)


@pytest.mark.parametrize(("x", "y", "expected"), [
    (*XOR_CORNERS, 0.75),                                    # a line can cut off one corner, never two
    (np.array([[0, 0], [1, 0], [2, 0]], float), np.array([0, 1, 0]), 2 / 3),
    (np.array([[0, 0], [0, 1]], float), np.array([1, 0]), 1.0),
    (np.array([[0, 0], [1, 1]], float), np.array([1, 1]), 1.0),  # one class: everything on one side
])
def test_known_answers(x: np.ndarray, y: np.ndarray, expected: float) -> None:
    assert best_line(x, y).accuracy == pytest.approx(expected)


@pytest.mark.parametrize(("shape", "perfect"), [("blobs", True), ("xor", False), ("circles", False),
                                                 ("spirals", False), ("moons", False)])
def test_the_line_scores_what_it_says(shape: str, perfect: bool) -> None:
    points = make_points(shape, 120, 0.1, 0)
    line = best_line(points.x, points.y)
    predicted = (points.x @ line.normal + line.offset > 0).astype(int)
    assert np.mean(predicted == points.y) == pytest.approx(line.accuracy)
    assert (line.accuracy == 1.0) == perfect


@pytest.mark.parametrize("seed", range(5))
def test_no_direction_does_better(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((12, 2)), rng.integers(0, 2, 12)
    assert best_line(x, y).accuracy == dense_search(x, y)
