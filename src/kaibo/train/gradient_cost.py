"""What a gradient costs: finite differences against backpropagation, counted and timed on real networks.

For a loss of N parameters, a numerical gradient moves each parameter in turn and runs the network again:
N + 1 forward passes with forward differences (the unmoved loss is shared), 2N with central differences.
Backpropagation runs one forward pass, keeping what each operation needs, then one backward pass that
hands every parameter its derivative: about two to three forward passes' worth of arithmetic, whatever N is
(the time also holds a fixed cost per operation called, which weighs more in a small network).

`measure(hidden)` does all three on the patients' network (`kaibo.train.patients_network`) with `hidden`
units, N = 3·hidden + 1, counting the passes as they happen and timing them. Times depend on the machine
and vary from run to run; the counts do not. Every time is the fastest of several runs (`fastest`), the
three ways taking turns, so that a moment when the machine is busy slows one run of each, not one way.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from kaibo.engine import Tensor, no_grad
from kaibo.engine.gradcheck import numerical_gradient
from kaibo.train.patients_network import PatientsNetwork, make_network

WAYS = ("forward", "central", "backprop")  # forward differences, central differences, backpropagation
ROUNDS = 3  # every way is timed at least this many times, in turns, and its fastest run kept
TIMING_BUDGET = 0.002  # seconds: within a round, a quick run is repeated until this is spent


class CountedLoss:
    """The network's loss, counting the forward passes that compute it and the backward passes from it."""

    def __init__(self, net: PatientsNetwork) -> None:
        self.net = net
        self.forward = self.backward = 0

    def __call__(self) -> Tensor:
        self.forward += 1
        return self.net.loss()

    def backpropagate(self) -> None:
        """One forward pass, then one backward pass: every parameter's `.grad` filled."""
        for p in self.net.params.values():
            p.grad = None
        loss = self()
        self.backward += 1
        loss.backward()


def gradient(net: PatientsNetwork, way: str, counter: CountedLoss | None = None) -> list[np.ndarray]:
    """The gradient of the network's loss with respect to each parameter, computed one of the `WAYS`."""
    counter = counter or CountedLoss(net)
    if way == "backprop":
        counter.backpropagate()
        return [p.grad.data for p in net.params.values()]
    with no_grad():  # a numerical gradient needs only the loss's value: no graph is recorded
        return numerical_gradient(lambda: counter().data[()], *(p.data for p in net.params.values()), method=way)


@dataclass(frozen=True)
class Cost:
    """What one gradient of the network cost, each of the `WAYS`.

    Attributes
    ----------
    hidden, n_params : the network's width H and its N = 3H + 1 parameters.
    forward_passes, backward_passes : way → passes counted while computing one gradient.
    seconds : way → time to compute one gradient: the fastest of `runs[way]` runs.
    one_forward : the time of one forward pass alone (the fastest of `runs["one_forward"]`), for scale.
    runs : way (and "one_forward") → how many runs were timed, at least `ROUNDS`.
    measured_at : when the measurement ended (seconds since the epoch, as `time.time`).
    """

    hidden: int
    n_params: int
    forward_passes: dict[str, int]
    backward_passes: dict[str, int]
    seconds: dict[str, float]
    one_forward: float
    runs: dict[str, int]
    measured_at: float

    def in_forward_passes(self, way: str) -> float:
        """The time of one gradient, in forward passes' worth of time."""
        return self.seconds[way] / self.one_forward


def fastest(run: Callable[[], object], budget: float = TIMING_BUDGET) -> tuple[float, int]:
    """Seconds of the fastest run of `run`, and how many runs were timed: once, and again while `budget`
    seconds are not spent (`measure` repeats this in rounds, so even a slow run is timed several times).

    Why the fastest, not the mean or the median: whatever else the machine is doing (another program, the
    browser drawing the page) can only make a run slower, never faster. The fastest run is the one least
    disturbed, the nearest to what the computation itself costs; a mean keeps every disturbance, and a
    median still does when most runs were disturbed.
    """
    best, spent, runs = float("inf"), 0.0, 0
    while runs == 0 or spent < budget:
        start = time.perf_counter()
        run()
        took = time.perf_counter() - start
        best, spent, runs = min(best, took), spent + took, runs + 1
    return best, runs


def measure(hidden: int, dtype: str = "float64", rounds: int = ROUNDS) -> Cost:
    """Count and time one gradient of the patients' network with `hidden` units, each of the `WAYS`, and one
    forward pass alone: `rounds` rounds in which each is timed in turn (`fastest` within a round), and the
    fastest run of all the rounds kept."""
    net = make_network(hidden, dtype)
    counters: dict[str, list[CountedLoss]] = {way: [] for way in WAYS}  # one per run; every run counts the same

    def one_gradient(way: str) -> None:
        counters[way].append(CountedLoss(net))
        gradient(net, way, counters[way][-1])

    def one_forward() -> None:
        with no_grad():
            net.loss()

    runs = {way: partial(one_gradient, way) for way in WAYS} | {"one_forward": one_forward}
    seconds, counts = dict.fromkeys(runs, float("inf")), dict.fromkeys(runs, 0)
    for _ in range(rounds):
        for name, run in runs.items():
            took, n = fastest(run)
            seconds[name], counts[name] = min(seconds[name], took), counts[name] + n
    return Cost(hidden, net.num_parameters, {way: counters[way][0].forward for way in WAYS},
                {way: counters[way][0].backward for way in WAYS}, {way: seconds[way] for way in WAYS},
                seconds["one_forward"], counts, time.time())


def growth(costs: Sequence[Cost], way: str) -> float:
    """How fast one gradient's time grew with N between the two largest networks measured: the slope of
    log(time) against log(N), 1 when the time is proportional to N, 2 when to N²."""
    small, large = sorted(costs, key=lambda c: c.n_params)[-2:]
    return math.log(large.seconds[way] / small.seconds[way]) / math.log(large.n_params / small.n_params)
