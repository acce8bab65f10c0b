"""The cost of a gradient: the passes counted each way (N + 1, 2N, one forward and one backward), the three
gradients agreeing, and a measurement with every number in place. Times are never compared here."""

from __future__ import annotations

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


def test_fastest_runs_until_its_budget_is_spent() -> None:
    runs = []
    assert gradient_cost.fastest(lambda: runs.append(1), budget=0.0) >= 0 and len(runs) == 1
    gradient_cost.fastest(lambda: runs.append(1), budget=0.005)
    assert len(runs) > 2
