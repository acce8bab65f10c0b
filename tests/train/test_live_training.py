"""LiveTraining: steps, the L2 term, settings changed mid-run, points placed, divergence and restore, export."""

import math

import numpy as np
import pytest

from kaibo.data.toy2d import Points2D, make_points
from kaibo.engine import Tensor, no_grad
from kaibo.errors import InputError
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.class_losses import classification_loss
from kaibo.train.live_training import LiveTraining, Settings, square_grid

TRAIN, TEST = make_points("moons", 80, 0.1, 0).split(0.25, 0)
DEEP = {"hidden": (16, 16, 16, 16), "activation": "relu", "settings": Settings(lr=50.0)}  # diverges in a few steps


def run_of(**kwargs: object) -> LiveTraining:
    return LiveTraining(TRAIN, TEST, **{"hidden": (6,), **kwargs})


def test_steps_add_one_history_row_each_and_repeat_with_the_seed() -> None:
    first, second = run_of(seed=4), run_of(seed=4)
    assert first.step(25) == 25 and second.step(25) == 25
    assert [r.step for r in first.history] == list(range(26))
    assert first.history == second.history
    other = run_of(seed=5)
    assert other.history[0] != first.history[0]      # another seed: other starting weights


@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_each_row_measures_the_loss_on_all_points(loss: str) -> None:
    run = run_of(loss=loss)
    run.step(7)
    with no_grad():
        for points, measured in ((TRAIN, run.history[-1].train_loss), (TEST, run.history[-1].test_loss)):
            expected = classification_loss(loss, run.model(Tensor(points.x)), points.y).item()
            assert measured == pytest.approx(expected, rel=1e-6)
    assert run.history[-1].train_accuracy == pytest.approx(float((run.model.predict(TRAIN.x) == TRAIN.y).mean()))


def test_l2_adds_lambda_w_to_every_weight_s_gradient_and_nothing_to_the_biases() -> None:
    lam, lr = 0.5, 0.1
    plain, decayed = run_of(settings=Settings(lr=lr)), run_of(settings=Settings(lr=lr, l2=lam))
    start = plain.model.state_dict()
    assert decayed.penalty() == pytest.approx(lam / 2 * sum(float((w ** 2).sum()) for name, w in start.items()
                                                            if name.endswith("weight")), rel=1e-6)
    plain.step(1)
    decayed.step(1)      # the same seed: the same starting weights and the same first batch
    for name, w0 in start.items():
        extra = plain.model.state_dict()[name] - decayed.model.state_dict()[name]   # SGD: η·λ·w more
        expected = lr * lam * w0 if name.endswith("weight") else np.zeros_like(w0)
        np.testing.assert_allclose(extra, expected, atol=1e-6)


def test_settings_change_without_starting_over() -> None:
    run = run_of()
    run.step(5)
    weights = run.model.state_dict()
    run.configure(lr=0.5, batch_size=4)
    assert run.optimizer.param_groups[0]["lr"] == 0.5 and run.steps == 5
    assert all(np.array_equal(weights[k], v) for k, v in run.model.state_dict().items())
    run.configure(optimizer="adam")
    assert type(run.optimizer).__name__ == "Adam" and run.step(3) == 3


@pytest.mark.parametrize(("change", "key"), [
    ({"lr": math.nan}, "live_training.error.lr"),
    ({"lr": 1e3}, "live_training.error.lr"),
    ({"batch_size": 0}, "live_training.error.batch_size"),
    ({"batch_size": 2.5}, "live_training.error.batch_size"),
    ({"l2": -1.0}, "live_training.error.l2"),
    ({"optimizer": "lbfgs"}, "live_training.error.optimizer"),
])
def test_absurd_settings_are_refused_and_the_old_ones_kept(change: dict, key: str) -> None:
    run = run_of()
    with pytest.raises(InputError) as refused:
        run.configure(**change)
    assert refused.value.key == key and run.settings == Settings()


