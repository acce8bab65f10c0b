"""What a gradient costs: finite differences against backpropagation, counted and timed on real networks.

For a loss of N parameters, a numerical gradient moves each parameter in turn and runs the network again:
N + 1 forward passes with forward differences (the unmoved loss is shared), 2N with central differences.
Backpropagation runs one forward pass, keeping what each operation needs, then one backward pass that
hands every parameter its derivative: about two to three forward passes' work, whatever N is.

`measure(hidden)` does all three on the patients' network (`kaibo.train.patients_network`) with `hidden`
units, N = 3·hidden + 1, counting the passes as they happen and timing them. Times depend on the machine
and vary from run to run; the counts do not.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor, no_grad
from kaibo.engine.gradcheck import numerical_gradient
from kaibo.train.patients_network import PatientsNetwork, make_network

WAYS = ("forward", "central", "backprop")  # forward differences, central differences, backpropagation
TIMING_BUDGET = 0.01  # seconds: a quick measurement is repeated until this is spent, and the fastest kept


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
    seconds : way → time to compute one gradient (the fastest of a few runs when a run is quick).
    one_forward : the time of one forward pass alone (the fastest of a few), for scale.
    """

    hidden: int
    n_params: int
    forward_passes: dict[str, int]
    backward_passes: dict[str, int]
    seconds: dict[str, float]
    one_forward: float

    def in_forward_passes(self, way: str) -> float:
        """The time of one gradient, in forward passes' worth of time."""
        return self.seconds[way] / self.one_forward


def fastest(run: Callable[[], object], budget: float = TIMING_BUDGET) -> float:
    """Seconds of the fastest run of `run`, repeated until `budget` seconds are spent (at least once): the
    fastest is the one least disturbed by whatever else the machine was doing."""
    best, spent = float("inf"), 0.0
    while best == float("inf") or spent < budget:  # at least once
        start = time.perf_counter()
        run()
        took = time.perf_counter() - start
        best, spent = min(best, took), spent + took
    return best


def measure(hidden: int, dtype: str = "float64") -> Cost:
    """Count and time one gradient of the patients' network with `hidden` units, each of the `WAYS`."""
    net = make_network(hidden, dtype)
    forward, backward, seconds = {}, {}, {}
    for way in WAYS:
        counters: list[CountedLoss] = []  # one per run; every run counts the same

        def run(way: str = way, counters: list[CountedLoss] = counters) -> None:
            counters.append(CountedLoss(net))
            gradient(net, way, counters[-1])

        seconds[way] = fastest(run)
        forward[way], backward[way] = counters[0].forward, counters[0].backward
    with no_grad():
        one_forward = fastest(net.loss)
    return Cost(hidden, net.num_parameters, forward, backward, seconds, one_forward)
