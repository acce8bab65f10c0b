"""Numerical differentiation, and the gradient check that holds backpropagation to it.

A derivative is a limit, f'(x) = lim (f(x+h) − f(x)) / h as h → 0. A computer cannot take the limit, so a
finite difference stops at a small h:

    forward difference   (f(x+h) − f(x)) / h          wrong by about h·|f''|/2      (truncation)
    central difference   (f(x+h) − f(x−h)) / 2h       wrong by about h²·|f'''|/6    (truncation)

Truncation error shrinks with h, but rounding error grows: f is computed with a relative error of about ε
(machine epsilon: 2.2 × 10⁻¹⁶ in float64, 1.2 × 10⁻⁷ in float32), and subtracting two nearly equal values
of f leaves that error, about ε·|f|, in a difference that is itself only about h·|f'|. Divided by h, it is
about ε·|f|/h. The sum of the two is smallest near h ≈ √ε (forward) and h ≈ ∛ε (central): a smaller h is
worse, not better. `sweep` measures this; `predicted_error` is the estimate above.

`numerical_gradient` differentiates a loss with respect to every element of an array, one element at a time:
N + 1 evaluations of the loss (forward) or 2N (central) for N numbers, where backpropagation needs one
forward and one backward pass. `gradient_check` compares the two, as kaibo's own tests do for every op
(tests/engine/checks.py uses `numerical_gradient` with `H`, `RTOL` and `ATOL` below).

The engine imports only NumPy; so does this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from kaibo.engine.grad_mode import no_grad
from kaibo.engine.tensor import Tensor

# The gradient check of kaibo's tests: central differences in float64 with this h (near ∛ε, times a
# function's scale), and a gradient passes when |backprop − numeric| ≤ ATOL + RTOL·|numeric| everywhere.
H = 1e-6
RTOL, ATOL = 1e-5, 1e-7
METHODS = ("forward", "central")
# The h of a sweep: 10 per decade from 10⁻¹ down to 10⁻¹⁵, rounded to two digits (0.1, 0.079, 0.063,
# …) so that each is the number a reader would type, and 1e-5 and 1e-10 are exactly those literals.
H_GRID = tuple(float(f"{10 ** (-k / 10):.2g}") for k in range(10, 151))

ScalarFunction = Callable[[np.floating], np.floating]  # f(x), computed in the dtype of x


def step_taken(x: np.floating, h: float) -> np.floating:
    """(x + h) − x in x's dtype: the step a difference really takes. x + h is rounded to the nearest number
    the dtype holds, so this is usually not h (1 + 10⁻¹⁰ − 1 is 1.000000082740371 × 10⁻¹⁰ in float64), and
    it is 0 when h is less than half the gap between x and its neighbours (1 + 10⁻¹⁰ is 1 in float32).
    The subtraction itself is exact: x and x + h are within a factor of 2 of each other (Sterbenz)."""
    return (x + x.dtype.type(h)) - x


def forward_difference(f: ScalarFunction, x: np.floating, h: float, fx: np.floating | None = None) -> np.floating:
    """(f(x+h) − f(x)) / h, every number in x's dtype; `fx` is f(x) when it is already known.

    It divides by the step actually taken (`step_taken`), not by h: the quotient is then the exact slope
    between the two points evaluated, and the rounding of x + h adds no error of its own. Where x + h
    rounds back to x no step was taken and there is no slope to measure: NaN.
    """
    step = step_taken(x, h)
    if step == 0:
        return x.dtype.type(np.nan)
    return (f(x + step) - (f(x) if fx is None else fx)) / step


def central_difference(f: ScalarFunction, x: np.floating, h: float) -> np.floating:
    """(f(x+h) − f(x−h)) / 2h, every number in x's dtype, divided by the width actually spanned,
    (x+h) − (x−h), for the reason `forward_difference` gives. NaN where x ± h both round back to x."""
    up, down = x + x.dtype.type(h), x - x.dtype.type(h)
    width = up - down
    if width == 0:
        return x.dtype.type(np.nan)
    return (f(up) - f(down)) / width


def numerical_gradient(loss: Callable[[], np.floating], *arrays: np.ndarray, h: float = H,
                       method: str = "central") -> list[np.ndarray]:
    """∂loss/∂a[i] for every element i of every array a, by finite differences: each element in turn is
    moved by ±h in place, `loss()` evaluated, and the element put back. `loss` reads the arrays (the
    parameters' data, say).

    The forward method evaluates the unmoved loss once and shares it: N + 1 evaluations for N elements in
    all; the central method needs 2N.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    base = loss() if method == "forward" else None
    grads = []
    for array in arrays:
        grad = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            kept = array[i]

            def moved(value: np.floating, array: np.ndarray = array, i: tuple = i) -> np.floating:
                array[i] = value
                return loss()

            grad[i] = (forward_difference(moved, kept, h, base) if method == "forward"
                       else central_difference(moved, kept, h))
            array[i] = kept
        grads.append(grad)
    return grads


def backprop_derivative(f: Callable[[Tensor], Tensor], x: float) -> float:
    """f'(x) by backpropagation through the engine, in float64: exact up to rounding."""
    t = Tensor(np.float64(x), requires_grad=True)
    f(t).backward()
    return float(t.grad.data)


def tensor_function(f: Callable[[Tensor], Tensor]) -> ScalarFunction:
    """f on a Tensor as f on a NumPy number, in that number's dtype (no graph recorded)."""
    def value(x: np.floating) -> np.floating:
        with no_grad():
            return f(Tensor(np.asarray(x))).data[()]
    return value


# ---- error against h ---------------------------------------------------------------------------------------


def machine_epsilon(dtype: object) -> float:
    """The gap between 1 and the next number the dtype holds: 2⁻⁵² in float64, 2⁻²³ in float32."""
    return float(np.finfo(dtype).eps)


@dataclass(frozen=True)
class Sweep:
    """Forward and central differences of f at x for every h of a grid, in one dtype, against f'(x).

    Attributes
    ----------
    dtype : "float64" or "float32", the numbers every difference was computed in.
    x : the point as that dtype stores it (0.1 in float32 is 0.10000000149…), as a float.
    exact : f'(x) at that point, from backpropagation in float64.
    h : the grid of h, largest first.
    estimate : method → the difference at each h; NaN where x ± h rounds back to x (no step taken).
    """

    dtype: str
    x: float
    exact: float
    h: np.ndarray
    estimate: Mapping[str, np.ndarray]

    def error(self, method: str) -> np.ndarray:
        """|estimate − f'(x)| at each h (NaN where no step was taken)."""
        return np.abs(self.estimate[method] - self.exact)

    def best(self, method: str) -> tuple[np.ndarray, float]:
        """Every h of the grid with the smallest error (largest first), and that error. Usually one h; several
        when the smallest error comes out exactly equal at several h (0, where nothing cancels: tanh at 0).
        On the jagged rounding arm the smallest is partly luck: `predicted_best_h` is where it is expected."""
        error = self.error(method)
        smallest = float(np.nanmin(error))
        return self.h[error == smallest], smallest

    def unchanged(self, method: str) -> np.ndarray:
        """The h of the grid where a step was taken but f did not change: f(x+h) was rounded to the very
        number f(x) was, so the difference is exactly 0 and its error is |f'(x)|."""
        return self.h[self.estimate[method] == 0]

    def error_at(self, method: str, h: float) -> float:
        """The error at an h of the grid (1e-5, 1e-10, …)."""
        return float(self.error(method)[self.h.tolist().index(h)])


def sweep(f: ScalarFunction, derivative: Callable[[float], float], x: float, dtype: object,
          hs: tuple[float, ...] = H_GRID) -> Sweep:
    """Both differences of `f` (evaluated in `dtype`) at x for every h in `hs`, with the exact derivative
    `derivative` (backpropagation in float64) taken at x as the dtype stores it."""
    at = np.dtype(dtype).type(x)
    fx = f(at)
    estimate = {"forward": np.array([forward_difference(f, at, h, fx) for h in hs], dtype=np.float64),
                "central": np.array([central_difference(f, at, h) for h in hs], dtype=np.float64)}
    return Sweep(np.dtype(dtype).name, float(at), derivative(float(at)), np.array(hs), estimate)


def higher_derivatives(derivative: Callable[[float], float], x: float) -> tuple[float, float]:
    """f''(x) and f'''(x), from differences of the exact derivative f' (needed only for the size of the
    error estimate, so a few correct digits suffice): central difference for f'', second difference for f'''."""
    f2 = float(central_difference(lambda v: np.float64(derivative(float(v))), np.float64(x), 1e-5))
    step = 1e-3  # about ε^(1/4) times the scale of x: where a second difference errs least
    f3 = (derivative(x + step) - 2 * derivative(x) + derivative(x - step)) / step ** 2
    return f2, f3


def predicted_error(method: str, h: np.ndarray, eps: float, fx: float, f2: float, f3: float) -> np.ndarray:
    """The error a finite difference is expected to make at each h: truncation + rounding.

    Truncation, from Taylor's series f(x±h) = f ± h f' + h²/2 f'' ± h³/6 f''' + …: forward h|f''|/2
    (and h²|f'''|/6 where f'' vanishes), central h²|f'''|/6. Rounding: the difference of two values of f
    each computed to about ε|f|/2, divided by the step: ε|f|/h forward, ε|f|/2h central.
    """
    if method == "forward":
        return h * abs(f2) / 2 + h * h * abs(f3) / 6 + eps * abs(fx) / h
    return h * h * abs(f3) / 6 + eps * abs(fx) / (2 * h)


def predicted_best_h(method: str, eps: float, fx: float, f2: float, f3: float) -> float:
    """The h that minimises `predicted_error` (set its derivative in h to zero): forward h = √(2ε|f|/|f″|),
    central h = ∛(3ε|f|/2|f‴|); about √ε and ∛ε when f and its derivatives are about 1 in size. (Where f″
    is 0, or so small that the h² term outweighs it, the forward difference's truncation is h²|f‴|/6 as the
    central one's, and its best h is ∛(3ε|f|/|f‴|): the candidate with the smaller error is taken.) 0 where
    f(x) = 0 (no rounding error is predicted), infinite where no truncation error is."""
    rounding = eps * abs(fx)
    if rounding == 0:  # f(x) = 0: nothing to round away, and the smaller h the better
        return 0.0
    # The h where rounding meets the h² term of truncation (the central difference's only one) ...
    h = float(np.cbrt(3 * rounding / (abs(f3) * (1 if method == "forward" else 2)))) if f3 else float("inf")
    if method == "forward" and f2:  # ... or the forward difference's h term, whichever errs less there
        h = min(h, float(np.sqrt(2 * rounding / abs(f2))),
                key=lambda c: float(predicted_error(method, np.array([c]), eps, fx, f2, f3)[0]))
    return h


# ---- the gradient check ------------------------------------------------------------------------------------


def relative_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b| / max(|a|, |b|): how much of the larger number the two disagree by (0 where both are 0)."""
    scale = np.maximum(np.abs(a), np.abs(b))
    return np.abs(a - b) / np.where(scale > 0, scale, 1.0)


@dataclass(frozen=True)
class GradientCheck:
    """Backpropagation against central differences, parameter by parameter (each array flattened in order).

    Attributes
    ----------
    names : the parameter of each number ("w1[0, 3]").
    backprop, numeric : the two gradients.
    relative : `relative_error` of the two.
    passed : |backprop − numeric| ≤ ATOL + RTOL·|numeric| (the tests' rule: near zero, ATOL decides).
    """

    names: tuple[str, ...]
    backprop: np.ndarray
    numeric: np.ndarray
    relative: np.ndarray
    passed: np.ndarray


def gradient_check(loss: Callable[[], Tensor], params: Mapping[str, Tensor], h: float = H) -> GradientCheck:
    """Backpropagate `loss()` once, then differentiate it numerically (central) with respect to every number
    of every parameter, and compare. Everything runs in the parameters' own dtype."""
    for p in params.values():
        p.grad = None
    loss().backward()
    backprop = [p.grad.data.ravel().copy() for p in params.values()]
    with no_grad():
        numeric = [g.ravel() for g in numerical_gradient(lambda: loss().data[()], *(p.data for p in params.values()),
                                                         h=h)]
    names = tuple(f"{name}[{', '.join(map(str, i))}]" for name, p in params.items() for i in np.ndindex(p.shape))
    bp, num = np.concatenate(backprop).astype(np.float64), np.concatenate(numeric).astype(np.float64)
    return GradientCheck(names, bp, num, relative_error(num, bp), np.abs(bp - num) <= ATOL + RTOL * np.abs(num))