def test_placed_points_join_the_training_points_and_can_be_removed() -> None:
    run = run_of()
    before = run.history[-1]
    run.add_point(0.0, 2.0, 1)
    assert (len(run.train), run.added) == (len(TRAIN) + 1, 1)
    assert run.history[-1].train_loss != before.train_loss     # the last row measures the data as it is now
    run.remove_added()
    assert (len(run.train), run.added) == (len(TRAIN), 0)
    assert run.history[-1] == before
    with pytest.raises(InputError):
        run.add_point(0.0, math.inf, 1)


def test_without_both_classes_there_is_nothing_to_learn() -> None:
    empty = Points2D(np.zeros((0, 2), np.float32), np.zeros(0, np.int64), "empty")
    run = LiveTraining(empty, empty)
    assert not run.can_train and run.step(5) == 0 and math.isnan(run.history[-1].train_loss)
    run.add_point(1.0, 1.0, 1)
    assert run.step(1) == 0
    run.add_point(-1.0, -1.0, 0)
    assert run.step(3) == 3
    assert run.grid.xs[0] == -2.0 and run.grid.xs[-1] == 2.0     # the plane shown before any point


def test_a_diverging_run_stops_says_where_and_restores_the_last_good_weights() -> None:
    run = run_of(**DEEP)
    made = run.step(100)
    d = run.divergence
    assert d is not None and made == d.step - 1 == run.steps
    assert d.quantity in ("loss", "gradient", "weight", "train_loss") and not math.isfinite(d.value)
    assert d.lr == 50.0 and d.trail == tuple(r.train_loss for r in run.history[-5:])
    assert d.trail[-1] > 1e6 * d.trail[0]            # it climbed before it overflowed
    losses = [r.train_loss for r in run.history]
    assert d.good_step == int(np.argmin(losses))     # the lowest training loss so far
    assert run.step(5) == 0                          # stopped until restored
    twin = run_of(**DEEP)
    twin.step(d.good_step)                           # the same run, stopped at that step
    run.restore()
    assert run.divergence is None and run.steps == d.good_step and run.history == twin.history
    for name, value in twin.model.state_dict().items():
        np.testing.assert_array_equal(run.model.state_dict()[name], value)
    run.configure(lr=0.01)
    assert run.step(20) == 20 and run.divergence is None


def test_a_weight_that_is_not_a_number_is_caught_at_the_forward_pass() -> None:
    run = run_of()
    run.model.out.weight.data[0, 0] = np.float32(np.nan)
    assert run.step(1) == 0
    assert (run.divergence.quantity, run.divergence.step, run.divergence.good_step) == ("loss", 1, 0)
    assert np.isnan(run.probabilities()).any()   # drawn grey where the answer is not a number


def test_probabilities_cover_a_square_grid_of_the_points() -> None:
    run = run_of()
    p = run.probabilities()
    assert p.shape == (50, 50) and ((p >= 0) & (p <= 1)).all()
    grid = square_grid(TRAIN.x)
    assert np.allclose(np.diff(grid.xs).mean(), np.diff(grid.ys).mean())
    assert grid.xs[0] < TRAIN.x[:, 0].min() and grid.ys[-1] > TRAIN.x[:, 1].max()


def test_weights_export_reads_back_and_after_a_divergence_holds_the_good_ones(tmp_path) -> None:
    run = run_of(**DEEP)
    run.step(100)
    good = run_of(**DEEP)
    good.step(run.divergence.good_step)
    path = tmp_path / "w.safetensors"
    path.write_bytes(run.weights_bytes())
    loaded = MLPClassifier.load(path)
    assert loaded.config == run.model.config
    for name, value in good.model.state_dict().items():
        np.testing.assert_array_equal(loaded.state_dict()[name], value)
    assert not np.isfinite(run.model.out.weight.data).all() or run.divergence.quantity in ("loss", "train_loss")


def test_curves_csv_has_a_row_per_step_and_leaves_non_numbers_empty() -> None:
    empty = Points2D(np.zeros((0, 2), np.float32), np.zeros(0, np.int64), "empty")
    run = LiveTraining(TRAIN, empty, (4,))
    run.step(3)
    lines = run.curves_csv().splitlines()
    assert lines[0] == "step,train_loss,test_loss,train_accuracy,test_accuracy,penalty"
    assert len(lines) == 5 and lines[1].startswith("0,") and ",," in lines[1]    # no test points: empty
