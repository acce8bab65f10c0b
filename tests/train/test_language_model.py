"""The language-model training loop: windows and targets, the schedule, fixed evaluation windows, the same
seed giving the same losses, a resumed run equal to an uninterrupted one, and divergence stopping the run."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.engine import manual_seed
from kaibo.errors import InputError
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.train.language_model import (
    LanguageModelTraining,
    TrainSettings,
    evaluate,
    fixed_windows,
    random_windows,
    split_ids,
)

# A tiny language: "abcd" repeated with noise, 6 ids. Learnable in a few dozen steps.
RNG = np.random.default_rng(0)
IDS = np.where(RNG.random(3000) < 0.9, np.arange(3000) % 4, RNG.integers(4, 6, 3000))
CONFIG = dict(vocab_size=6, block_size=8, n_layer=1, n_head=2, n_embd=16)
SETTINGS = dict(batch_size=8, learning_rate=3e-3, max_iters=40, eval_interval=20, warmup_iters=5)


def training(seed: int = 0, dropout: float = 0.0, **changes) -> LanguageModelTraining:
    manual_seed(seed)
    train, val = split_ids(IDS, CONFIG["block_size"])
    model = GPT(GPTConfig(**CONFIG, dropout=dropout))
    return LanguageModelTraining(model, train, val, TrainSettings(**(SETTINGS | changes)))


def test_windows_are_shifted_by_one() -> None:
    x, y = random_windows(np.arange(100), 8, 5, np.random.default_rng(1))
    assert x.shape == y.shape == (5, 8)
    np.testing.assert_array_equal(y, x + 1)
    fx, fy = fixed_windows(np.arange(1000), 8)
    np.testing.assert_array_equal(fy, fx + 1)
    assert len(fx) == 124 and fx[0, 0] == 0 and fx[-1, 0] == 1000 - 9          # inputs side by side, 8 apart
    assert len(fixed_windows(np.arange(100_000), 8)[0]) == 200                 # at most 200 per split


def test_split_is_ninety_ten_and_refuses_a_short_text() -> None:
    train, val = split_ids(np.arange(1000), 8)
    assert len(train) == 900 and val[0] == 900
    with pytest.raises(InputError) as caught:
        split_ids(np.arange(50), 8)
    assert caught.value.key == "train.error.too_short" and "90" in caught.value.message("en")


def test_schedule_warms_up_then_follows_a_cosine_to_a_tenth() -> None:
    s = TrainSettings(learning_rate=1.0, max_iters=110, warmup_iters=10, min_lr_ratio=0.1)
    assert s.lr_at(0) == pytest.approx(0.1) and s.lr_at(9) == pytest.approx(1.0)
    assert s.lr_at(10) == pytest.approx(1.0) and s.lr_at(60) == pytest.approx(0.55) and s.lr_at(110) == 0.1


def test_training_lowers_the_loss_and_the_same_seed_gives_the_same_losses() -> None:
    first, second = training(), training()
    assert first.run() and second.run()
    losses = [(e.train_loss, e.val_loss) for e in first.history]
    assert losses == [(e.train_loss, e.val_loss) for e in second.history]
    assert [e.step for e in first.history] == [20, 40]
    assert losses[-1][1] < 0.8 * np.log(6)                     # well below guessing among 6 ids
    other = training(seed=1)
    other.run()
    assert other.history[-1].val_loss != losses[-1][1]


def test_evaluation_is_reproducible_from_the_weights_alone() -> None:
    run = training()
    run.run()
    assert evaluate(run.model, run.val_ids) == run.history[-1].val_loss
    assert run.model.training                                  # evaluation does not leave eval mode on


def test_a_resumed_run_goes_on_exactly_as_an_uninterrupted_one() -> None:
    whole = training(dropout=0.1)
    whole.run()
    half = training(dropout=0.1)                              # the same run, stopped after 20 steps
    for _ in range(20):
        half.train_step()
    half.evaluate()
    state, progress, weights = half.optimizer_state(), half.progress(), half.model.state_dict()
    manual_seed(123)                                          # anything: restore brings the random state back
    resumed = LanguageModelTraining(GPT(GPTConfig(**(CONFIG | {"dropout": 0.1}))), half.train_ids, half.val_ids,
                                    TrainSettings(**SETTINGS))
    resumed.model.load_state_dict(weights)
    resumed.restore(state, progress)
    resumed.run()
    assert [e.val_loss for e in resumed.history] == [e.val_loss for e in whole.history]


def test_divergence_stops_the_run() -> None:
    run = training(learning_rate=1e6, warmup_iters=1, max_iters=200)
    assert run.run() is False
    assert run.step < 200 and not np.isfinite(run.last_loss) or not np.isfinite(run.history[-1].val_loss)


@pytest.mark.parametrize("changes, key", [
    (dict(batch_size=0), "train.error.count"),
    (dict(max_iters=2.5), "train.error.count"),
    (dict(learning_rate=0.0), "train.error.learning_rate"),
    (dict(learning_rate=float("inf")), "train.error.learning_rate"),
])
def test_settings_refusals(changes, key) -> None:
    with pytest.raises(InputError) as caught:
        TrainSettings(**changes)
    assert caught.value.key == key
