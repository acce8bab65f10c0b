"""Mini-batches on the line fit: batches without replacement, per-example gradients against the engine, the
measured noise against σ²/B·(N−B)/(N−1) (and exactly 0 at B = N), and the walks of mini-batch SGD."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.data import load_bmi_progression
from kaibo.engine import Tensor
from kaibo.errors import InputError
from kaibo.models.landscapes import design_matrix, get_landscape, line_loss
from kaibo.train import minibatch
from kaibo.train.minibatch import epoch_batches, gradient_noise, noise_theory, per_example_gradients, sgd_walk

DATA = load_bmi_progression()
N = len(DATA.x)
LINE = get_landscape("line")
START = (-1.0, 3.0)
MINIMUM = LINE.landmark("minimum").point


@pytest.mark.parametrize(("n", "batch_size", "lengths"), [
    (442, 16, [16] * 27 + [10]),   # 27 full batches and one of the 10 left over
    (442, 442, [442]),
    (442, 1, [1] * 442),
    (10, 4, [4, 4, 2]),
])
def test_an_epoch_uses_every_example_exactly_once(n, batch_size, lengths) -> None:
    batches = epoch_batches(n, batch_size, np.random.default_rng(3))
    assert [len(b) for b in batches] == lengths
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))


def test_epochs_are_shuffled_differently() -> None:
    rng = np.random.default_rng(0)
    first, second = (np.concatenate(epoch_batches(N, 16, rng)) for _ in range(2))
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("point", [START, MINIMUM, (2.3, -0.4)])
@pytest.mark.parametrize("rows", [slice(0, 1), slice(100, 116), slice(None)])
def test_per_example_gradients_average_to_the_engines_backprop(point, rows) -> None:
    x, y = DATA.x[rows], DATA.y[rows]
    p = Tensor(np.array(point, dtype=np.float64), requires_grad=True)
    line_loss(Tensor(design_matrix(x)), Tensor(y), p).backward()
    np.testing.assert_allclose(per_example_gradients(x, y, point).mean(axis=0), p.grad.data, rtol=1e-12, atol=1e-14)


def test_the_full_batch_gradient_is_the_landscapes() -> None:
    noise = gradient_noise(DATA.x, DATA.y, START, (1, N), draws=10)
    np.testing.assert_allclose(noise.full, LINE.value_and_grad(START)[1], rtol=1e-12)


@pytest.mark.parametrize(("n", "batch_size", "expected"), [
    (442, 1, 1.0),                   # one example: σ² itself
    (442, 442, 0.0),                 # everyone: no error at all
    (442, 221, 221 / 221 / 441),     # half: σ²/B · (N − B)/(N − 1) = (1/221)·(221/441)
    (10, 5, 0.2 * 5 / 9),
    (2, 1, 1.0),
])
def test_noise_theory_worked_by_hand(n, batch_size, expected) -> None:
    assert noise_theory(1.0, n, batch_size) == pytest.approx(expected, abs=1e-15)


def test_noise_theory_matches_every_subset_enumerated() -> None:
    # A tiny population, every batch of every size: the exact expectation, with no sampling at all.
    from itertools import combinations

    g = np.array([[1.0, 0.0], [3.0, -1.0], [-2.0, 4.0], [0.5, 0.5], [6.0, 2.0]])
    full = g.mean(axis=0)
    sigma2 = ((g - full) ** 2).sum(axis=1).mean()
    for b in range(1, len(g) + 1):
        exact = np.mean([((g[list(c)].mean(axis=0) - full) ** 2).sum() for c in combinations(range(len(g)), b)])
        assert exact == pytest.approx(noise_theory(sigma2, len(g), b), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("point", [START, MINIMUM])
def test_measured_noise_agrees_with_the_formula_within_its_standard_error(point) -> None:
    sizes = (1, 2, 4, 16, 64, 256, 441, N)
    noise = gradient_noise(DATA.x, DATA.y, point, sizes, draws=2000, seed=7)
    for b in sizes[:-1]:
        measured, theory = noise.at(b)
        k = list(noise.batch_sizes).index(b)
        # Four standard errors: a fixed seed, so this either always passes or always fails; a wrong formula
        # (σ²/B without the correction is 11 % off at B = 64, 44 % at B = 256) fails by far more.
        assert abs(measured - theory) <= 4 * noise.standard_error[k], (b, measured, theory)
    assert noise.at(64)[1] < noise.sigma2 / 64 * 0.9


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_full_batch_has_exactly_no_error(seed) -> None:
    noise = gradient_noise(DATA.x, DATA.y, START, (N,), draws=50, seed=seed)
    assert noise.at(N) == (0.0, 0.0)
    assert (noise.estimates[N] == noise.full).all()


def test_noise_is_repeatable_and_seeded() -> None:
    a, b, c = (gradient_noise(DATA.x, DATA.y, START, (4,), draws=200, seed=s) for s in (1, 1, 2))
    assert a.at(4) == b.at(4) != c.at(4)


def test_sigma2_is_the_trace_of_the_per_example_covariance() -> None:
    noise = gradient_noise(DATA.x, DATA.y, START, (1,), draws=10)
    g = per_example_gradients(DATA.x, DATA.y, START)
    assert noise.sigma2 == pytest.approx(np.trace(np.cov(g.T, ddof=0)), rel=1e-12)


@pytest.mark.parametrize("sizes", [(0, 4), (1, N + 1)])
def test_noise_refuses_batch_sizes_outside_the_data(sizes) -> None:
    with pytest.raises(ValueError):
        gradient_noise(DATA.x, DATA.y, START, sizes, draws=10)


@pytest.mark.parametrize(("batch_size", "epochs", "steps"), [(1, 2, 884), (16, 3, 84), (N, 5, 5), (100, 1, 5)])
def test_a_walk_makes_one_step_per_batch_within_its_budget(batch_size, epochs, steps) -> None:
    run = sgd_walk(LINE, DATA.x, DATA.y, START, batch_size, 0.05, epochs, seed=0)
    assert run.steps == steps and run.stopped_at is None
    assert run.seen[-1] == epochs * N and np.all(np.diff(run.seen) > 0)
    np.testing.assert_allclose(run.loss, LINE.grid_loss(run.path[:, 0], run.path[:, 1]))


def test_the_full_batch_walk_is_lesson_ones_walker() -> None:
    from kaibo.train import descent

    run = sgd_walk(LINE, DATA.x, DATA.y, START, N, 0.1, 10)
    np.testing.assert_allclose(run.path, descent.walk(LINE, START, "sgd", 0.1, 10).path, rtol=1e-12)


def test_each_step_follows_its_batchs_gradient() -> None:
    run = sgd_walk(LINE, DATA.x, DATA.y, START, 16, 0.1, 1, seed=4)
    batches = epoch_batches(N, 16, np.random.default_rng(4))  # the walk's own shuffle, redone
    for k, batch in enumerate(batches):
        step = -0.1 * per_example_gradients(DATA.x[batch], DATA.y[batch], run.path[k]).mean(axis=0)
        np.testing.assert_allclose(run.path[k + 1] - run.path[k], step, rtol=1e-9, atol=1e-15)


def test_small_batches_get_further_on_the_same_budget_at_a_gentle_rate() -> None:
    final = {b: sgd_walk(LINE, DATA.x, DATA.y, START, b, 0.1, 3, seed=0).loss[-1] for b in (1, 16, N)}
    lowest = LINE.landmark("minimum").loss
    assert final[16] < final[N] and final[1] < final[N]
    assert final[1] > final[16] > lowest  # B = 1 keeps jittering at the bottom


@pytest.mark.parametrize(("batch_size", "lr", "epochs", "low", "high"), [
    (N, 0.1, 3, 0.3, 0.8),      # lesson 1's walker after 3 steps: part of the way down
    (16, 0.1, 3, 0.99, 1.0),    # at the bottom, up to its jitter
    (N, 0.5, 3, 0.99, 1.0),     # a larger rate: the full batch gets there in 3 steps
])
def test_progress_is_the_share_of_the_way_down(batch_size, lr, epochs, low, high) -> None:
    run = sgd_walk(LINE, DATA.x, DATA.y, START, batch_size, lr, epochs, seed=0)
    lowest = LINE.landmark("minimum").loss
    assert low <= run.progress(lowest) <= high
    assert run.progress(lowest) == pytest.approx((run.loss[0] - run.loss[-1]) / (run.loss[0] - lowest))


def test_a_rate_too_large_for_single_examples_stops_the_walk() -> None:
    run = sgd_walk(LINE, DATA.x, DATA.y, START, 1, 0.5, 3, seed=0)
    assert run.stopped_at is not None and run.steps == run.stopped_at - 1
    assert np.isfinite(run.path).all() and np.isfinite(run.loss).all()
    assert sgd_walk(LINE, DATA.x, DATA.y, START, N, 0.5, 3).stopped_at is None


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"batch_size": 0}, "minibatch.error.batch_size"),
    ({"batch_size": N + 1}, "minibatch.error.batch_size"),
    ({"batch_size": 2.5}, "minibatch.error.batch_size"),
    ({"epochs": 0}, "minibatch.error.epochs"),
    ({"lr": float("nan")}, "descent.error.lr"),
    ({"start": (9.0, 9.0)}, "descent.error.start"),
])
def test_bad_inputs_say_what_is_wrong(kwargs, key) -> None:
    args = {"start": START, "batch_size": 16, "lr": 0.1, "epochs": 1} | kwargs
    with pytest.raises(InputError) as error:
        sgd_walk(LINE, DATA.x, DATA.y, args["start"], args["batch_size"], args["lr"], args["epochs"])
    assert error.value.key == key
    assert error.value.message("ja") and error.value.message("en")


def test_module_documents_the_formula_it_implements() -> None:
    assert "σ²/B · (N − B)/(N − 1)" in minibatch.__doc__
