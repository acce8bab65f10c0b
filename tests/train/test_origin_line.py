"""The best line through the origin, exactly: against a fine sweep of angles and worked examples; and the
least-squares lines with and without b against NumPy's solvers, with the loss profile over b between them."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.data import load_bmi_progression
from kaibo.data.toy2d import make_points
from kaibo.train.origin_line import best_against_distance, best_through_origin, least_squares, loss_profile


def swept(x: np.ndarray, y: np.ndarray, angles: int = 20_000) -> float:
    thetas = np.linspace(0, 2 * np.pi, angles, endpoint=False)
    normals = np.stack([np.cos(thetas), np.sin(thetas)], axis=1)
    return float(((x @ normals.T > 0) == (y[:, None] == 1)).mean(axis=0).max())


@pytest.mark.parametrize(("shape", "shift"), [
    ("blobs", (0.0, 0.0)), ("blobs", (1.5, 1.0)), ("blobs", (2.0, 2.0)), ("moons", (0.5, -1.0)),
    ("circles", (0.0, 0.0)), ("xor", (1.0, 0.0)),
])
def test_the_best_line_through_the_origin_beats_every_swept_angle(shape, shift) -> None:
    points = make_points(shape, 120, 0.1, 2, shift)
    x = points.x.astype(np.float64)
    best = best_through_origin(x, points.y)
    assert best.accuracy == swept(x, points.y)  # exact: a fine sweep finds nothing better, and no less
    assert np.linalg.norm(best.normal) == pytest.approx(1.0)
    assert best.accuracy == np.mean((x @ best.normal > 0) == (points.y == 1))


@pytest.mark.parametrize(("x", "y", "accuracy"), [
    ([[1.0, 0.0], [2.0, 0.0]], [1, 0], 0.5),          # on one ray: a line through 0 cannot part them
    ([[1.0, 0.0], [-2.0, 0.0]], [1, 0], 1.0),         # on opposite sides of the origin: it can
    ([[1.0, 1.0], [2.0, 2.0], [3.0, 3.1]], [0, 0, 1], 1.0),
])
def test_worked_examples(x, y, accuracy) -> None:
    assert best_through_origin(np.array(x), np.array(y)).accuracy == accuracy


def test_moving_the_data_across_the_border_costs_accuracy_and_along_it_nothing() -> None:
    points = make_points("blobs", 200, 0.1, 0)
    distances = np.linspace(0, 4, 9)
    across = best_against_distance(points.x, points.y, (1.0, 1.0), distances)
    along = best_against_distance(points.x, points.y, (1.0, -1.0), distances)
    assert np.all(along == 1.0)
    assert across[0] == 1.0 and across[-1] < 0.7 and np.all(np.diff(across) <= 0)


def test_least_squares_with_and_without_b() -> None:
    data = load_bmi_progression()
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    w, b, loss = least_squares(x, y, bias=True)
    np.testing.assert_allclose([w, b], np.polyfit(x, y, 1), rtol=1e-10)
    w0, b0, loss0 = least_squares(x, y, bias=False)
    assert b0 == 0.0 and w0 == pytest.approx(np.linalg.lstsq(x[:, None], y, rcond=None)[0][0], rel=1e-12)
    assert loss0 > loss
    slopes, losses = loss_profile(x, y, np.array([0.0, b, b + 1.0]))
    np.testing.assert_allclose(slopes[:2], [w0, w], rtol=1e-10)
    np.testing.assert_allclose(losses[:2], [loss0, loss], rtol=1e-10)
    assert losses[2] > losses[1]
