"""The batch-size study: one run's counts and scores, the summary over seeds, and which sizes tie (a reduced
study: two epochs, two seeds, a few batch sizes)."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.data.datasets import load_digits_split
from kaibo.errors import InputError
from kaibo.train.batch_size_study import BatchSizeStudy, DigitsRun, batch_size_study, train_digits

DIGITS = load_digits_split()
N = len(DIGITS.y_train)


@pytest.mark.parametrize(("batch_size", "epochs", "updates"), [(N, 3, 3), (64, 1, 22), (500, 2, 6)])
def test_updates_are_batches_per_epoch_times_epochs(batch_size, epochs, updates) -> None:
    run = train_digits(batch_size, 0.5, epochs, seed=0)
    assert run.updates == updates and len(run.epoch_seconds) == epochs and (run.epoch_seconds > 0).all()


def test_a_run_is_repeatable_and_its_seed_matters() -> None:
    a, b, c = (train_digits(64, 0.5, 1, seed=s) for s in (3, 3, 4))
    assert (a.test_accuracy, a.train_loss) == (b.test_accuracy, b.train_loss)
    assert a.train_loss != c.train_loss


def test_training_lowers_the_loss_and_beats_chance() -> None:
    run = train_digits(16, 0.5, 2, seed=0)
    assert run.train_loss < np.log(10)          # below a uniform guess over ten digits
    assert run.test_accuracy > 0.85 and run.train_accuracy > 0.85


def test_accuracies_count_whole_images() -> None:
    run = train_digits(128, 0.5, 1, seed=5)
    for accuracy, count in ((run.test_accuracy, len(DIGITS.y_test)), (run.train_accuracy, N)):
        assert 0 < accuracy <= 1 and accuracy * count == pytest.approx(round(accuracy * count), abs=1e-9)


def fake_study(accuracies: dict[int, list[float]], train: dict[int, float] | None = None) -> BatchSizeStudy:
    """Runs with these test accuracies (the training accuracy the same, or `train[b]`), each with epochs of
    b, 3b and 2b ms."""
    runs = tuple(DigitsRun(b, s, 0.1, 1, 1, (train or {}).get(b, a), a, 0.0, 0.001 * b * np.array([1.0, 3.0, 2.0]))
                 for b, values in accuracies.items() for s, a in enumerate(values))
    return BatchSizeStudy(runs, tuple(accuracies), (0, 1, 2), 0.1, 1, 450)


@pytest.mark.parametrize(("accuracies", "best", "tied"), [
    ({1: [0.90, 0.92, 0.94], 4: [0.93, 0.95, 0.97], 16: [0.80, 0.82, 0.84]}, 4, (1, 4)),
    ({1: [0.90, 0.90, 0.90], 4: [0.91, 0.91, 0.91]}, 4, (4,)),        # no spread, no overlap: 4 is better
    ({1: [0.5, 0.7, 0.9], 4: [0.6, 0.6, 0.6], 16: [0.95, 0.5, 0.5]}, 1, (1, 4, 16)),
])
def test_best_and_the_sizes_whose_ranges_overlap_it(accuracies, best, tied) -> None:
    study = fake_study(accuracies)
    assert study.best() == best and study.overlapping_best() == tied


@pytest.mark.parametrize(("accuracies", "train", "under"), [
    ({1: [0.94] * 3, 64: [0.70] * 3}, {1: 0.96, 64: 0.72}, (64,)),   # 64 reads its own images worse than 1 new ones
    ({1: [0.94] * 3, 64: [0.90] * 3}, {1: 0.96, 64: 0.99}, ()),      # 64 learnt its images: a generalisation gap
])
def test_under_trained_is_below_the_best_test_accuracy_on_its_own_images(accuracies, train, under) -> None:
    study = fake_study(accuracies, train)
    assert tuple(b for b in study.batch_sizes if study.under_trained(b)) == under


def test_summary_over_seeds() -> None:
    summary = fake_study({1: [0.90, 0.92, 0.97]}).summary(1)
    assert (summary.low, summary.high) == (0.90, 0.97)
    assert summary.mean == pytest.approx(0.93) and summary.std == pytest.approx(np.std([0.90, 0.92, 0.97]))
    assert summary.epoch_seconds == 0.001  # the fastest epoch, not the median (0.002)
    with pytest.raises(InputError) as error:
        fake_study({1: [0.9]}).summary(8)
    assert error.value.key == "minibatch.error.not_studied"


def test_a_reduced_study_runs_every_size_and_seed() -> None:
    study = batch_size_study((16, 256, N), (0, 1), lr=0.5, epochs=2)
    assert [(r.batch_size, r.seed) for r in study.runs] == [(b, s) for b in (16, 256, N) for s in (0, 1)]
    # The same epochs, not the same updates: with this rule, the full batch has had 2 steps and trails.
    assert study.summary(N).updates == 2 and study.summary(16).updates == 2 * 85
    assert study.summary(16).mean > study.summary(N).mean
    assert study.summary(N).train_mean < 0.9  # under-trained: low on the training images too


@pytest.mark.parametrize(("kwargs", "key"), [
    ({"batch_size": 0}, "minibatch.error.batch_size"),
    ({"batch_size": N + 1}, "minibatch.error.batch_size"),
    ({"epochs": 0}, "minibatch.error.epochs"),
    ({"lr": -1.0}, "descent.error.lr"),
])
def test_bad_settings_say_what_is_wrong(kwargs, key) -> None:
    args = {"batch_size": 16, "lr": 0.1, "epochs": 1, "seed": 0} | kwargs
    with pytest.raises(InputError) as error:
        train_digits(**args)
    assert error.value.key == key
