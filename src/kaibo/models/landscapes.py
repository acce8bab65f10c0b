"""Loss landscapes of two parameters: the ground the gradient-descent walker of lesson 1 walks on.

With two parameters the loss L(p₀, p₁) is a surface that can be drawn whole (contours or a heat map), so a
learner can watch every step of an optimizer on it. Two landscapes:

``"line"`` (`line_fit_landscape`)
    Fitting the line y ≈ w·x + b to real data (by default `kaibo.data.load_bmi_progression`: BMI →
    disease progression, 442 patients). The loss is the mean squared error
    L(w, b) = mean((w·x + b − y)²), the right loss for regression: it is what "predict a number, be
    penalised by the square of the miss" means, and its minimum is the least-squares line. (For
    next-token prediction the loss is cross-entropy, not squared error: lesson 11.) The surface is a
    bowl (a quadratic with a positive definite Hessian), so it has one minimum, landmark ``"minimum"``,
    found here in closed form from the normal equations.

``"hills"`` (`hills_landscape`)
    A smooth non-convex surface, made so that its critical points are exact and known:

        L(w₁, w₂) = w₁⁴/4 − w₁³/3 − w₁² + 8/3 + (w₂ − w₁²/4)²

    The first part, g(w₁) = w₁⁴/4 − w₁³/3 − w₁², is a double well whose slope g′(w₁) = w₁³ − w₁² − 2w₁
    = w₁(w₁ + 1)(w₁ − 2) vanishes at w₁ = −1, 0 and 2; the last part is zero along the curved valley
    floor w₂ = w₁²/4 and grows on both sides of it. So the gradient is zero exactly at

    - ``"global_minimum"`` (2, 1), loss 0, Hessian [[8, −2], [−2, 2]] (positive definite);
    - ``"local_minimum"`` (−1, 0.25), loss 9/4, Hessian [[3.5, 1], [1, 2]] (positive definite);
    - ``"saddle"`` (0, 0), loss 8/3, Hessian [[−2, 0], [0, 2]]: downhill along w₁, uphill along w₂.

    (On the valley floor the Hessian is [[g″(w₁) + w₁²/2, −w₁], [−w₁, 2]] with determinant 2·g″(w₁),
    g″ = 3w₁² − 2w₁ − 2, so its sign at each critical point decides minimum or saddle.) In floating point
    the engine's gradient is exactly 0 at the saddle and about 2e-16 at the two minima.

Each `Landscape` gives the same surface twice: `loss(p)` built from engine operations on a `Tensor` of
shape (2,), so that its gradient comes from the engine's backpropagation, and `grid_loss(P0, P1)`, plain
vectorised NumPy for drawing contours over a whole grid at once. A test checks that they agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kaibo.data import load_bmi_progression
from kaibo.engine import Tensor
from kaibo.errors import InputError

Window = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Landmark:
    """A point where the gradient is zero (a critical point), at exactly known coordinates.

    Attributes
    ----------
    name : str
        ``"minimum"`` (the only one of a convex landscape), ``"global_minimum"``, ``"local_minimum"``
        or ``"saddle"``.
    kind : str
        ``"minimum"`` (Hessian positive definite) or ``"saddle"`` (Hessian indefinite).
    point : tuple of float
        Its coordinates (p₀, p₁).
    loss : float
        The loss there.
    """

    name: str
    kind: str
    point: tuple[float, float]
    loss: float


@dataclass(frozen=True)
class Landscape:
    """A loss surface over two parameters, with what a page needs to draw it and walk on it.

    Attributes
    ----------
    name : str
        ``"line"`` or ``"hills"``.
    param_names : tuple of str
        Names of the two parameters, in order: ``("w", "b")`` for the line, ``("w1", "w2")`` for the hills.
    window : ((float, float), (float, float))
        The view: ``((p0_min, p0_max), (p1_min, p1_max))``; it shows every landmark.
    landmarks : tuple of Landmark
        The exact critical points (see the module docstring).
    loss : callable
        ``loss(p) -> Tensor``: p is a `Tensor` of shape (2,); the result holds one number and
        ``loss(p).backward()`` fills ``p.grad`` by the engine's backpropagation.
    grid_loss : callable
        ``grid_loss(P0, P1) -> np.ndarray``: the same loss at every point of two arrays of equal shape.
    """

    name: str
    param_names: tuple[str, str]
    window: Window
    landmarks: tuple[Landmark, ...]
    loss: Callable[[Tensor], Tensor]
    grid_loss: Callable[[np.ndarray, np.ndarray], np.ndarray]

    def grid(self, n: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The loss on an n × n grid covering the window, for contours or a heat map.

        Returns
        -------
        P0, P1, L : np.ndarray
            Each of shape (n, n), as `np.meshgrid` makes them: ``P0[i, j]`` is the j-th value of the first
            parameter, ``P1[i, j]`` the i-th value of the second, ``L[i, j]`` the loss there.
        """
        (lo0, hi0), (lo1, hi1) = self.window
        p0, p1 = np.meshgrid(np.linspace(lo0, hi0, n), np.linspace(lo1, hi1, n))
        return p0, p1, self.grid_loss(p0, p1)

    def levels(self, bands: int = 12) -> tuple[float, ...]:
        """Loss values that cut the map into about `bands` colour bands, lowest first: drawn as the edges
        between colours they are contour lines, as on a hiking map.

        The levels are quantiles of the loss over the window (`grid`), so each band covers about the same
        area and every part of the map gets its share of colours; rounded to two significant digits. Where
        two landmarks' losses have no level between them, their midpoint is added, so each landmark sits in
        a band of its own: on the hills the local minimum (2.25) and the saddle (2.67) are only 0.42 apart
        in a range of 15, and a smooth colour scale paints them the same; a level between them draws the
        rim of the second valley, and the pass shows as the place where two bands of that level meet.
        """
        _, _, loss = self.grid(61)
        cuts = np.quantile(loss, np.arange(1, bands) / bands)
        levels = {float(f"{c:.2g}") for c in cuts}
        marks = sorted({m.loss for m in self.landmarks})
        for low, high in zip(marks[:-1], marks[1:], strict=True):
            if not any(low < level < high for level in levels):
                levels.add(float(f"{(low + high) / 2:.3g}"))
        return tuple(sorted(levels))

    def band(self, loss: np.ndarray | float, bands: int = 12) -> np.ndarray:
        """Which colour band of `levels(bands)` each loss lies in: 0 below the first level, k between level
        k − 1 and level k, len(levels) above the last (a loss exactly on a level belongs to the band above)."""
        return np.searchsorted(self.levels(bands), loss, side="right")

    def section(self, point: tuple[float, float], axis: int, n: int = 121) -> tuple[np.ndarray, np.ndarray]:
        """The loss along a straight line through `point` across the window, parallel to parameter `axis`
        (0 or 1) with the other parameter held at its value in `point`: a cross-section of the landscape.

        Through the hills' saddle (0, 0), along w₁ it is a hump between two valleys and along w₂ a valley:
        downhill one way, uphill the other.

        Returns
        -------
        values, loss : np.ndarray, shape (n,) each
            The values of parameter `axis` from one edge of the window to the other, and the loss there.
        """
        if axis not in (0, 1):
            raise ValueError("axis is 0 or 1")
        values = np.linspace(*self.window[axis], n)
        fixed = np.full(n, float(point[1 - axis]))
        p0, p1 = (values, fixed) if axis == 0 else (fixed, values)
        return values, self.grid_loss(p0, p1)

    def value_and_grad(self, point: np.ndarray | tuple[float, float]) -> tuple[float, np.ndarray]:
        """The loss at `point` and its gradient (shape (2,)), by one forward and one backward pass."""
        p = Tensor(np.asarray(point, dtype=np.float64), requires_grad=True)
        loss = self.loss(p)
        loss.backward()
        return loss.item(), p.grad.data

    def hessian(self, point: np.ndarray | tuple[float, float], h: float = 1e-5) -> np.ndarray:
        """The 2 × 2 matrix of second derivatives at `point`: its eigenvalues are the curvatures.

        Central differences of the backpropagated gradient, column j = (∇L(p + h·eⱼ) − ∇L(p − h·eⱼ)) / 2h,
        then symmetrised. Both eigenvalues > 0: a minimum; one < 0 < the other: a saddle.
        """
        p = np.asarray(point, dtype=np.float64)
        columns = [(self.value_and_grad(p + h * e)[1] - self.value_and_grad(p - h * e)[1]) / (2 * h)
                   for e in np.eye(2)]
        hess = np.stack(columns, axis=1)
        return (hess + hess.T) / 2

    def contains(self, point: np.ndarray | tuple[float, float]) -> bool:
        """Whether `point` lies inside the window (edges included)."""
        (lo0, hi0), (lo1, hi1) = self.window
        return bool(lo0 <= point[0] <= hi0 and lo1 <= point[1] <= hi1)

    def landmark(self, name: str) -> Landmark:
        """The landmark called `name`; `InputError` ``"descent.error.landmark"`` if there is none."""
        for mark in self.landmarks:
            if mark.name == name:
                return mark
        raise InputError("descent.error.landmark", name=name, landscape=self.name,
                         choices=", ".join(m.name for m in self.landmarks))

    def landmark_near(self, point: np.ndarray | tuple[float, float], radius: float = 0.05) -> Landmark | None:
        """The landmark within `radius` (Euclidean) of `point`, or None when there is none."""
        for mark in self.landmarks:
            if np.hypot(point[0] - mark.point[0], point[1] - mark.point[1]) <= radius:
                return mark
        return None


