"""Loss landscapes: engine loss = grid loss, engine gradient = finite differences, landmarks are what they say."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.data import load_bmi_progression
from kaibo.errors import InputError
from kaibo.models import get_landscape, line_fit_landscape

NAMES = ("line", "hills")
# Points spread over each window, none on a landmark.
POINTS = {
    "line": [(-1.2, 3.1), (0.0, 0.0), (2.3, -0.4), (0.7, 1.2)],
    "hills": [(-1.7, 2.2), (0.3, -0.6), (2.8, 0.4), (-0.4, 1.0), (1.1, 0.9)],
}
CASES = [(name, point) for name in NAMES for point in POINTS[name]]


def grid_function(land, point):
    """The NumPy grid loss as a function of an offset from `point`: independent of the engine."""
    return lambda a, b: float(land.grid_loss(np.array(point[0] + a), np.array(point[1] + b)))


def grid_gradient(land, point, h=1e-6) -> np.ndarray:
    """Central differences of the grid loss."""
    f = grid_function(land, point)
    return np.array([f(h, 0) - f(-h, 0), f(0, h) - f(0, -h)]) / (2 * h)


def grid_hessian(land, point, h=1e-4) -> np.ndarray:
    """Second central differences of the grid loss."""
    f = grid_function(land, point)
    d00 = (f(h, 0) - 2 * f(0, 0) + f(-h, 0)) / h**2
    d11 = (f(0, h) - 2 * f(0, 0) + f(0, -h)) / h**2
    d01 = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h**2)
    return np.array([[d00, d01], [d01, d11]])


@pytest.mark.parametrize(("name", "point"), CASES)
def test_engine_loss_equals_grid_loss(name, point) -> None:
    land = get_landscape(name)
    value, _ = land.value_and_grad(point)
    assert value == pytest.approx(float(land.grid_loss(np.array(point[0]), np.array(point[1]))), rel=1e-12)


@pytest.mark.parametrize(("name", "point"), CASES)
def test_engine_gradient_equals_central_differences(name, point) -> None:
    land = get_landscape(name)
    _, grad = land.value_and_grad(point)
    np.testing.assert_allclose(grad, grid_gradient(land, point), rtol=1e-6, atol=1e-7)


def test_line_minimum_is_the_least_squares_line() -> None:
    data = load_bmi_progression()
    (minimum,) = get_landscape("line").landmarks
    slope, intercept = np.polyfit(data.x, data.y, 1)
    np.testing.assert_allclose(minimum.point, (slope, intercept), rtol=1e-10)
    residual = np.mean((slope * data.x + intercept - data.y) ** 2)
    assert minimum.loss == pytest.approx(residual, rel=1e-10)


def test_line_on_exact_data_has_its_minimum_at_the_true_line_with_zero_loss() -> None:
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    land = line_fit_landscape(x, 2 * x - 1)
    (minimum,) = land.landmarks
    np.testing.assert_allclose(minimum.point, (2.0, -1.0), atol=1e-12)
    assert minimum.loss == pytest.approx(0.0, abs=1e-12)
    # MSE of a line: its Hessian is 2·[[⟨x²⟩, ⟨x⟩], [⟨x⟩, 1]] everywhere.
    np.testing.assert_allclose(land.hessian((0.3, 0.4)), 2 * np.array([[1.5, 0.5], [0.5, 1.0]]), atol=1e-6)


HILLS_LANDMARKS = [
    # name, point, loss, Hessian (worked out in the module docstring)
    ("global_minimum", (2.0, 1.0), 0.0, [[8.0, -2.0], [-2.0, 2.0]]),
    ("local_minimum", (-1.0, 0.25), 9 / 4, [[3.5, 1.0], [1.0, 2.0]]),
    ("saddle", (0.0, 0.0), 8 / 3, [[-2.0, 0.0], [0.0, 2.0]]),
]


@pytest.mark.parametrize(("name", "point", "loss", "hessian"), HILLS_LANDMARKS)
def test_hills_landmarks_are_where_and_what_the_docstring_says(name, point, loss, hessian) -> None:
    land = get_landscape("hills")
    mark = land.landmark(name)
    assert mark.point == point
    assert mark.loss == pytest.approx(loss, abs=1e-12)
    np.testing.assert_allclose(grid_hessian(land, point), hessian, atol=1e-5)
    np.testing.assert_allclose(land.hessian(point), hessian, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_landmarks_are_critical_points_of_their_kind_inside_the_window(name) -> None:
    land = get_landscape(name)
    for mark in land.landmarks:
        _, grad = land.value_and_grad(mark.point)
        np.testing.assert_allclose(grad, 0.0, atol=1e-12)
        curvatures = np.linalg.eigvalsh(grid_hessian(land, mark.point))
        if mark.kind == "minimum":
            assert curvatures.min() > 0.5
        else:
            assert curvatures.min() < -0.5 < 0.5 < curvatures.max()
        (lo0, hi0), (lo1, hi1) = land.window
        assert lo0 < mark.point[0] < hi0 and lo1 < mark.point[1] < hi1


def test_hills_ranks_its_landmarks_and_the_grid_finds_the_global_minimum() -> None:
    land = get_landscape("hills")
    losses = {mark.name: mark.loss for mark in land.landmarks}
    assert losses["global_minimum"] < losses["local_minimum"] < losses["saddle"]
    p0, p1, grid = land.grid(201)
    i, j = np.unravel_index(np.argmin(grid), grid.shape)
    step = (p0[0, 1] - p0[0, 0], p1[1, 0] - p1[0, 0])
    assert abs(p0[i, j] - 2.0) <= step[0] and abs(p1[i, j] - 1.0) <= step[1]


def test_grid_covers_the_window_with_the_first_parameter_along_columns() -> None:
    land = get_landscape("line")
    p0, p1, grid = land.grid(31)
    assert p0.shape == p1.shape == grid.shape == (31, 31)
    (lo0, hi0), (lo1, hi1) = land.window
    assert (p0[0, 0], p0[0, -1], p1[0, 0], p1[-1, 0]) == (lo0, hi0, lo1, hi1)
    assert grid[5, 7] == pytest.approx(land.value_and_grad((p0[5, 7], p1[5, 7]))[0], rel=1e-12)


@pytest.mark.parametrize(("call", "key"), [
    (lambda: get_landscape("bowl"), "descent.error.landscape"),
    (lambda: get_landscape("line").landmark("saddle"), "descent.error.landmark"),
])
def test_unknown_names_are_refused_with_a_catalogue_key(call, key) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.key == key
    assert caught.value.message("ja") and caught.value.message("en")


@pytest.mark.parametrize("name", NAMES)
def test_levels_cut_the_map_into_bands_of_about_equal_area_with_each_landmark_in_its_own(name) -> None:
    land = get_landscape(name)
    levels = land.levels(12)
    assert list(levels) == sorted(set(levels)) and 11 <= len(levels) <= 11 + len(land.landmarks)
    _, _, loss = land.grid(61)
    shares = np.diff([0, *[(loss < level).mean() for level in levels], 1])
    assert shares.max() < 0.2        # twelve bands of 1/12 ≈ 0.083 each, give or take the rounding
    bands = [int(land.band(m.loss)) for m in land.landmarks]
    assert len(set(bands)) == len(bands)
    assert land.band(np.array([levels[0] - 1, levels[0], levels[-1] + 1])).tolist() == [0, 1, len(levels)]


def test_the_hills_levels_draw_the_second_valley_and_the_pass() -> None:
    levels = get_landscape("hills").levels()
    assert any(9 / 4 < level < 8 / 3 for level in levels)     # between the local minimum and the saddle


def test_a_section_through_the_saddle_goes_down_along_w1_and_up_along_w2() -> None:
    hills = get_landscape("hills")
    w1, along_w1 = hills.section((0.0, 0.0), axis=0, n=101)
    w2, along_w2 = hills.section((0.0, 0.0), axis=1, n=101)
    assert (w1[0], w1[-1], w2[0], w2[-1]) == (-2.0, 3.0, -1.0, 2.5)
    np.testing.assert_allclose(along_w2, 8 / 3 + w2**2)                           # L(0, w₂) = 8/3 + w₂²
    np.testing.assert_allclose(along_w1, w1**4 / 4 - w1**3 / 3 - w1**2 + 8 / 3 + w1**4 / 16)
    at = int(np.argmin(np.abs(w1)))
    assert along_w1[at] == pytest.approx(8 / 3) and along_w1[at] > along_w1[at - 5] and along_w1[at] > along_w1[at + 5]
    with pytest.raises(ValueError):
        hills.section((0.0, 0.0), axis=2)
