"""Does the batch size change how well a model does on images it has not seen? Measured over several seeds
(lesson 4).

The model is softmax regression on the digits of `kaibo.data.datasets.load_digits_split`: one linear layer
of the engine, 64 pixels → 10 scores (`kaibo.engine.nn.Linear`), trained with the cross-entropy of the
scores against the right digit (`F.cross_entropy`) and plain SGD. Every batch size B gets the same
learning rate and the same number of epochs (passes over the 1,347 training images): the same examples
seen, so the same cost in arithmetic, but not the same number of updates — an epoch is ⌈N/B⌉ steps, 1,347
at B = 1 and one at B = N. `train_digits` records both, and the time each epoch took.

Why the same rate for every B: it is the simplest rule to state and to check, and it keeps one thing fixed.
Other rules exist (the learning rate raised with B, "linear scaling", keeps the distance walked per epoch
about the same up to some batch size); with any of them the comparison still depends on the rule, and a
page must say which one it used.

What differs between seeds: the starting weights (the engine's `manual_seed`) and the order of the batches.
The split into training and test images is the same for every run, so differences between runs come from
training, not from a luckier test set. `BatchSizeStudy.summary` gives each B's mean, standard deviation,
lowest and highest test accuracy over the seeds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from kaibo.data.datasets import DigitsSplit, load_digits_split
from kaibo.engine import Tensor, manual_seed, nn, no_grad
from kaibo.engine import functional as F
from kaibo.engine.optim import SGD
from kaibo.errors import InputError
from kaibo.train.descent import LR_RANGE, check_number
from kaibo.train.minibatch import epoch_batches


@dataclass(frozen=True)
class DigitsRun:
    """One training run.

    Attributes
    ----------
    batch_size, seed, lr, epochs : its settings.
    updates : int
        Steps made (⌈N/B⌉ per epoch).
    train_accuracy, test_accuracy : float
        Fraction of images whose highest score is the right digit, on the training and on the test images.
    train_loss : float
        The mean cross-entropy on all training images at the end.
    epoch_seconds : np.ndarray, shape (epochs,)
        Wall-clock time of each epoch (batches, forward, backward, update; no evaluation).
    """

    batch_size: int
    seed: int
    lr: float
    epochs: int
    updates: int
    train_accuracy: float
    test_accuracy: float
    train_loss: float
    epoch_seconds: np.ndarray


def train_digits(batch_size: int, lr: float, epochs: int, seed: int, data: DigitsSplit | None = None) -> DigitsRun:
    """Train softmax regression on the training digits with mini-batch SGD; score it on both parts."""
    data = data or load_digits_split()
    n = len(data.y_train)
    check_number(batch_size, "minibatch.error.batch_size", 1, n, whole=True)
    check_number(lr, "descent.error.lr", *LR_RANGE)
    check_number(epochs, "minibatch.error.epochs", 1, 100, whole=True)
    manual_seed(seed)                                   # the starting weights
    model = nn.Linear(64, 10)                           # scores = x Wᵀ + b: W (10, 64), b (10,)
    opt = SGD(model.parameters(), lr=float(lr))
    rng = np.random.default_rng(seed)                   # the order of the batches
    times, updates = [], 0
    for _ in range(epochs):
        begin = time.perf_counter()
        for batch in epoch_batches(n, batch_size, rng):
            opt.zero_grad()
            F.cross_entropy(model(Tensor(data.x_train[batch])), data.y_train[batch]).backward()  # (B, 10) → 1
            opt.step()
            updates += 1
        times.append(time.perf_counter() - begin)
    with no_grad():
        train_scores, test_scores = model(Tensor(data.x_train)), model(Tensor(data.x_test))
        train_loss = F.cross_entropy(train_scores, data.y_train).item()
    return DigitsRun(int(batch_size), seed, float(lr), int(epochs), updates,
                     float((train_scores.data.argmax(axis=1) == data.y_train).mean()),
                     float((test_scores.data.argmax(axis=1) == data.y_test).mean()),
                     float(train_loss), np.array(times))


@dataclass(frozen=True)
class Summary:
    """One batch size over all seeds: test accuracy's mean, standard deviation (over the seeds, ddof = 0),
    lowest and highest; the mean training accuracy; the updates of one run; the fastest epoch of all runs.

    The fastest, not the median: an epoch of the large batches takes about a millisecond, and another program
    on the machine (a browser, a test) can make any one of them several times slower. The arithmetic cannot
    take less than it needs, so the fastest of the 25 or more epochs measured is the one least disturbed."""

    batch_size: int
    updates: int
    mean: float
    std: float
    low: float
    high: float
    train_mean: float
    epoch_seconds: float


@dataclass(frozen=True)
class BatchSizeStudy:
    """Every run of `batch_size_study`, and what they say together."""

    runs: tuple[DigitsRun, ...]
    batch_sizes: tuple[int, ...]
    seeds: tuple[int, ...]
    lr: float
    epochs: int
    test_size: int

    def summary(self, batch_size: int) -> Summary:
        runs = [r for r in self.runs if r.batch_size == batch_size]
        if not runs:
            raise InputError("minibatch.error.not_studied", value=batch_size,
                             choices=", ".join(map(str, self.batch_sizes)))
        test = np.array([r.test_accuracy for r in runs])
        return Summary(batch_size, runs[0].updates, float(test.mean()), float(test.std()), float(test.min()),
                       float(test.max()), float(np.mean([r.train_accuracy for r in runs])),
                       float(np.concatenate([r.epoch_seconds for r in runs]).min()))

    def best(self) -> int:
        """The batch size with the highest mean test accuracy."""
        return max(self.batch_sizes, key=lambda b: self.summary(b).mean)

    def under_trained(self, batch_size: int) -> bool:
        """True when `batch_size`'s mean accuracy on its own training images is below the best batch size's
        mean accuracy on test images it never saw: it has not even learnt what it was shown, so its low test
        accuracy is too few updates, not a failure to generalise."""
        return self.summary(batch_size).train_mean < self.summary(self.best()).mean

    def overlapping_best(self) -> tuple[int, ...]:
        """The batch sizes whose range of test accuracies over the seeds (lowest to highest) overlaps the
        best one's: between these, the seeds do not tell which is better (the best included)."""
        top = self.summary(self.best())
        return tuple(b for b in self.batch_sizes
                     if (s := self.summary(b)).high >= top.low and s.low <= top.high)


def batch_size_study(batch_sizes: tuple[int, ...] = (1, 4, 16, 64, 256, 1347), seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
                     *, lr: float = 0.1, epochs: int = 5, data: DigitsSplit | None = None) -> BatchSizeStudy:
    """`train_digits` for every batch size and seed, with the same learning rate and epochs for all (why:
    module docstring). About 5 s on two cores at the defaults, nearly all of it B = 1's 1,347 steps an epoch."""
    data = data or load_digits_split()
    runs = tuple(train_digits(b, lr, epochs, s, data) for b in batch_sizes for s in seeds)
    return BatchSizeStudy(runs, tuple(batch_sizes), tuple(seeds), float(lr), int(epochs), len(data.y_test))