def design_matrix(x: np.ndarray) -> np.ndarray:
    """The columns x and 1, shape (N, 2): then X @ (w, b) = w·x + b for every example at once.

    One engine op for the whole prediction, where w * x + b takes four (indexing w, indexing b, ×, +); a walk
    redraws on every slider move, and each op costs the same Python overhead whatever N is.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.stack([x, np.ones_like(x)], axis=1)


def line_loss(design: Tensor, target: Tensor, p: Tensor) -> Tensor:
    """The mean squared error of the line p = (w, b) on the examples given: all of them for the landscape of
    lesson 1, the rows of one mini-batch in lesson 4 (`kaibo.train.minibatch`). design (B, 2), target (B,)."""
    return ((design @ p - target) ** 2).mean()                    # (B, 2) @ (2,) → (B,) → one number


def line_fit_landscape(x: np.ndarray, y: np.ndarray) -> Landscape:
    """The mean squared error of the line y ≈ w·x + b on the data (x, y), as a landscape over (w, b).

    Parameters
    ----------
    x, y : np.ndarray
        Inputs and targets, shape (N,) each.

    Returns
    -------
    Landscape
        ``name="line"``, parameters ``("w", "b")``, one landmark ``"minimum"`` (the least-squares line),
        and a window 4 wide in both parameters around it (for the BMI data: w ∈ [−1.5, 2.5],
        b ∈ [−0.5, 3.5], minimum at w ≈ 0.512, b ≈ 1.381).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    # Expanding the square, mean((w·x + b − y)²) = w²·⟨x²⟩ + 2wb·⟨x⟩ + b² − 2w·⟨xy⟩ − 2b·⟨y⟩ + ⟨y²⟩ with ⟨·⟩
    # the mean over the data: five numbers describe the whole surface, so a 121 × 121 grid costs five
    # multiplications per point instead of a pass over all N data points.
    mx, mxx, mxy, my, myy = x.mean(), (x * x).mean(), (x * y).mean(), y.mean(), (y * y).mean()
    # Setting both partial derivatives to zero gives the normal equations [[⟨x²⟩, ⟨x⟩], [⟨x⟩, 1]]·(w, b)
    # = (⟨xy⟩, ⟨y⟩): the least-squares line, the landscape's one minimum.
    w_star, b_star = np.linalg.solve([[mxx, mx], [mx, 1.0]], [mxy, my])
    design, target = Tensor(design_matrix(x)), Tensor(y)          # (N, 2), (N,)

    def loss(p: Tensor) -> Tensor:
        return line_loss(design, target, p)

    def grid_loss(w: np.ndarray, b: np.ndarray) -> np.ndarray:
        return w * w * mxx + 2 * w * b * mx + b * b - 2 * w * mxy - 2 * b * my + myy

    minimum = Landmark("minimum", "minimum", (float(w_star), float(b_star)),
                       float(grid_loss(w_star, b_star)))
    # ±2 around the minimum, centred on the nearest multiple of 0.5 so that the axes read as round numbers.
    c_w, c_b = float(np.round(2 * w_star) / 2), float(np.round(2 * b_star) / 2)
    window = ((c_w - 2.0, c_w + 2.0), (c_b - 2.0, c_b + 2.0))
    return Landscape("line", ("w", "b"), window, (minimum,), loss, grid_loss)


