"""Mini-batches on the line fit of lesson 1: how noisy a gradient from part of the data is, and how a walker
that follows such gradients moves (lesson 4).

The loss of the line y ≈ w·x + b on N examples is a mean, L(p) = (1/N) Σᵢ ℓᵢ(p) with ℓᵢ = (w·xᵢ + b − yᵢ)²,
so its gradient is a mean too: ḡ = (1/N) Σᵢ gᵢ, where gᵢ = ∇ℓᵢ is example i's own gradient. A mini-batch
of B examples gives the mean ĝ_B of B of the gᵢ instead: a cheaper estimate of ḡ, right on average, off by
a random amount each time.

How far off, exactly. Let σ² = (1/N) Σᵢ ‖gᵢ − ḡ‖², the spread of the per-example gradients (the sum of the
variances of the two components, ∂/∂w and ∂/∂b: the trace of their covariance matrix). When the B examples
are drawn without replacement (no example twice in one batch), the mean squared error of the estimate is

    E‖ĝ_B − ḡ‖² = σ²/B · (N − B)/(N − 1)

(the finite-population correction of sampling theory). For B ≪ N it is ≈ σ²/B, the familiar "noise falls
as 1/B"; at B = N the batch is the whole data set and the error is exactly zero. `gradient_noise` measures
it by drawing many batches, `noise_theory` is the formula.

`sgd_walk` is the walker of lesson 1 fed by mini-batches: each epoch shuffles the examples and cuts them
into batches of B (`epoch_batches`), and every batch makes one step of the engine's SGD, so a budget of E
epochs is E·N examples seen, in about E·N/B steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kaibo.engine import Tensor
from kaibo.engine.optim import SGD
from kaibo.models.landscapes import Landscape, design_matrix, line_loss
from kaibo.train.descent import FAR, LR_RANGE, check_landscape, check_number, check_start


def epoch_batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch: the examples 0 … n − 1 in a shuffled order, cut into batches of `batch_size` (the last one
    shorter when n is not a multiple of it, as PyTorch's DataLoader does by default). Every example is in
    exactly one batch: within an epoch, examples are drawn without replacement."""
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def per_example_gradients(x: np.ndarray, y: np.ndarray, point: tuple[float, float] | np.ndarray) -> np.ndarray:
    """Each example's own gradient gᵢ of ℓᵢ = (w·xᵢ + b − yᵢ)² at point (w, b), shape (N, 2).

    By the chain rule, ∂ℓᵢ/∂w = 2rᵢ·xᵢ and ∂ℓᵢ/∂b = 2rᵢ, with rᵢ = w·xᵢ + b − yᵢ the miss on example i. Their
    mean is the engine's backpropagated gradient of `line_loss` on the same examples (a test checks it);
    written out here because the engine gives only the mean of a batch, and the noise needs each gᵢ.
    """
    w, b = np.asarray(point, dtype=np.float64)
    miss = w * np.asarray(x, dtype=np.float64) + b - np.asarray(y, dtype=np.float64)   # (N,)
    return 2.0 * miss[:, None] * design_matrix(x)                                       # (N, 1) * (N, 2)


def batch_means(gradients: np.ndarray, batches: np.ndarray) -> np.ndarray:
    """The mean gradient of each batch: gradients (N, 2), batches (draws, B) of example numbers → (draws, 2).

    Each batch's numbers are sorted first, so the sum runs in the same order whatever the draw: at B = N every
    batch is 0 … N − 1 and its mean is bit for bit the full-batch mean `batch_means(g, arange(N)[None])`."""
    return gradients[np.sort(batches, axis=1)].mean(axis=1)


def noise_theory(sigma2: float, n: int, batch_size: int | np.ndarray) -> float | np.ndarray:
    """E‖ĝ_B − ḡ‖² = σ²/B · (N − B)/(N − 1) for batches of B drawn without replacement from N examples."""
    b = np.asarray(batch_size, dtype=np.float64)
    return sigma2 / b * (n - b) / (n - 1)


@dataclass(frozen=True)
class GradientNoise:
    """Mini-batch gradients measured at one point, for several batch sizes.

    Attributes
    ----------
    point : np.ndarray, shape (2,)
        Where the gradients are taken, (w, b).
    n : int
        Number of examples N.
    full : np.ndarray, shape (2,)
        The full-batch gradient ḡ (the mean of all N per-example gradients).
    sigma2 : float
        σ² = (1/N) Σᵢ ‖gᵢ − ḡ‖²: the trace of the per-example gradients' covariance.
    batch_sizes : np.ndarray of int, shape (K,)
        The batch sizes B measured.
    measured : np.ndarray, shape (K,)
        For each B, the mean of ‖ĝ_B − ḡ‖² over the draws.
    standard_error : np.ndarray, shape (K,)
        The standard error of each measured mean (std of ‖ĝ_B − ḡ‖² over the draws / √draws): how far a
        measurement may honestly be from the formula by chance.
    theory : np.ndarray, shape (K,)
        `noise_theory` at each B.
    estimates : dict of int to np.ndarray
        For each B, the draws' batch gradients ĝ_B, shape (draws, 2).
    draws : int
        How many batches were drawn for each B.
    seed : int
        The seed of the draws.
    """

    point: np.ndarray
    n: int
    full: np.ndarray
    sigma2: float
    batch_sizes: np.ndarray
    measured: np.ndarray
    standard_error: np.ndarray
    theory: np.ndarray
    estimates: dict[int, np.ndarray] = field(repr=False)
    draws: int
    seed: int

    def at(self, batch_size: int) -> tuple[float, float]:
        """(measured, theory) at `batch_size`, which must be one of `batch_sizes`."""
        k = int(np.flatnonzero(self.batch_sizes == batch_size)[0])
        return float(self.measured[k]), float(self.theory[k])


