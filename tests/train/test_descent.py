"""The walker: the three rate regimes, the recorded rules, saddles and local minima, and bad inputs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from kaibo.errors import InputError
from kaibo.i18n import LANGUAGES, catalogue
from kaibo.models import get_landscape
from kaibo.train import descent, descent_measures
from kaibo.train.descent import BETAS, EPS, MOMENTUM, OPTIMIZERS, OUTCOMES, walk
from kaibo.train.descent_measures import saddle_escape_steps

LINE, HILLS = get_landscape("line"), get_landscape("hills")
SADDLE = HILLS.landmark("saddle").point


@pytest.mark.parametrize(("land", "start", "optimizer", "lr", "steps", "outcome"), [
    # too small a rate crawls, a good one converges, too large a one diverges
    (LINE, (-1.0, 3.0), "sgd", 1e-4, 200, "crawling"),
    (LINE, (-1.0, 3.0), "sgd", 0.1, 200, "converged"),
    (LINE, (-1.0, 3.0), "sgd", 0.8, 50, "oscillating"),     # just under 2/λmax ≈ 0.825: zig-zags
    (LINE, (-1.0, 3.0), "sgd", 0.85, 30, "diverged"),       # just over: growing, not yet out of bounds
    (LINE, (-1.0, 3.0), "sgd", 10.0, 200, "diverged"),
    (LINE, (2.0, 0.0), "momentum", 1e-4, 200, "crawling"),
    (LINE, (2.0, 0.0), "momentum", 0.1, 300, "converged"),
    (LINE, (2.0, 0.0), "momentum", 3.0, 200, "diverged"),
    (LINE, (2.0, 0.0), "adam", 1e-4, 200, "crawling"),
    (LINE, (2.0, 0.0), "adam", 0.1, 300, "converged"),
    (HILLS, (2.5, -0.5), "sgd", 1e-4, 200, "crawling"),
    (HILLS, (2.5, -0.5), "sgd", 0.1, 200, "converged"),
    (HILLS, (2.5, -0.5), "sgd", 1.0, 200, "diverged"),
    (HILLS, (2.5, -0.5), "momentum", 0.01, 300, "converged"),
    (HILLS, (2.5, -0.5), "momentum", 1.0, 200, "diverged"),
    (HILLS, (2.5, -0.5), "adam", 0.1, 300, "converged"),
    (HILLS, (0.01, 0.3), "sgd", 0.01, 100, "crawling"),     # lingering near the saddle
    # momentum and Adam reach the minimum's neighbourhood, pass the bottom and swing back (the lesson's
    # defaults: line from (−1, 3), hills from (−1.5, 2), lr 0.1, 50 steps)
    (LINE, (-1.0, 3.0), "momentum", 0.1, 50, "settling"),
    (LINE, (-1.0, 3.0), "adam", 0.1, 50, "settling"),
    (HILLS, (-1.5, 2.0), "momentum", 0.1, 50, "settling"),
    (HILLS, (-1.5, 2.0), "adam", 0.1, 50, "settling"),
    (LINE, (2.0, 0.0), "momentum", 0.3, 50, "settling"),
    # SGD near the bottom keeps its outcomes: going straight down (crawling), zig-zagging (oscillating)
    (LINE, (-1.0, 3.0), "sgd", 0.1, 20, "crawling"),
    (HILLS, (-1.5, 2.0), "sgd", 0.05, 50, "crawling"),
    (LINE, (-1.0, 3.0), "sgd", 0.8, 20, "oscillating"),
])
def test_rate_regimes(land, start, optimizer, lr, steps, outcome) -> None:
    result = walk(land, start, optimizer, lr, steps)
    assert result.outcome == outcome
    if optimizer == "sgd":       # on these bowls SGD's loss only goes down: it never climbs back
        assert result.rise == 0.0
    if outcome == "settling":
        assert result.near is not None and result.rise > 0 and result.grad_norm > result.tol
    if outcome == "converged":
        mark = land.landmark_near(result.path[-1], 0.01)
        assert mark is not None and mark.kind == "minimum"
        assert result.converged_at is not None and result.converged_at <= steps
        assert result.grad_norm <= result.tol and min(result.curvature) > 0
    if outcome == "diverged":
        assert result.loss[-1] > result.loss[0]
    if outcome == "oscillating":
        assert result.turn < 0


@pytest.mark.parametrize(("land", "start", "optimizer", "lr", "steps", "near", "near_at"), [
    (LINE, (-1.0, 3.0), "sgd", 0.01, 50, None, None),          # far from the bottom: a larger rate would help
    (LINE, (-1.0, 3.0), "sgd", 0.1, 20, "minimum", 13),        # nearly there, straight down
    (LINE, (-1.0, 3.0), "momentum", 0.1, 50, "minimum", 4),    # momentum gets close after 4 steps, then swings
    (HILLS, (-1.5, 2.0), "adam", 0.1, 50, "local_minimum", 16),
    (HILLS, (0.01, 0.3), "sgd", 0.01, 100, None, None),        # still by the saddle
    (LINE, (-1.0, 3.0), "sgd", 10.0, 50, None, None),          # diverged
])
def test_near_names_the_minimum_whose_neighbourhood_the_walk_reached(land, start, optimizer, lr, steps, near,
                                                                     near_at) -> None:
    result = walk(land, start, optimizer, lr, steps)
    assert (result.near, result.near_at) == (near, near_at)
    if near is not None:
        (lo0, hi0), (lo1, hi1) = land.window
        radius = descent.NEAR * min(hi0 - lo0, hi1 - lo1)
        distance = np.linalg.norm(result.path - land.landmark(near).point, axis=1)
        assert distance[near_at] <= radius and (distance[:near_at] > radius).all()


SETTLING = [(LINE, (-1.0, 3.0), "momentum", 0.1, 50), (LINE, (-1.0, 3.0), "adam", 0.1, 50),
            (HILLS, (-1.5, 2.0), "momentum", 0.1, 50), (HILLS, (-1.5, 2.0), "adam", 0.1, 50)]


@pytest.mark.parametrize(("land", "start", "optimizer", "lr", "steps"), SETTLING)
def test_a_settling_walk_needs_more_steps_not_a_larger_rate(land, start, optimizer, lr, steps) -> None:
    # What the page tells a learner whose walk is settling, checked: a larger rate does not settle it ...
    assert walk(land, start, optimizer, lr, steps).outcome == "settling"
    for larger in (2 * lr, 4 * lr):
        assert walk(land, start, optimizer, larger, steps).outcome in ("settling", "diverged")
    # ... more steps do: from n on, every walk ends converged, and n − 1 does not.
    n = descent_measures.steps_to_converge(land, start, optimizer, lr)
    assert n is not None and steps < n <= 300
    assert walk(land, start, optimizer, lr, n - 1).outcome != "converged"
    assert all(walk(land, start, optimizer, lr, m).outcome == "converged" for m in (n, n + 1, n + 7, 300))


def test_stable_rate_is_where_sgd_starts_to_diverge_on_the_line() -> None:
    limit = descent_measures.stable_rate(LINE)
    assert limit == pytest.approx(0.825, abs=5e-3)
    assert walk(LINE, (-1.0, 3.0), "sgd", 0.99 * limit, 300).outcome in ("converged", "oscillating")
    assert walk(LINE, (-1.0, 3.0), "sgd", 1.01 * limit, 300).outcome == "diverged"


def test_steps_to_converge() -> None:
    assert descent_measures.steps_to_converge(LINE, (-1.0, 3.0), "sgd", 0.1) == 41    # measured in its docstring
    assert descent_measures.steps_to_converge(LINE, (-1.0, 3.0), "momentum", 0.1) == 105
    assert descent_measures.steps_to_converge(LINE, (-1.0, 3.0), "sgd", 0.001) is None  # too slow for 300 steps
    assert descent_measures.steps_to_converge(HILLS, SADDLE, "sgd", 0.1) is None       # stalls on the saddle
    assert descent_measures.steps_to_converge(HILLS, HILLS.landmark("global_minimum").point, "sgd", 0.1) == 1


def test_a_diverging_walk_stops_cleanly_and_says_where() -> None:
    result = walk(LINE, (-1.0, 3.0), "sgd", 10.0, 200)
    assert result.stopped_at == len(result.path) == len(result.update) + 1
    assert result.stopped_at < 10
    assert np.isfinite(result.path).all() and np.isfinite(result.loss).all()


@pytest.mark.parametrize("name", ["line", "hills"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_rate_and_start_the_lesson_offers_gives_a_finite_result(name, optimizer) -> None:
    land = get_landscape(name)
    (lo0, hi0), (lo1, hi1) = land.window
    starts = [(lo0, lo1), (lo0, hi1), (hi0, lo1), (hi0, hi1), ((lo0 + hi0) / 2, (lo1 + hi1) / 2)]
    for lr in np.logspace(-4, 1, 11):
        for start in starts:
            result = walk(land, start, optimizer, float(lr), 60)
            assert result.outcome in OUTCOMES
            for values in (result.path, result.loss, result.grad, result.update, *result.state.values()):
                assert np.isfinite(values).all()
            assert len(result.path) == len(result.loss) == len(result.grad) == result.steps + 1


def test_sgd_moves_by_minus_lr_times_the_gradient() -> None:
    lr = 0.05
    result = walk(HILLS, (-1.7, 2.2), "sgd", lr, 40)
    # Bitwise: the engine computes w − η·g, and that is what the page prints.
    assert (result.path[1:] == result.path[:-1] - lr * result.grad[:-1]).all()
    np.testing.assert_allclose(result.update, -lr * result.grad[:-1], rtol=1e-12, atol=1e-15)
    numbers = result.rule(3)
    assert (numbers["after"] == numbers["before"] - numbers["lr"] * numbers["grad"]).all()
    for i in (0, 17, 39):    # the recorded gradient is the landscape's gradient at the recorded point
        np.testing.assert_array_equal(result.grad[i], HILLS.value_and_grad(result.path[i])[1])


def test_momentum_records_the_velocity_it_stepped_with() -> None:
    lr = 0.02
    result = walk(HILLS, (-1.7, 2.2), "momentum", lr, 40)
    velocity = result.state["velocity"]
    assert (result.path[1:] == result.path[:-1] - lr * velocity).all()
    np.testing.assert_array_equal(velocity[0], result.grad[0])
    np.testing.assert_allclose(velocity[1:], MOMENTUM * velocity[:-1] + result.grad[1:-1], rtol=1e-12)
    assert result.rule(5)["momentum"] == MOMENTUM


def test_adam_records_the_moments_it_stepped_with() -> None:
    lr = 0.05
    result = walk(HILLS, (-1.7, 2.2), "adam", lr, 40)
    m, v, m_hat, v_hat = (result.state[key] for key in ("m", "v", "m_hat", "v_hat"))
    g = result.grad[:-1]
    (b1, b2), t = BETAS, np.arange(1, 41)[:, None]
    np.testing.assert_allclose(m, (1 - b1) * np.array([sum(b1 ** (i - j) * g[j] for j in range(i + 1))
                                                       for i in range(40)]), rtol=1e-12)
    np.testing.assert_allclose(v[1:], b2 * v[:-1] + (1 - b2) * g[1:] ** 2, rtol=1e-12)
    np.testing.assert_allclose(m_hat, m / (1 - b1 ** t), rtol=1e-12)
    np.testing.assert_allclose(v_hat, v / (1 - b2 ** t), rtol=1e-12)
    np.testing.assert_allclose(result.update, -lr * m_hat / (np.sqrt(v_hat) + EPS), rtol=1e-10)
    assert result.rule(0)["t"] == 1


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("lr", [1e-3, 0.1, 5.0])
def test_exactly_on_the_saddle_every_optimizer_stalls(optimizer, lr) -> None:
    result = walk(HILLS, SADDLE, optimizer, lr, 50)
    assert result.outcome == "stalled"
    assert (result.grad == 0).all() and (result.update == 0).all() and (result.path == SADDLE).all()
    assert result.end_landmark == "saddle" and result.curvature[0] < 0 < result.curvature[1]


@pytest.mark.parametrize(("start", "optimizer", "lr", "steps"), [
    ((0.0, 0.3), "sgd", 0.1, 50),         # the page's preset: slides down w₂ onto the pass
    ((0.0, 2.0), "sgd", 0.1, 50),
    ((0.0, -0.5), "sgd", 0.1, 50),        # from below, just the same
    ((0.0, 0.3), "adam", 0.1, 50),
    ((0.0, 0.3), "momentum", 0.01, 300),
])
def test_with_w1_exactly_zero_the_walker_slides_into_the_saddle(start, optimizer, lr, steps) -> None:
    result = walk(HILLS, start, optimizer, lr, steps)
    assert result.outcome == "trapped"
    # Nothing ever pushes it sideways: ∂L/∂w₁ = 0 at every point of the line w₁ = 0, so w₁ never changes.
    assert (result.grad[:, 0] == 0).all() and (result.path[:, 0] == 0).all()
    assert np.linalg.norm(result.path[-1] - SADDLE) <= result.tol and result.curvature[0] < 0
    assert np.linalg.norm(result.path[0] - result.path[-1]) > result.tol   # it did move: down along w₂


def test_a_hair_off_the_line_the_walker_rolls_off_the_pass() -> None:
    result = walk(HILLS, (0.01, 0.3), "sgd", 0.1, 100)
    assert (result.outcome, result.end_landmark) == ("converged", "global_minimum")


def test_a_start_on_the_minimum_has_converged_at_step_zero() -> None:
    result = walk(HILLS, HILLS.landmark("global_minimum").point, "sgd", 0.1, 20)
    assert (result.outcome, result.converged_at, result.end_landmark) == ("converged", 0, "global_minimum")


@pytest.mark.parametrize(("start", "lr"), [((0.01, 0.3), 0.01), ((0.01, 0.3), 0.05), ((-0.01, 0.2), 0.03)])
def test_near_the_saddle_sgd_lingers_longer_than_momentum_and_adam(start, lr) -> None:
    counts = saddle_escape_steps(HILLS, start, lr, radius=0.5)
    # Measured (see saddle_escape_steps): e.g. from (0.01, 0.3) at lr 0.01: SGD 183, momentum 41, Adam 43.
    assert counts["sgd"] > 2 * counts["momentum"] and counts["sgd"] > 2 * counts["adam"]
    # The count is the first step that ends outside the neighbourhood, checked on an ordinary walk.
    for optimizer, n in counts.items():
        path = walk(HILLS, start, optimizer, lr, n).path
        distance = np.linalg.norm(path - SADDLE, axis=1)
        assert distance[n] > 0.5 and (distance[:n] <= 0.5).all()


@pytest.mark.parametrize(("counts", "verdict"), [
    ({"sgd": 183, "momentum": 41, "adam": 43}, {"momentum": "sooner", "adam": "sooner"}),
    ({"sgd": 4, "momentum": 4, "adam": 1}, {"momentum": "same", "adam": "sooner"}),
    ({"sgd": 2, "momentum": 3, "adam": 1}, {"momentum": "later", "adam": "sooner"}),
    ({"sgd": 1, "momentum": 1, "adam": 1}, {"momentum": "same", "adam": "same"}),
    ({"sgd": None, "momentum": 5, "adam": None}, {"momentum": "sooner", "adam": "same"}),
    ({"sgd": 7, "momentum": None, "adam": 7}, {"momentum": "later", "adam": "same"}),
])
def test_compare_escapes(counts, verdict) -> None:
    assert descent_measures.compare_escapes(counts) == verdict


@pytest.mark.parametrize(("lr", "counts"), [
    (1.0, {"sgd": 4, "momentum": 4, "adam": 1}),     # SGD and momentum tie
    (1.3, {"sgd": 2, "momentum": 3, "adam": 1}),     # momentum is the slowest
    (3.2, {"sgd": 1, "momentum": 1, "adam": 1}),     # one step is longer than the neighbourhood
])
def test_at_large_rates_the_lead_near_the_saddle_goes(lr, counts) -> None:
    assert saddle_escape_steps(HILLS, (0.01, 0.3), lr, radius=0.5) == counts


def test_exactly_on_the_saddle_nobody_leaves() -> None:
    assert saddle_escape_steps(HILLS, SADDLE, 0.1, max_steps=300) == {name: None for name in OPTIMIZERS}


@pytest.mark.parametrize(("optimizer", "lr"), [("sgd", 0.05), ("momentum", 0.01), ("adam", 0.05)])
def test_a_start_near_the_local_minimum_gets_stuck_there(optimizer, lr) -> None:
    result = walk(HILLS, (-1.3, 0.8), optimizer, lr, 400)
    assert (result.outcome, result.end_landmark) == ("converged", "local_minimum")
    assert result.loss[-1] == pytest.approx(9 / 4, abs=1e-4)     # not the global minimum's 0


def test_cosine_schedule_lowers_the_rate_along_half_a_cosine() -> None:
    run = walk(LINE, (-1.0, 3.0), "sgd", 0.5, 40, schedule="cosine")
    i = np.arange(40)
    np.testing.assert_allclose(run.lrs, 0.5 * 0.5 * (1 + np.cos(np.pi * i / 40)), rtol=1e-12)
    assert [run.rule(k)["lr"] for k in (0, 39)] == [run.lrs[0], run.lrs[39]]
    np.testing.assert_array_equal(run.path[1:], run.path[:-1] - run.lrs[:, None] * run.grad[:-1])
    assert np.all(walk(LINE, (-1.0, 3.0), "sgd", 0.5, 40).lrs == 0.5)


def test_a_schedule_rescues_a_rate_too_large_to_settle() -> None:
    # lr 1 is past SGD's edge on the line (2/λmax ≈ 0.825): constant, every step overshoots more; with the
    # cosine schedule the rate falls under the edge after ~14 steps and the walker settles in the valley.
    constant = walk(LINE, (-1.0, 3.0), "sgd", 1.0, 50)
    cosine = walk(LINE, (-1.0, 3.0), "sgd", 1.0, 50, schedule="cosine")
    assert (constant.outcome, cosine.outcome, cosine.end_landmark) == ("diverged", "converged", "minimum")


BAD_INPUTS = [
    (dict(lr=float("nan")), "descent.error.lr"),
    (dict(lr=float("inf")), "descent.error.lr"),
    (dict(lr=0.0), "descent.error.lr"),
    (dict(lr=-0.1), "descent.error.lr"),
    (dict(lr=1e3), "descent.error.lr"),
    (dict(lr="0.1"), "descent.error.lr"),
    (dict(lr=True), "descent.error.lr"),
    (dict(steps=0), "descent.error.steps"),
    (dict(steps=2.5), "descent.error.steps"),
    (dict(steps=10**6), "descent.error.steps"),
    (dict(start=(float("nan"), 0.0)), "descent.error.start"),
    (dict(start=(100.0, 0.0)), "descent.error.start"),
    (dict(start=(0.0,)), "descent.error.start"),
    (dict(start="ab"), "descent.error.start"),
    (dict(start=None), "descent.error.start"),
    (dict(optimizer="rmsprop"), "descent.error.optimizer"),
    (dict(schedule="step"), "descent.error.schedule"),
    (dict(tol=0.0), "descent.error.tol"),
    (dict(landscape="bowl"), "descent.error.landscape"),
]


@pytest.mark.parametrize(("change", "key"), BAD_INPUTS)
def test_bad_inputs_are_refused_with_a_translated_message(change, key) -> None:
    args = dict(landscape="hills", start=(0.5, 0.5), optimizer="sgd", lr=0.1, steps=10) | change
    with pytest.raises(InputError) as caught:
        walk(args.pop("landscape"), args.pop("start"), **args)
    assert caught.value.key == key
    assert all(caught.value.message(lang) for lang in LANGUAGES)


@pytest.mark.parametrize(("call", "key"), [
    (lambda: saddle_escape_steps(HILLS, (0.5, 0.5), 0.1, radius=0.5), "descent.error.escape_start"),
    (lambda: saddle_escape_steps(HILLS, SADDLE, 0.1, radius=-1.0), "descent.error.radius"),
    (lambda: saddle_escape_steps(LINE, (0.5, 1.5), 0.1), "descent.error.landmark"),
    (lambda: walk(HILLS, (0.5, 0.5), steps=5).rule(5), "descent.error.step_index"),
])
def test_saddle_and_rule_inputs_are_refused(call, key) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.key == key
    assert all(caught.value.message(lang) for lang in LANGUAGES)


def test_every_key_the_code_uses_and_every_outcome_is_in_the_catalogue() -> None:
    sources = [Path(descent.__file__), Path(descent_measures.__file__),
               Path(descent.__file__).parents[1] / "models" / "landscapes.py"]
    keys = {key for path in sources for key in re.findall(r'"(descent\.[a-z_.]+)"', path.read_text("utf-8"))}
    keys |= {f"descent.outcome.{outcome}" for outcome in OUTCOMES}
    assert len(keys) > len(OUTCOMES)
    assert {key for key in keys if set(catalogue().get(key, {})) != set(LANGUAGES)} == set()
