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
    land = _check_landscape(landscape)
    start = _check_start(land, start)
    if optimizer not in OPTIMIZERS:
        raise InputError("descent.error.optimizer", name=optimizer, choices=", ".join(OPTIMIZERS))
    _check_number(lr, "descent.error.lr", *LR_RANGE)
    _check_number(steps, "descent.error.steps", 1, MAX_STEPS, whole=True)
    _check_number(tol, "descent.error.tol", math.ulp(0.0))
    if schedule not in SCHEDULES:
        raise InputError("descent.error.schedule", name=schedule, choices=", ".join(SCHEDULES))
    run = _run(land, start, optimizer, float(lr), int(steps), schedule)
    return _classify(land, optimizer, float(lr), schedule, run, float(tol))


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
    land = _check_landscape(landscape)
    start = _check_start(land, start)
    _check_number(lr, "descent.error.lr", *LR_RANGE)
    _check_number(max_steps, "descent.error.steps", 1, MAX_STEPS, whole=True)
    _check_number(radius, "descent.error.radius", math.ulp(0.0))
    saddle = np.array(land.landmark("saddle").point)
    distance = float(np.linalg.norm(start - saddle))
    if distance > radius:
        raise InputError("descent.error.escape_start", radius=radius, distance=f"{distance:.3g}",
                         s0=saddle[0], s1=saddle[1])
    counts: dict[str, int | None] = {}
    for name in OPTIMIZERS:
        run = _run(land, start, name, float(lr), int(max_steps), "constant",
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
    land = _check_landscape(landscape)
    where = land.landmarks[0].point if point is None else _check_start(land, point)
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


@dataclass
class _Run:
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


def _run(land: Landscape, start: np.ndarray, name: str, lr: float, steps: int, schedule: str,
         until=None) -> _Run:
    """The loop itself: backward, record, step; stop when the walker leaves the bounds or `until` holds."""
    p = Tensor(start.copy(), requires_grad=True)          # float64: float32 would blur the small steps
    opt = _optimizer(name, p, lr)
    scheduler = LambdaLR(opt, cosine_with_warmup(0, steps)) if schedule == "cosine" else None
    run = _Run([], [], [], [], [], [])
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


def _classify(land: Landscape, name: str, lr: float, schedule: str, run: _Run, tol: float) -> Walk:
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


def _check_landscape(landscape: Landscape | str) -> Landscape:
    return landscape if isinstance(landscape, Landscape) else get_landscape(landscape)


def _check_start(land: Landscape, start: object) -> np.ndarray:
    (lo0, hi0), (lo1, hi1) = land.window
    try:
        point = np.array(start, dtype=np.float64)
    except (TypeError, ValueError):
        point = None
    if point is None or point.shape != (2,) or not np.isfinite(point).all() or not land.contains(point):
        raise InputError("descent.error.start", value=start, p0=land.param_names[0], lo0=lo0, hi0=hi0,
                         p1=land.param_names[1], lo1=lo1, hi1=hi1)
    return point


def _check_number(value: object, key: str, low: float, high: float = math.inf, whole: bool = False) -> None:
    """Refuse anything but a finite number in [low, high] (a whole one if asked); bools are not numbers."""
    kinds = (int, np.integer) if whole else (int, float, np.integer, np.floating)
    if not (isinstance(value, kinds) and not isinstance(value, bool) and math.isfinite(value)
            and low <= value <= high):
        raise InputError(key, value=value, low=low, high=high)
