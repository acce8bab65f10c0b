"""Small two-dimensional data sets with two classes, generated on the spot (nothing to download).

Each is a cloud of points (x₁, x₂) with a label 0 or 1, drawn so that the shape of the border between the
classes is what a lesson is about:

- ``blobs``   two round clouds: one straight line separates them.
- ``xor``     four clouds at the corners, opposite corners in the same class: no straight line can.
- ``circles`` one class inside a ring of the other.
- ``moons``   two interleaved half-moons.
- ``spirals`` two arms winding round each other: hard even for a curved border.

All are centred on the origin and fill roughly [-1.5, 1.5]²; `shift` moves the whole cloud, which is what
lesson 6 (the bias) needs: a border that no longer passes through (0, 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHAPES = ("blobs", "xor", "circles", "moons", "spirals")


@dataclass(frozen=True)
class Points2D:
    """Points `x` (n, 2) float32 with labels `y` (n,) int64 in {0, 1}."""

    x: np.ndarray
    y: np.ndarray
    name: str

    def __len__(self) -> int:
        return len(self.y)

    def split(self, test_fraction: float = 0.3, seed: int = 0) -> tuple[Points2D, Points2D]:
        """A random train / test split (the test set is never trained on: it shows over-fitting)."""
        order = np.random.default_rng(seed).permutation(len(self))
        cut = len(self) - int(round(test_fraction * len(self)))
        train, test = order[:cut], order[cut:]
        return (Points2D(self.x[train], self.y[train], self.name),
                Points2D(self.x[test], self.y[test], self.name))


def _blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(n) % 2
    centres = np.where(y[:, None] == 1, [0.8, 0.8], [-0.8, -0.8])
    return centres + 0.35 * rng.standard_normal((n, 2)), y


def _xor(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    corner = rng.integers(0, 2, (n, 2)) * 2 - 1                     # (±1, ±1)
    y = (corner[:, 0] != corner[:, 1]).astype(int)                  # class 1 where the signs differ
    return 0.8 * corner + 0.3 * rng.standard_normal((n, 2)), y


def _circles(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(n) % 2
    radius = np.where(y == 1, 0.5, 1.3)                             # class 1 inside, class 0 on the ring
    angle = rng.uniform(0, 2 * np.pi, n)
    return radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1), y


def _moons(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(n) % 2
    angle = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    lower = np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1)
    points = np.where(y[:, None] == 0, upper, lower) - [0.5, 0.25]  # centred on the origin
    return points, y


def _spirals(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    y = np.arange(n) % 2
    t = np.sqrt(rng.uniform(0.02, 1, n))                            # more points towards the outside
    angle = 3 * np.pi * t + np.pi * y                               # the second arm turned by half a turn
    return 1.4 * t[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1), y


_MAKERS = {"blobs": _blobs, "xor": _xor, "circles": _circles, "moons": _moons, "spirals": _spirals}


def make_points(shape: str, n: int = 200, noise: float = 0.1, seed: int = 0,
                shift: tuple[float, float] = (0.0, 0.0)) -> Points2D:
    """`n` points of the named shape (one of `SHAPES`), half in each class, with Gaussian `noise` added to
    every coordinate and the whole cloud moved by `shift`. The same arguments give the same points."""
    if shape not in _MAKERS:
        raise ValueError(f"shape must be one of {SHAPES}, not {shape!r}")
    if n < 2 or noise < 0:
        raise ValueError(f"need n ≥ 2 and noise ≥ 0, got n={n}, noise={noise}")
    rng = np.random.default_rng(seed)
    x, y = _MAKERS[shape](n, rng)
    x = x + noise * rng.standard_normal(x.shape) + np.asarray(shift)
    return Points2D(x.astype(np.float32), y.astype(np.int64), shape)


@dataclass(frozen=True)
class Grid2D:
    """A regular grid over a rectangle of the plane, for drawing what a model says everywhere."""

    xs: np.ndarray      # (steps,) the x₁ of each column
    ys: np.ndarray      # (steps,) the x₂ of each row

    @property
    def points(self) -> np.ndarray:
        """Every grid point (steps², 2), row by row (x₂ = ys[0] first), float32 as the models expect."""
        x1, x2 = np.meshgrid(self.xs, self.ys)
        return np.stack([x1.ravel(), x2.ravel()], axis=1).astype(np.float32)

    def as_image(self, values: np.ndarray) -> np.ndarray:
        """One value per grid point, back into an image (len(ys), len(xs))."""
        return np.asarray(values).reshape(len(self.ys), len(self.xs))


def grid_around(x: np.ndarray, steps: int = 60, margin: float = 0.3,
                include_origin: bool = False) -> Grid2D:
    """A square-celled grid covering every point of `x` (n, 2) with `margin` to spare on each side (and the
    origin too, if asked: lesson 6 shows where the borders pass). `steps` points along the longer side."""
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    if include_origin:
        lo, hi = np.minimum(lo, -margin), np.maximum(hi, margin)
    cell = float((hi - lo).max()) / (steps - 1)
    counts = np.maximum(2, np.round((hi - lo) / cell).astype(int) + 1)
    return Grid2D(lo[0] + cell * np.arange(counts[0]), lo[1] + cell * np.arange(counts[1]))
