"""A network without activations is held to the best straight line; with one it separates XOR."""

import numpy as np
import pytest

from kaibo.data.toy2d import grid_around, make_points
from kaibo.train.best_line import best_line
from kaibo.train.separability import fit_points

POINTS = make_points("xor", 120, 0.1, 0)
GRID = grid_around(POINTS.x, steps=30)


@pytest.mark.parametrize(("activation", "separates"), [("none", False), ("relu", True), ("tanh", True)])
def test_only_a_nonlinearity_separates_xor(activation: str, separates: bool) -> None:
    fit = fit_points(POINTS, GRID, activation, hidden=(8, 8), steps=200)
    assert fit.probability.shape == (len(GRID.ys), len(GRID.xs))
    assert fit.probability.min() >= 0 and fit.probability.max() <= 1
    assert (fit.accuracy > best_line(POINTS.x, POINTS.y).accuracy) == separates
    assert (fit.accuracy >= 0.95) == separates


def test_the_same_settings_give_the_same_fit() -> None:
    first, second = (fit_points(POINTS, GRID, "gelu", hidden=(4,), steps=10) for _ in range(2))
    assert first.loss == second.loss
    np.testing.assert_array_equal(first.probability, second.probability)
