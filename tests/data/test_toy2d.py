"""The 2-D data sets: shapes as promised (checked on noise-free points), balanced, reproducible, shifted,
and linearly separable exactly where the docstring says."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from kaibo.data.toy2d import SHAPES, grid_around, make_points


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_is_balanced_reproducible_and_near_the_origin(shape: str) -> None:
    points = make_points(shape, n=300, seed=3)
    assert points.x.shape == (300, 2) and points.x.dtype == np.float32 and points.y.dtype == np.int64
    assert np.bincount(points.y).tolist() == [150, 150]
    np.testing.assert_array_equal(points.x, make_points(shape, n=300, seed=3).x)
    assert not np.array_equal(points.x, make_points(shape, n=300, seed=4).x)
    assert np.abs(points.x.mean(axis=0)).max() < 0.35 and np.abs(points.x).max() < 2.5


@pytest.mark.parametrize(("shape", "rule"), [
    ("circles", lambda x, y: np.allclose(np.hypot(*x.T), np.where(y == 1, 0.5, 1.3), atol=1e-6)),
    ("xor", lambda x, y: np.mean(y == (np.sign(x[:, 0]) != np.sign(x[:, 1]))) > 0.95),  # the clouds spread
    ("spirals", lambda x, y: np.hypot(*x.T).max() <= 1.4 + 1e-6),
])
def test_noise_free_points_follow_the_shape(shape: str, rule) -> None:
    points = make_points(shape, n=400, noise=0.0)
    assert rule(points.x, points.y)


@pytest.mark.parametrize(("shape", "separable"), [("blobs", True), ("xor", False), ("circles", False),
                                                  ("spirals", False)])
def test_only_blobs_are_separated_by_a_straight_line(shape: str, separable: bool) -> None:
    points = make_points(shape, n=400)
    line = LogisticRegression().fit(points.x, points.y)
    assert (line.score(points.x, points.y) > 0.97) == separable


def test_shift_moves_every_point_by_the_same_amount() -> None:
    still, moved = make_points("blobs", seed=2), make_points("blobs", seed=2, shift=(2.0, -1.0))
    np.testing.assert_allclose(moved.x - still.x, np.broadcast_to([2.0, -1.0], still.x.shape), atol=1e-6)


def test_split_keeps_every_point_once() -> None:
    points = make_points("moons", n=100)
    train, test = points.split(0.3, seed=1)
    assert (len(train), len(test)) == (70, 30)
    both = np.concatenate([train.x, test.x])
    assert sorted(map(tuple, both.tolist())) == sorted(map(tuple, points.x.tolist()))


@pytest.mark.parametrize("include_origin", [False, True])
def test_the_grid_covers_the_points_with_square_cells(include_origin: bool) -> None:
    points = make_points("blobs", shift=(3.0, 2.0))
    grid = grid_around(points.x, steps=50, margin=0.3, include_origin=include_origin)
    assert grid.xs[0] <= points.x[:, 0].min() and grid.xs[-1] >= points.x[:, 0].max() - grid.xs[1] + grid.xs[0]
    assert grid.ys[0] <= points.x[:, 1].min()
    assert np.allclose(np.diff(grid.xs), np.diff(grid.xs)[0]) and np.isclose(np.diff(grid.xs)[0], np.diff(grid.ys)[0])
    assert max(len(grid.xs), len(grid.ys)) == 50
    assert (grid.xs[0] < 0 < grid.xs[-1] and grid.ys[0] < 0 < grid.ys[-1]) == include_origin
    values = np.arange(len(grid.points))
    image = grid.as_image(values)
    assert image.shape == (len(grid.ys), len(grid.xs))
    np.testing.assert_allclose(grid.points[len(grid.xs)], [grid.xs[0], grid.ys[1]], rtol=1e-6)
