"""Measurements made of many walks, shown by lesson 1: how long each optimizer lingers near a saddle, how
many steps a walk needs to converge, and the largest rate SGD survives (2/λmax).

Each is a plain function of its arguments built on the walker of `kaibo.train.descent`; the page only shows
the numbers they return.
"""

from __future__ import annotations

import math

import numpy as np

from kaibo.errors import InputError
from kaibo.models.landscapes import Landscape
from kaibo.train.descent import (
    LR_RANGE,
    MAX_STEPS,
    OPTIMIZERS,
    check_landscape,
    check_number,
    check_start,
    run_steps,
    walk,
)


def saddle_escape_steps(landscape: Landscape | str, start: tuple[float, float] | np.ndarray, lr: float, *,
                        radius: float = 0.5, max_steps: int = 2000) -> dict[str, int | None]:
    """How many steps each optimizer takes to leave the neighbourhood of the landscape's saddle.

    Each of `OPTIMIZERS` walks from `start` with the same `lr` until it is farther than `radius` from the
    landmark ``"saddle"``. Near a saddle the slope is gentle, so SGD's steps (η·g) are tiny and it lingers;
    momentum adds up the small gradients into speed, and Adam divides by their size, so at small rates both
    leave sooner. At large rates SGD's own steps are long and the lead shrinks or goes (`compare_escapes`).
    On the hills from (0.01, 0.3), radius 0.5, the measured counts are: at lr 0.01, SGD 183, momentum 41,
    Adam 43; at lr 0.05, SGD 39, momentum 16, Adam 11.

    Parameters
    ----------
    landscape : Landscape or str
        A landscape with a ``"saddle"`` landmark (``"hills"``).
    start : pair of float
        Inside the window and within `radius` of the saddle.
    lr : float
        The learning rate, within `LR_RANGE`.
    radius : float
        Size of the neighbourhood, > 0.
    max_steps : int
        Give up after this many steps, 1 to `MAX_STEPS`.

    Returns
    -------
    dict
        ``{"sgd": n, "momentum": n, "adam": n}``: the number of the first step that ends more than
        `radius` from the saddle, or None when the walker was still inside after `max_steps` (exactly on
        the saddle the gradient is zero and nobody ever leaves).
    """
    land = check_landscape(landscape)
    start = check_start(land, start)
    check_number(lr, "descent.error.lr", *LR_RANGE)
    check_number(max_steps, "descent.error.steps", 1, MAX_STEPS, whole=True)
    check_number(radius, "descent.error.radius", math.ulp(0.0))
    saddle = np.array(land.landmark("saddle").point)
    distance = float(np.linalg.norm(start - saddle))
    if distance > radius:
        raise InputError("descent.error.escape_start", radius=radius, distance=f"{distance:.3g}",
                         s0=saddle[0], s1=saddle[1])
    counts: dict[str, int | None] = {}
    for name in OPTIMIZERS:
        run = run_steps(land, start, name, float(lr), int(max_steps), "constant",
                   until=lambda p: np.linalg.norm(p - saddle) > radius)
        # A walker that diverged out of the window certainly left the neighbourhood, at that step.
        counts[name] = run.stopped_at if run.stopped_at is not None else (len(run.path) - 1 if run.left else None)
    return counts


def steps_to_converge(landscape: Landscape | str, start: tuple[float, float] | np.ndarray, optimizer: str = "sgd",
                      lr: float = 0.1, *, limit: int = 300, tol: float = 1e-2) -> int | None:
    """The fewest steps n from which on every walk (constant rate) ends ``"converged"``, up to `limit` steps.

    A walk of n steps with a constant rate is the first n steps of a longer one, so one walk of `limit`
    steps answers for every n: n is the step count after the last point where the gradient, or the step
    that led there, was longer than `tol`. Measured on the line from (−1, 3) at lr 0.1: SGD needs 41 steps,
    momentum and Adam 105 each (both swing past the minimum first; momentum happens to end converged at
    100 steps too, between two swings).

    Returns
    -------
    int or None
        n (1 ≤ n ≤ `limit`), or None when the walk of `limit` steps does not end converged.
    """
    run = walk(landscape, start, optimizer, lr, limit, tol=tol)
    if run.outcome != "converged":
        return None
    grads = np.linalg.norm(run.grad, axis=1)
    steps = np.linalg.norm(run.update, axis=1)
    # Point m ends a converged walk of m steps when its gradient and the step into it are within tol.
    ends = (grads[1:] <= tol) & (steps <= tol)                      # for m = 1 … limit
    return int(len(ends) - np.argmin(ends[::-1])) + 1 if not ends.all() else 1


def stable_rate(landscape: Landscape | str, point: tuple[float, float] | np.ndarray | None = None) -> float:
    """The largest learning rate with which SGD does not blow up near `point`: 2 / λmax.

    Near a point the loss is a bowl with curvatures λ (the Hessian's eigenvalues). Along the steepest one,
    an SGD step multiplies the distance to the bottom by (1 − η·λmax): for η < 2/λmax its size shrinks,
    for η > 2/λmax it grows every step (lesson 1's divergence). `point` defaults to the landscape's first
    minimum landmark. On the line the bowl is exact, so the limit holds everywhere: about 0.825.
    """
    land = check_landscape(landscape)
    where = land.landmarks[0].point if point is None else check_start(land, point)
    return float(2.0 / np.linalg.eigvalsh(land.hessian(where))[-1])


def compare_escapes(counts: dict[str, int | None]) -> dict[str, str]:
    """How momentum and Adam did against SGD in `saddle_escape_steps`' `counts`: for each, ``"sooner"``,
    ``"same"`` or ``"later"`` (never leaving counts as later than any number of steps).

    At small rates both leave sooner; at large ones SGD's own steps are long and the difference goes (on the
    hills from (0.01, 0.3): at lr 1, SGD and momentum take 4 steps each, Adam 1; from lr 1.6 all take 1).
    """
    def key(n: int | None) -> float:
        return math.inf if n is None else n

    base = key(counts["sgd"])
    return {name: "sooner" if key(counts[name]) < base else "same" if key(counts[name]) == base else "later"
            for name in ("momentum", "adam")}