def _hills(w1: Tensor | np.ndarray, w2: Tensor | np.ndarray) -> Tensor | np.ndarray:
    # One formula for both the engine (Tensors) and the grid (arrays): the two cannot drift apart.
    # w₁⁴/4 − w₁³/3 − w₁² is written w₁²·(w₁²/4 − w₁/3 − 1), reusing w₁² and w₁²/4 (the valley floor):
    # 10 engine ops instead of 13, and every op costs a walker's step the same Python overhead.
    square = w1 * w1
    floor = square / 4
    return square * (floor - w1 / 3 - 1) + 8 / 3 + (w2 - floor) ** 2


def hills_landscape() -> Landscape:
    """The non-convex surface of the module docstring: a global minimum, a local minimum and a saddle.

    Returns
    -------
    Landscape
        ``name="hills"``, parameters ``("w1", "w2")``, window w₁ ∈ [−2, 3], w₂ ∈ [−1, 2.5], landmarks
        ``"global_minimum"`` (2, 1), ``"local_minimum"`` (−1, 0.25) and ``"saddle"`` (0, 0).
    """
    landmarks = tuple(Landmark(name, kind, point, float(_hills(*np.array(point))))
                      for name, kind, point in (("global_minimum", "minimum", (2.0, 1.0)),
                                                ("local_minimum", "minimum", (-1.0, 0.25)),
                                                ("saddle", "saddle", (0.0, 0.0))))
    return Landscape("hills", ("w1", "w2"), ((-2.0, 3.0), (-1.0, 2.5)), landmarks,
                     loss=lambda p: _hills(p[0], p[1]), grid_loss=_hills)


def get_landscape(name: str) -> Landscape:
    """The landscape called `name`: ``"line"`` (on `kaibo.data.load_bmi_progression`) or ``"hills"``.

    Raises `InputError` ``"descent.error.landscape"`` for any other name. Each call builds a fresh object
    (cheap: the data set itself is loaded once and cached).
    """
    if name == "line":
        data = load_bmi_progression()
        return line_fit_landscape(data.x, data.y)
    if name == "hills":
        return hills_landscape()
    raise InputError("descent.error.landscape", name=name, choices="line, hills")
