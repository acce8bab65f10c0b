"""The cost of a gradient: the passes counted each way (N + 1, 2N, one forward and one backward), the three
gradients agreeing, a measurement with every number in place, every time the fastest of several runs taken in
turns, and the growth of time with N. Real times are never compared here (they depend on the machine)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from kaibo.train import gradient_cost
from kaibo.train.patients_network import make_network


@pytest.mark.parametrize("hidden", [1, 4, 10])
def test_passes_counted_each_way(hidden: int) -> None:
    cost = gradient_cost.measure(hidden)
    n = 3 * hidden + 1
    assert (cost.hidden, cost.n_params) == (hidden, n)
    assert cost.forward_passes == {"forward": n + 1, "central": 2 * n, "backprop": 1}
    assert cost.backward_passes == {"forward": 0, "central": 0, "backprop": 1}
    assert set(cost.seconds) == set(gradient_cost.WAYS) and min(cost.seconds.values()) > 0 < cost.one_forward
    assert cost.in_forward_passes("central") == cost.seconds["central"] / cost.one_forward
    assert set(cost.runs) == {*gradient_cost.WAYS, "one_forward"} and min(cost.runs.values()) >= gradient_cost.ROUNDS


@pytest.mark.parametrize(("way", "rtol"), [("forward", 1e-4), ("central", 1e-7)])
def test_the_three_gradients_agree(way: str, rtol: float) -> None:
    net = make_network(6)
    backprop = [g.copy() for g in gradient_cost.gradient(net, "backprop")]
    for numeric, exact in zip(gradient_cost.gradient(net, way), backprop, strict=True):
        np.testing.assert_allclose(numeric, exact, rtol=rtol, atol=1e-9)


def test_a_counter_counts_what_it_is_asked() -> None:
    counter = gradient_cost.CountedLoss(make_network(2))
    counter()
    counter.backpropagate()
    assert (counter.forward, counter.backward) == (2, 1)
    assert all(p.grad is not None for p in counter.net.params.values())


def test_fastest_keeps_the_fastest_of_the_runs_its_budget_allows() -> None:
    # Runs of 30, 5 and 20 ms (a busy machine slowed the first and the last): the 5 ms one is kept.
    durations = iter([0.03, 0.005, 0.02])
    seconds, runs = gradient_cost.fastest(lambda: time.sleep(next(durations)), budget=0.05)
    assert runs == 3 and 0.005 <= seconds < 0.02
    assert gradient_cost.fastest(lambda: None, budget=0.0)[1] == 1  # no budget: once


def test_measure_times_every_way_in_rounds_and_keeps_the_fastest(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stand-in for `fastest`, whose rounds take turns: (round, what was timed) → seconds and runs.
    timed = []
    round_times = {0: 5.0, 1: 2.0, 2: 3.0, 3: 9.0}

    def scripted(run, budget=gradient_cost.TIMING_BUDGET):
        run()
        timed.append(run)
        return round_times[(len(timed) - 1) // 4] + len(timed) / 100, 2

    monkeypatch.setattr(gradient_cost, "fastest", scripted)
    cost = gradient_cost.measure(2, rounds=4)
    assert len(timed) == 4 * 4 and timed[:4] == timed[4:8]  # the ways and the lone forward pass, in turns
    assert cost.runs == {"forward": 8, "central": 8, "backprop": 8, "one_forward": 8}
    assert cost.seconds == {"forward": 2.05, "central": 2.06, "backprop": 2.07} and cost.one_forward == 2.08
    assert cost.forward_passes == {"forward": 8, "central": 14, "backprop": 1}  # each run counted the same


@pytest.mark.parametrize(("times", "slope"), [((1.0, 2.0, 4.0), 1.0), ((1.0, 2.0, 8.0), 2.0), ((5.0, 3.0, 3.0), 0.0)])
def test_growth_is_the_slope_between_the_two_largest(times: tuple[float, ...], slope: float) -> None:
    costs = [gradient_cost.Cost(h, n, {}, {}, {"central": t}, 1.0, {}, 0.0)
             for h, n, t in zip((1, 2, 4), (10, 20, 40), times, strict=True)]
    assert gradient_cost.growth(costs[::-1], "central") == pytest.approx(slope)
