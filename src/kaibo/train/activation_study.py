"""Lesson 5's experiments with their settings, each run once per process and kept (every learner's page, and
every visit, asks for the same few): the data set, the best straight line on it, the linear network whose
layers are multiplied out, the network trained with each activation, and the gradient's way back through a
deep network at its start.

The computations themselves are in `kaibo.models.linear_collapse`, `kaibo.train.best_line`,
`kaibo.train.separability` and `kaibo.train.gradient_flow`; here they are only given their settings.
"""

from __future__ import annotations

from functools import cache, lru_cache

from kaibo.data.toy2d import Grid2D, Points2D, grid_around, make_points
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.best_line import BestLine, best_line
from kaibo.train.bias_free_network import train_on_points
from kaibo.train.gradient_flow import NONLINEAR, GradientFlow, gain_sweep, gradient_flow
from kaibo.train.separability import Fit, fit_points

ACTIVATIONS = ("none", *NONLINEAR)
N, NOISE, SEED = 200, 0.1, 0              # each data set: points, their noise, the seed that draws them
HIDDEN, STEPS, LR = (16, 16), 300, 0.03   # the trained networks: full-batch Adam
NARROW = 3                                # the linear network's width: its matrices fit on a line of the page
WIDTH = 32                                # the deep network's width


@cache
def data(shape: str) -> tuple[Points2D, Grid2D]:
    """The data set and the grid its maps are drawn on."""
    points = make_points(shape, N, NOISE, SEED)
    return points, grid_around(points.x, steps=50)


@cache
def ceiling(shape: str) -> BestLine:
    """The best any straight line does on the data set (~0.2 s)."""
    points = data(shape)[0]
    return best_line(points.x, points.y)


@cache
def linear_network(shape: str, layers: int) -> MLPClassifier:
    """`layers` Linear layers of width `NARROW` with nothing between them, trained as the others are. The
    same object is handed to every caller: read it, never train it further."""
    return train_on_points(data(shape)[0], activation="none", bias=True, hidden=(NARROW,) * (layers - 1),
                           steps=STEPS, lr=LR)


@cache
def fits(shape: str) -> dict[str, Fit]:
    """The network of `HIDDEN` trained with each activation, "none" included (~0.1 s each)."""
    points, grid = data(shape)
    return {name: fit_points(points, grid, name, HIDDEN, STEPS, LR) for name in ACTIVATIONS}


@lru_cache(maxsize=64)
def flow(shape: str, activation: str, depth: int, gain: float) -> GradientFlow:
    """One backward pass through the deep network at its start (the 64 most recent kept: a deep one holds a
    few MB)."""
    points = data(shape)[0]
    return gradient_flow(points.x, points.y, activation, depth, WIDTH, gain)


@cache
def sweep(shape: str, depth: int, gains: tuple[float, ...]) -> dict:
    """The average factor per layer back at each gain, for each non-linear activation (~0.3 s)."""
    points = data(shape)[0]
    return gain_sweep(points.x, points.y, NONLINEAR, gains, depth, WIDTH)