def gradient_noise(x: np.ndarray, y: np.ndarray, point: tuple[float, float] | np.ndarray,
                   batch_sizes: tuple[int, ...], *, draws: int = 1000, seed: int = 0) -> GradientNoise:
    """Draw `draws` batches of each size without replacement and measure E‖ĝ_B − ḡ‖² at `point`.

    Each draw is one random order of the N examples (a row of `draws` independent shuffles); the batch of
    size B is its first B examples, so every B uses the same shuffles and each is a uniform draw without
    replacement. Vectorised over the draws: no Python loop over batches.
    """
    gradients = per_example_gradients(x, y, point)                             # (N, 2)
    n = len(gradients)
    sizes = np.array(sorted(set(batch_sizes)), dtype=np.int64)
    if sizes[0] < 1 or sizes[-1] > n:
        raise ValueError(f"batch sizes must lie in 1 … {n}, got {sizes.tolist()}")
    full = batch_means(gradients, np.arange(n)[None, :])[0]                    # ḡ, (2,)
    sigma2 = float(((gradients - full) ** 2).sum(axis=1).mean())
    shuffles = np.random.default_rng(seed).random((draws, n)).argsort(axis=1)  # (draws, N): random orders
    measured, error, estimates = [], [], {}
    for b in sizes.tolist():
        estimate = batch_means(gradients, shuffles[:, :b])                     # (draws, 2)
        squared = ((estimate - full) ** 2).sum(axis=1)                         # ‖ĝ_B − ḡ‖², (draws,)
        measured.append(float(squared.mean()))
        error.append(float(squared.std() / math.sqrt(draws)))
        estimates[b] = estimate
    return GradientNoise(np.asarray(point, dtype=np.float64), n, full, sigma2, sizes, np.array(measured),
                         np.array(error), noise_theory(sigma2, n, sizes), estimates, draws, seed)


@dataclass(frozen=True)
class BatchWalk:
    """The path of mini-batch SGD on the line fit, for a budget of examples.

    Attributes
    ----------
    batch_size, lr, epochs, seed : the settings (the seed of the shuffles).
    path : np.ndarray, shape (steps + 1, 2)
        The points visited; ``path[0]`` is the start.
    seen : np.ndarray of int, shape (steps + 1,)
        Examples seen when each point was reached (0 at the start, N·epochs at the end of a full run).
    loss : np.ndarray, shape (steps + 1,)
        The loss on all N examples at each point (what the walker is really trying to lower; it sees only
        its batch's loss).
    stopped_at : int or None
        The step (from 1) that threw the walker more than `FAR` window widths away, or made a non-finite
        number: the walk stops before it. None when it ran its whole budget.
    """

    batch_size: int
    lr: float
    epochs: int
    seed: int
    path: np.ndarray
    seen: np.ndarray
    loss: np.ndarray
    stopped_at: int | None

    @property
    def steps(self) -> int:
        return len(self.path) - 1

    def progress(self, lowest: float) -> float:
        """How far down the walk got: (L_start − L_end)/(L_start − `lowest`), 1 at the lowest loss there is,
        0 where it started, negative if it ended higher. The loss is on all N examples."""
        return float((self.loss[0] - self.loss[-1]) / (self.loss[0] - lowest))


def sgd_walk(landscape: Landscape | str, x: np.ndarray, y: np.ndarray, start: tuple[float, float],
             batch_size: int, lr: float, epochs: int, *, seed: int = 0) -> BatchWalk:
    """Mini-batch SGD on the line fit of (x, y): `epochs` passes over the data in batches of `batch_size`.

    Each step is the engine's: the batch's loss (`line_loss` on its rows), its backward pass, and
    `SGD.step` (p ← p − η·ĝ_B). `landscape` is the line fit of the same data (`get_landscape("line")`): it
    gives the window the walk must stay near and the loss on all examples at each point.
    """
    land = check_landscape(landscape)
    point = check_start(land, start)
    n = len(x)
    check_number(batch_size, "minibatch.error.batch_size", 1, n, whole=True)
    check_number(lr, "descent.error.lr", *LR_RANGE)
    check_number(epochs, "minibatch.error.epochs", 1, 100, whole=True)
    design, target = design_matrix(x), np.asarray(y, dtype=np.float64)
    p = Tensor(point.copy(), requires_grad=True)
    opt = SGD([p], lr=float(lr))
    rng = np.random.default_rng(seed)
    (lo0, hi0), (lo1, hi1) = land.window
    centre, reach = np.array([(lo0 + hi0) / 2, (lo1 + hi1) / 2]), FAR * np.array([hi0 - lo0, hi1 - lo1])
    path, seen, stopped_at = [point.copy()], [0], None
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            for batch in epoch_batches(n, batch_size, rng):
                opt.zero_grad()
                line_loss(Tensor(design[batch]), Tensor(target[batch]), p).backward()
                opt.step()
                if not (np.isfinite(p.data).all() and (np.abs(p.data - centre) <= reach).all()):
                    stopped_at = len(path)
                    break
                path.append(p.data.copy())
                seen.append(seen[-1] + len(batch))
            if stopped_at is not None:
                break
    points = np.array(path)
    return BatchWalk(int(batch_size), float(lr), int(epochs), seed, points, np.array(seen),
                     land.grid_loss(points[:, 0], points[:, 1]), stopped_at)
