"""The blindfolded walker of lesson 1: gradient descent on a two-parameter `Landscape`, step by step.

`walk` runs one of the engine's optimizers for real on a parameter `Tensor` of shape (2,), and records at
every point the loss and the gradient (by the engine's backpropagation), and at every step the move made
and what the optimizer's rule used for it. With η = lr and g = ∂L/∂p at the current point (per coordinate):

- ``"sgd"``      p ← p − η·g                                      (`kaibo.engine.optim.SGD`)
- ``"momentum"`` v ← μ·v + g (v = g at the first step), p ← p − η·v, μ = 0.9  (`SGD(momentum=0.9)`)
- ``"adam"``     m ← β₁·m + (1 − β₁)·g,  v ← β₂·v + (1 − β₂)·g²,  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),
                 p ← p − η·m̂ / (√v̂ + ε), β₁ = 0.9, β₂ = 0.999, ε = 1e-8      (`kaibo.engine.optim.Adam`)

The minus sign is the point: the gradient points uphill, so the walker steps the other way.

η may change from step to step (`SCHEDULES`): ``"constant"`` keeps it, ``"cosine"`` lowers it along half a
cosine wave from `lr` at the first step to 0 after the last (`kaibo.engine.optim.cosine_with_warmup` without
warmup, applied by `LambdaLR`): big steps early to cross the landscape, small ones late to settle.

A walk ends in one of `OUTCOMES`, decided from its end (tolerance ``tol``, 1e-2 by default):

- ``"converged"``: the last gradient and the last step are both at most ``tol`` long, and the end point is
  a minimum (both curvatures, the eigenvalues of the Hessian there, are positive).
- ``"stalled"``: the same, but the end point is not a minimum (a saddle, where the gradient is zero) and
  the walker never moved more than ``tol`` from its start. Exactly on the saddle every optimizer stalls
  from the start: g = 0, so the SGD step, the velocity and Adam's m are all 0 and nothing ever moves.
- ``"trapped"``: the same end, reached after moving there: the walker slid into the saddle. On the hills
  a start with w₁ exactly 0 does this: there ∂L/∂w₁ = 0 at every point, so nothing ever pushes the walker
  sideways off the line w₁ = 0; it rolls down along w₂ alone and comes to rest on the pass.
- ``"diverged"``: the walker went more than `FAR` window widths from the window's centre, or met a
  non-finite number (the walk stops there; `Walk.stopped_at` says at which step); or it ran all its
  steps but ended with a higher loss than at the start and a last step longer than any in the first half
  of the walk (every step overshoots by more than the last; it just has not gone far yet).
- ``"settling"``: none of the above; the walker has reached the neighbourhood of a minimum (`Walk.near`:
  it came within `NEAR` of the window's shorter side of it) and since then the loss has gone up again
  (`Walk.rise` > 0): it passed the bottom and climbed the other side. Momentum's velocity carries it past;
  Adam's steps stay about η long however flat the ground. More steps, a smaller rate or a schedule that
  lowers the rate settles it; a larger rate only swings wider.
- ``"oscillating"``: none of the above, and the last step turned back against the one before
  (`Walk.turn` < 0): the walker zig-zags across the valley (SGD with a rate just under its limit).
- ``"crawling"``: none of the above: still on its way. Far from any minimum (`Walk.near` is None) the
  rate is too small for the number of steps, or the ground is nearly flat (near a saddle); close to one,
  it is nearly there and needs more steps.

For every rate in `LR_RANGE` and every start in the window `walk` returns a result: it never raises and
never puts NaN or inf in its arrays. A high loss alone never stops a walk, and a walker may leave the
view without diverging (Adam's step is about η per coordinate whatever the gradient: with η = 10 it jumps
up to ~29 units away on the hills and comes back; measured, Adam never diverges here for η ≤ 10), so a
page must clip the path it draws. Bad inputs (NaN, inf, out of range, unknown names) raise
`kaibo.errors.InputError` with a ``descent.error.*`` catalogue key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from kaibo.engine import Tensor
from kaibo.engine.optim import SGD, Adam, LambdaLR, Optimizer, cosine_with_warmup
from kaibo.errors import InputError
from kaibo.models.landscapes import Landscape, get_landscape

OPTIMIZERS = ("sgd", "momentum", "adam")
OUTCOMES = ("converged", "settling", "crawling", "oscillating", "diverged", "stalled", "trapped")
SCHEDULES = ("constant", "cosine")
MOMENTUM = 0.9
BETAS = (0.9, 0.999)
EPS = 1e-8
LR_RANGE = (1e-6, 100.0)
MAX_STEPS = 10_000
FAR = 10.0              # a walker this many window widths from the window's centre has diverged
LANDMARK_RADIUS = 0.05  # an end point this close to a landmark is "at" it (`Walk.end_landmark`)
NEAR = 0.1              # within this fraction of the window's shorter side, a walker is near a minimum
# What each rule carries from step to step, under the names `Walk.state` gives it.
STATE_KEYS = {"sgd": (), "momentum": ("velocity",), "adam": ("m", "v", "m_hat", "v_hat")}


@dataclass(frozen=True)
class Walk:
    """The record of one walk of n steps (n = `steps`; fewer than asked when it diverged).

    Attributes
    ----------
    landscape, optimizer : str
        Names of the landscape and of the optimizer (one of `OPTIMIZERS`).
    lr : float
        The learning rate η of the first step.
    schedule : str
        How η changes over the walk, one of `SCHEDULES`.
    lrs : np.ndarray, shape (n,)
        The learning rate each step really used (all equal to `lr` for ``"constant"``).
    path, loss, grad : np.ndarray, shapes (n + 1, 2), (n + 1,), (n + 1, 2)
        The points visited (``path[0]`` is the start), the loss and the gradient ∂L/∂p at each.
    update : np.ndarray, shape (n, 2)
        Step i's move, ``path[i + 1] - path[i]``, made by the engine's optimizer from ``grad[i]``. For SGD,
        ``path[i + 1] == path[i] - lrs[i] * grad[i]`` holds exactly.
    state : dict of str to np.ndarray
        What the rule carried at step i (after its own update at that step), ``STATE_KEYS[optimizer]``,
        each of shape (n, 2): momentum's ``velocity`` (``path[i + 1] == path[i] - lrs[i] * velocity[i]``);
        Adam's ``m``, ``v`` and their bias-corrected ``m_hat``, ``v_hat`` (with t = i + 1).
    outcome : str
        One of `OUTCOMES` (module docstring); the numbers below are its evidence.
    stopped_at : int or None
        For a walk stopped by divergence, the step (counting from 1) that went out of bounds; ``path``
        ends just before it.
    converged_at : int or None
        For a converged walk, the step count after which gradient and step stayed within ``tol``.
    end_landmark : str or None
        The landmark within `LANDMARK_RADIUS` of the end point, if any.
    near : str or None
        The minimum landmark nearest the end point, when the walk has been within `NEAR` (× the window's
        shorter side) of it; None when it never came that close (or the walk diverged).
    near_at : int or None
        The first point (a step count: 0 is the start) within that distance of `near`.
    rise : float
        How far the loss went back up after `near_at`: the largest climb from the lowest loss so far to a
        later one (0.0 while it only went down; 0.0 when `near` is None). Above 0, the walker overshot.
    grad_norm, step_norm : float
        Lengths of the last gradient and of the last step.
    turn : float or None
        Cosine between the last two steps: 1 straight on, −1 straight back; None if either is zero.
    curvature : (float, float) or None
        Hessian eigenvalues at the end point (smallest first), when the last gradient and step were
        within ``tol``; None otherwise.
    tol : float
        The tolerance used.
    """

    landscape: str
    optimizer: str
    lr: float
    schedule: str
    lrs: np.ndarray
    path: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    update: np.ndarray
    state: dict[str, np.ndarray] = field(repr=False)
    outcome: str
    stopped_at: int | None
    converged_at: int | None
    end_landmark: str | None
    near: str | None
    near_at: int | None
    rise: float
    grad_norm: float
    step_norm: float
    turn: float | None
    curvature: tuple[float, float] | None
    tol: float

    @property
    def steps(self) -> int:
        """Number of steps made (n)."""
        return len(self.update)

    def rule(self, i: int) -> dict[str, float | int | np.ndarray]:
        """The real numbers of step i (0 ≤ i < n), to print the rule with them.

        Always ``before`` (= path[i]), ``grad``, ``lr`` (this step's η), ``update``, ``after`` (= path[i + 1]);
        for momentum also ``momentum`` (μ) and ``velocity``; for Adam also ``t`` (= i + 1), ``beta1``, ``beta2``,
        ``eps``, ``m``, ``v``, ``m_hat``, ``v_hat``. Vectors are arrays of shape (2,), one entry per parameter.
        """
        if not 0 <= i < self.steps:
            raise InputError("descent.error.step_index", value=i, high=self.steps - 1)
        numbers: dict[str, float | int | np.ndarray] = {
            "before": self.path[i], "grad": self.grad[i], "lr": float(self.lrs[i]), "update": self.update[i],
            "after": self.path[i + 1]}
        numbers.update({name: values[i] for name, values in self.state.items()})
        if self.optimizer == "momentum":
            numbers["momentum"] = MOMENTUM
        elif self.optimizer == "adam":
            numbers.update(t=i + 1, beta1=BETAS[0], beta2=BETAS[1], eps=EPS)
        return numbers


def walk(landscape: Landscape | str, start: tuple[float, float] | np.ndarray, optimizer: str = "sgd",
         lr: float = 0.1, steps: int = 100, *, schedule: str = "constant", tol: float = 1e-2) -> Walk:
    """Walk `steps` steps of `optimizer` with learning rate `lr` from `start` on `landscape`.

    Parameters
    ----------
    landscape : Landscape or str
        A `Landscape`, or its name for `kaibo.models.get_landscape` (``"line"``, ``"hills"``).
    start : pair of float
        The first point, inside the landscape's window.
    optimizer : str
        ``"sgd"``, ``"momentum"`` or ``"adam"`` (the rules in the module docstring).
    lr : float
        The learning rate η, within `LR_RANGE`.
    steps : int
        How many steps to make, 1 to `MAX_STEPS`.
    schedule : str
        ``"constant"`` or ``"cosine"`` (module docstring).
    tol : float
        Gradient and step length under which the walker counts as arrived (for the outcome).

    Returns
    -------
    Walk
        The path, losses, gradients, steps and the optimizer's own numbers, and the outcome.
    """
    land = check_landscape(landscape)
    start = check_start(land, start)
    if optimizer not in OPTIMIZERS:
        raise InputError("descent.error.optimizer", name=optimizer, choices=", ".join(OPTIMIZERS))
    check_number(lr, "descent.error.lr", *LR_RANGE)
    check_number(steps, "descent.error.steps", 1, MAX_STEPS, whole=True)
    check_number(tol, "descent.error.tol", math.ulp(0.0))
    if schedule not in SCHEDULES:
        raise InputError("descent.error.schedule", name=schedule, choices=", ".join(SCHEDULES))
    run = run_steps(land, start, optimizer, float(lr), int(steps), schedule)
    return _classify(land, optimizer, float(lr), schedule, run, float(tol))


@dataclass
class RunRecord:
    """What `run_steps` saw, step by step, before `walk` judges it (lists grow as the walker goes)."""

    path: list[np.ndarray]
    loss: list[float]
    grad: list[np.ndarray]
    update: list[np.ndarray]
    lrs: list[float]
    state: list[dict[str, np.ndarray]]
    stopped_at: int | None = None
    left: bool = False


def _optimizer(name: str, p: Tensor, lr: float) -> Optimizer:
    if name == "sgd":
        return SGD([p], lr=lr)
    if name == "momentum":
        return SGD([p], lr=lr, momentum=MOMENTUM)
    return Adam([p], lr=lr, betas=BETAS, eps=EPS)


def _snapshot(name: str, state: dict) -> dict[str, np.ndarray]:
    """Copies of what the optimizer's rule used (the engine updates its buffers in place)."""
    if name == "momentum":
        return {"velocity": state["momentum_buffer"].copy()}
    if name == "adam":
        t = state["step"]
        m, v = state["exp_avg"].copy(), state["exp_avg_sq"].copy()
        return {"m": m, "v": v, "m_hat": m / (1 - BETAS[0] ** t), "v_hat": v / (1 - BETAS[1] ** t)}
    return {}


def run_steps(land: Landscape, start: np.ndarray, name: str, lr: float, steps: int, schedule: str,
              until: Callable[[np.ndarray], bool] | None = None) -> RunRecord:
    """The loop itself: backward, record, step; stop when the walker leaves the bounds or `until` holds.

    `walk` classifies the record it returns; `kaibo.train.descent_measures` stops it early with `until`.
    Arguments are taken as already checked (`check_*` below)."""
    p = Tensor(start.copy(), requires_grad=True)          # float64: float32 would blur the small steps
    opt = _optimizer(name, p, lr)
    scheduler = LambdaLR(opt, cosine_with_warmup(0, steps)) if schedule == "cosine" else None
    run = RunRecord([], [], [], [], [], [])
    (lo0, hi0), (lo1, hi1) = land.window
    centre = np.array([(lo0 + hi0) / 2, (lo1 + hi1) / 2])
    reach = FAR * np.array([hi0 - lo0, hi1 - lo1])
    # Inside the bounds the losses here stay far below float64's overflow; errstate only keeps a runaway
    # step of some other landscape from printing warnings before the checks below stop it.
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(steps + 1):
            opt.zero_grad()
            loss = land.loss(p)
            loss.backward()
            value, grad = loss.item(), p.grad.data.copy()
            if not (math.isfinite(value) and np.isfinite(grad).all()):
                # Step i led here: it is dropped with the point. (A landscape's loss is finite on its window,
                # so this never happens at the start, i = 0.)
                del run.update[i - 1:], run.lrs[i - 1:], run.state[i - 1:]
                run.stopped_at = i
                break
            run.path.append(p.data.copy())
            run.loss.append(value)
            run.grad.append(grad)
            run.left = until is not None and until(p.data)
            if run.left or i == steps:
                break
            before = p.data.copy()
            rate = opt.param_groups[0]["lr"]
            opt.step()
            if scheduler is not None:
                scheduler.step()
            if not (np.isfinite(p.data).all() and (np.abs(p.data - centre) <= reach).all()):
                run.stopped_at = i + 1
                break
            run.update.append(p.data - before)
            run.lrs.append(rate)
            run.state.append(_snapshot(name, opt.state[p]))
    return run


def _classify(land: Landscape, name: str, lr: float, schedule: str, run: RunRecord, tol: float) -> Walk:
    path, loss, grad = np.array(run.path), np.array(run.loss), np.array(run.grad)
    update = np.array(run.update).reshape(-1, 2)
    state = {key: np.array([s[key] for s in run.state]).reshape(-1, 2) for key in STATE_KEYS[name]}
    grad_norms = np.linalg.norm(grad, axis=1)
    step_norms = np.linalg.norm(update, axis=1)
    step_norm = float(step_norms[-1]) if len(update) else 0.0
    turn = None
    if len(update) >= 2 and step_norms[-1] > 0 and step_norms[-2] > 0:
        turn = float(update[-1] @ update[-2] / (step_norms[-1] * step_norms[-2]))
    curvature, converged_at = None, None
    near, near_at, rise = (None, None, 0.0) if run.stopped_at is not None else _near_minimum(land, path, loss)
    if run.stopped_at is not None:
        outcome = "diverged"
    elif grad_norms[-1] <= tol and step_norm <= tol:
        low, high = np.linalg.eigvalsh(land.hessian(path[-1]))
        curvature = (float(low), float(high))
        if low > 0:
            outcome = "converged"
            # The first point from which every later gradient and step stayed within tol.
            inside = (grad_norms <= tol) & np.append(step_norms <= tol, True)
            converged_at = int(len(inside) - np.argmin(inside[::-1])) if not inside.all() else 0
        else:
            moved = float(np.linalg.norm(path - path[0], axis=1).max())
            outcome = "stalled" if moved <= tol else "trapped"
    elif loss[-1] > loss[0] and step_norm > step_norms[: len(step_norms) // 2 + 1].max():
        outcome = "diverged"
    elif near is not None and rise > 0:
        outcome = "settling"
    elif turn is not None and turn < 0:
        outcome = "oscillating"
    else:
        outcome = "crawling"
    mark = land.landmark_near(path[-1], LANDMARK_RADIUS)
    lrs = np.array(run.lrs, dtype=np.float64)
    return Walk(land.name, name, lr, schedule, lrs, path, loss, grad, update, state, outcome, run.stopped_at,
                converged_at, mark.name if mark else None, near, near_at, rise, float(grad_norms[-1]), step_norm,
                turn, curvature, tol)


def _near_minimum(land: Landscape, path: np.ndarray, loss: np.ndarray) -> tuple[str | None, int | None, float]:
    """`Walk.near`, `Walk.near_at` and `Walk.rise` (see `Walk`)."""
    minima = [m for m in land.landmarks if m.kind == "minimum"]
    mark = min(minima, key=lambda m: float(np.linalg.norm(path[-1] - m.point)))
    (lo0, hi0), (lo1, hi1) = land.window
    close = np.linalg.norm(path - np.array(mark.point), axis=1) <= NEAR * min(hi0 - lo0, hi1 - lo1)
    if not close.any():
        return None, None, 0.0
    first = int(np.argmax(close))
    after = loss[first:]
    climbs = after - np.minimum.accumulate(after)
    # A climb of a few ulps is rounding, not a swing: SGD's losses on a bowl fall every step in exact arithmetic.
    rise = float(climbs.max())
    return mark.name, first, rise if rise > 1e-12 * (1.0 + abs(mark.loss)) else 0.0


def check_landscape(landscape: Landscape | str) -> Landscape:
    """A `Landscape` as given, or the one with that name (an unknown name is an `InputError`)."""
    return landscape if isinstance(landscape, Landscape) else get_landscape(landscape)


def check_start(land: Landscape, start: object) -> np.ndarray:
    """`start` as a float64 point (2,) inside the window, or an `InputError` that names the window."""
    (lo0, hi0), (lo1, hi1) = land.window
    try:
        point = np.array(start, dtype=np.float64)
    except (TypeError, ValueError):
        point = None
    if point is None or point.shape != (2,) or not np.isfinite(point).all() or not land.contains(point):
        raise InputError("descent.error.start", value=start, p0=land.param_names[0], lo0=lo0, hi0=hi0,
                         p1=land.param_names[1], lo1=lo1, hi1=hi1)
    return point


def check_number(value: object, key: str, low: float, high: float = math.inf, whole: bool = False) -> None:
    """Refuse anything but a finite number in [low, high] (a whole one if asked); bools are not numbers."""
    kinds = (int, np.integer) if whole else (int, float, np.integer, np.floating)
    if not (isinstance(value, kinds) and not isinstance(value, bool) and math.isfinite(value)
            and low <= value <= high):
        raise InputError(key, value=value, low=low, high=high)
