"""Finite differences and the gradient check: the truncation errors Taylor's series predicts, the step really
taken, the V of error against h in float64 and float32, the N + 1 and 2N evaluations, and a gradient check
that passes a right backward and flags a wrong one."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kaibo.engine import Tensor
from kaibo.engine import gradcheck as g

# f, f', f'', f''' of functions the engine computes, at a point: (name, f on a Tensor, derivatives, x).
FUNCTIONS = [
    ("exp", Tensor.exp, lambda x: (math.exp(x),) * 3, 0.5),
    ("tanh", Tensor.tanh, lambda x: (1 - math.tanh(x) ** 2, -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
                                     (1 - math.tanh(x) ** 2) * (6 * math.tanh(x) ** 2 - 2)), 0.7),
    ("cube", lambda t: t * t * t, lambda x: (3 * x * x, 6 * x, 6.0), -1.3),
]
IDS = [row[0] for row in FUNCTIONS]


@pytest.mark.parametrize(("name", "f", "derivatives", "x"), FUNCTIONS, ids=IDS)
def test_truncation_error_is_what_taylors_series_says(name, f, derivatives, x) -> None:
    d1, d2, d3 = derivatives(x)
    value, at, h = g.tensor_function(f), np.float64(x), 1e-3  # h large enough that rounding (ε/h) is negligible
    forward, central = g.forward_difference(value, at, h), g.central_difference(value, at, h)
    assert forward - d1 == pytest.approx(h * d2 / 2 + h * h * d3 / 6, rel=1e-2)
    assert central - d1 == pytest.approx(h * h * d3 / 6, rel=1e-2, abs=1e-12)


@pytest.mark.parametrize(("name", "f", "derivatives", "x"), FUNCTIONS, ids=IDS)
def test_backpropagation_and_higher_derivatives(name, f, derivatives, x) -> None:
    d1, d2, d3 = derivatives(x)
    derivative = lambda v: g.backprop_derivative(f, v)  # noqa: E731
    assert derivative(x) == pytest.approx(d1, rel=1e-14)
    assert g.higher_derivatives(derivative, x) == pytest.approx((d2, d3), rel=1e-5, abs=1e-8)


@pytest.mark.parametrize(("x", "h", "dtype", "step"), [
    (1.0, 1e-10, np.float64, 1.000000082740371e-10),   # x + h is rounded: the step is not h
    (1.0, 1e-5, np.float32, 1.0013580322265625e-05),
    (1.0, 1e-10, np.float32, 0.0),                      # 1 + 1e-10 is 1 in float32
    (0.0, 1e-10, np.float32, float(np.float32(1e-10))),  # near 0 even float32 holds small steps
    (-2.0, 0.25, np.float64, 0.25),                     # an h the dtype holds exactly
])
def test_step_taken(x: float, h: float, dtype, step: float) -> None:
    taken = g.step_taken(dtype(x), h)
    assert taken.dtype == dtype and float(taken) == step


@pytest.mark.parametrize("difference", [g.forward_difference, g.central_difference])
def test_differences_stay_in_their_dtype_and_give_nan_without_a_step(difference) -> None:
    value = g.tensor_function(Tensor.exp)
    estimate = difference(value, np.float32(1.0), 1e-3)
    assert estimate.dtype == np.float32 and estimate == pytest.approx(math.e, rel=1e-3)
    assert np.isnan(difference(value, np.float32(1.0), 1e-10))


@pytest.mark.parametrize(("method", "evaluations"), [("forward", lambda n: n + 1), ("central", lambda n: 2 * n)])
def test_numerical_gradient_of_several_arrays(method: str, evaluations) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 2)), rng.standard_normal(4)
    kept = a.copy(), b.copy()
    calls = []

    def loss() -> float:  # L = Σ a³ + Σ sin(b) · b: its gradient is known exactly
        calls.append(1)
        return float(np.sum(a ** 3) + np.sum(np.sin(b) * b))

    grad_a, grad_b = g.numerical_gradient(loss, a, b, method=method, h=1e-7 if method == "forward" else 1e-5)
    np.testing.assert_allclose(grad_a, 3 * a ** 2, rtol=1e-6 if method == "forward" else 1e-8)
    np.testing.assert_allclose(grad_b, np.cos(b) * b + np.sin(b), rtol=1e-6 if method == "forward" else 1e-8)
    assert len(calls) == evaluations(a.size + b.size)
    np.testing.assert_array_equal(a, kept[0])  # every element put back exactly
    np.testing.assert_array_equal(b, kept[1])


def test_numerical_gradient_refuses_an_unknown_method() -> None:
    with pytest.raises(ValueError, match="method"):
        g.numerical_gradient(lambda: 0.0, np.zeros(2), method="backward")


def test_the_grid_of_h() -> None:
    assert len(g.H_GRID) == 141 and g.H_GRID[0] == 0.1 and g.H_GRID[-1] == 1e-15
    assert 1e-5 in g.H_GRID and 1e-10 in g.H_GRID and list(g.H_GRID) == sorted(g.H_GRID, reverse=True)


@pytest.mark.parametrize(("op", "x"), [(Tensor.exp, 1.0), (Tensor.tanh, -1.5), (Tensor.sigmoid, 0.5),
                                       (Tensor.exp, -0.3)], ids=["exp 1", "tanh -1.5", "sigmoid 0.5", "exp -0.3"])
def test_error_against_h_makes_a_v(op, x: float) -> None:
    value, derivative = g.tensor_function(op), lambda v: g.backprop_derivative(op, v)
    s64, s32 = (g.sweep(value, derivative, x, dtype) for dtype in ("float64", "float32"))
    # The best h lies near √ε (forward) and ∛ε (central), far from either end of the grid.
    for s, forward, central in ((s64, (1e-10, 1e-6), (1e-7, 1e-4)), (s32, (1e-6, 1e-2), (1e-4, 1e-1))):
        assert forward[0] <= s.best("forward")[0].min() and s.best("forward")[0].max() <= forward[1]
        assert central[0] <= s.best("central")[0].min() and s.best("central")[0].max() <= central[1]
    # The "as small as possible" 1e-10 is worse than 1e-5 in float64, and takes no step at all in float32.
    assert s64.error_at("central", 1e-10) > 100 * s64.error_at("central", 1e-5)
    assert np.isnan(s32.error_at("central", 1e-10))
    # Right of the best h the error is truncation: it grows ten or a hundred times per factor of ten.
    k = list(g.H_GRID).index(1e-2)
    assert s64.error("forward")[k - 10] / s64.error("forward")[k] == pytest.approx(10, rel=0.2)
    assert s64.error("central")[k - 10] / s64.error("central")[k] == pytest.approx(100, rel=0.2)
    # The estimate of truncation plus rounding bounds what was measured at its own best h.
    eps, fx, (f2, f3) = g.machine_epsilon("float64"), float(value(np.float64(x))), g.higher_derivatives(derivative, x)
    for method in g.METHODS:
        best = g.predicted_best_h(method, eps, fx, f2, f3)
        assert s64.best(method)[1] <= g.predicted_error(method, np.array([best]), eps, fx, f2, f3)[0]


@pytest.mark.parametrize(("dtype", "tied_to"), [("float64", 1e-8), ("float32", 2.5e-4)])
def test_a_tie_for_the_smallest_error_gives_every_h_of_it(dtype: str, tied_to: float) -> None:
    # tanh at 0: f(x) = 0, nothing cancels, and from some h down the difference is exactly 1 = f'(0).
    s = g.sweep(g.tensor_function(Tensor.tanh), lambda v: g.backprop_derivative(Tensor.tanh, v), 0.0, dtype)
    for method in g.METHODS:
        hs, error = s.best(method)
        assert error == 0 and hs.max() == tied_to and hs.min() == 1e-15
        assert list(hs) == [h for h in g.H_GRID if h <= tied_to]  # every h of that stretch, largest first
    # tanh(−h) = −tanh h: at 0 the two differences are the very same number.
    np.testing.assert_array_equal(s.estimate["forward"], s.estimate["central"])
    # Where one h alone is best, it comes back alone.
    hs, error = g.sweep(g.tensor_function(Tensor.exp), math.exp, 1.0, dtype).best("central")
    assert hs.size == 1 and error > 0


@pytest.mark.parametrize(("x", "dtype", "unchanged"), [(0.0, "float32", True), (1.0, "float64", False)])
def test_unchanged_h_is_where_f_did_not_change(x: float, dtype: str, unchanged: bool) -> None:
    # exp at 0 in float32: 0 + 10⁻¹² is a float32 number, but e to it rounds to 1, as e⁰ does.
    s = g.sweep(g.tensor_function(Tensor.exp), math.exp, x, dtype)
    for method in g.METHODS:
        hs = s.unchanged(method)
        assert (hs.size > 0) is unchanged
        k = [list(s.h).index(h) for h in hs]
        assert np.all(s.estimate[method][k] == 0) and np.all(s.error(method)[k] == abs(s.exact))
        assert np.all([g.step_taken(np.dtype(dtype).type(s.x), h) != 0 for h in hs])


def test_the_sweep_takes_x_as_its_dtype_stores_it() -> None:
    s = g.sweep(g.tensor_function(Tensor.exp), lambda v: math.exp(v), 0.1, "float32")
    assert s.x == float(np.float32(0.1)) != 0.1 and s.exact == math.exp(s.x)


@pytest.mark.parametrize("method", g.METHODS)
@pytest.mark.parametrize("f2", [-0.7, 0.0, 1e-12], ids=["f''", "f'' = 0", "f'' tiny"])
def test_predicted_best_h_minimises_the_predicted_error(method: str, f2: float) -> None:
    eps, fx, f3 = 2.2e-16, 1.3, 2.1
    hs = np.logspace(-12, -1, 20001)
    best = hs[np.argmin(g.predicted_error(method, hs, eps, fx, f2, f3))]
    assert g.predicted_best_h(method, eps, fx, f2, f3) == pytest.approx(best, rel=1e-2)


@pytest.mark.parametrize("method", g.METHODS)
def test_predicted_best_h_without_rounding_or_truncation(method: str) -> None:
    assert g.predicted_best_h(method, 2.2e-16, 0.0, 1.0, 1.0) == 0  # f(x) = 0: the smaller h the better
    assert g.predicted_best_h(method, 2.2e-16, 1.0, 0.0, 0.0) == math.inf  # a straight line: the larger


@pytest.mark.parametrize(("dtype", "eps"), [("float64", 2.0 ** -52), ("float32", 2.0 ** -23), (np.float32, 2.0 ** -23)])
def test_machine_epsilon(dtype, eps: float) -> None:
    assert g.machine_epsilon(dtype) == eps


@pytest.mark.parametrize(("a", "b", "expected"), [
    (1.0, 1.0, 0.0), (1.0, 1.1, 0.1 / 1.1), (-2.0, 2.0, 2.0), (0.0, 0.0, 0.0), (0.0, 1e-30, 1.0), (1e-3, 0.0, 1.0),
])
def test_relative_error(a: float, b: float, expected: float) -> None:
    assert g.relative_error(np.array([a]), np.array([b]))[0] == pytest.approx(expected)


def tanh_with_backward(scale: float):
    """tanh whose backward multiplies the right derivative by `scale`: 1 is right, anything else a bug."""
    def op(x: Tensor) -> Tensor:
        y = np.tanh(x.data)
        return Tensor._make(y, (x,), lambda grad: (grad * (1 - y * y) * scale,), "tanh")
    return op


@pytest.mark.parametrize(("scale", "passes"), [(1.0, True), (1.0001, False), (0.99, False)],
                         ids=["right", "off by 1e-4", "off by 1e-2"])
def test_gradient_check_passes_a_right_backward_and_flags_a_wrong_one(scale: float, passes: bool) -> None:
    rng = np.random.default_rng(1)
    params = {"w": Tensor(rng.standard_normal((3, 2)), requires_grad=True),
              "b": Tensor(rng.standard_normal(2), requires_grad=True)}
    x = Tensor(rng.standard_normal((5, 3)))
    check = g.gradient_check(lambda: (tanh_with_backward(scale)(x @ params["w"] + params["b"]) ** 2).sum(), params)
    assert check.names[:2] == ("w[0, 0]", "w[0, 1]") and check.names[-1] == "b[1]" and len(check.names) == 8
    assert bool(check.passed.all()) is passes
    if passes:
        assert check.relative.max() < 1e-8
    else:
        np.testing.assert_allclose(check.relative, abs(scale - 1) / max(scale, 1), rtol=1e-3)
