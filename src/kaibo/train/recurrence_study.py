"""Can a plain RNN learn to remember the first letter, and can a GRU? Measured at several lengths (lesson 9).

Each run trains `kaibo.models.CharRNN` (hidden width 16) on fresh batches of `kaibo.data.sequences`
(a letter, then length − 1 digits; the answer, the letter, at the last step) with Adam and the gradient
clipped to length 1 (`clip_grad_norm_`), then scores it on 500 sequences it has never seen: the fraction
whose last-step prediction is the first letter. Guessing scores 25%. Every run of a study has the same seed,
steps and learning rate; only the cell and the length differ.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from kaibo.data.sequences import VOCAB, first_letter_sequences
from kaibo.engine import manual_seed, no_grad
from kaibo.engine.optim import Adam, clip_grad_norm_
from kaibo.errors import InputError
from kaibo.models.char_rnn import CELLS, CharRNN
from kaibo.models.recurrent_gradients import set_spectral_radius

HIDDEN = 16
BATCH = 32
LR = 0.01
CLIP = 1.0
TEST_COUNT, TEST_SEED = 500, 12345   # the sequences every run is scored on: never drawn in training


def recurrent_model(cell: str, seed: int, radius: float | None = None, dtype: type = np.float32) -> CharRNN:
    """A fresh CharRNN over the task's 14 symbols with the engine's seed `seed`; its recurrent matrices scaled
    to spectral radius `radius` when given (`set_spectral_radius`), and its weights in `dtype`."""
    manual_seed(seed)
    model = CharRNN(len(VOCAB), HIDDEN, cell=cell)
    for p in model.parameters():
        p.data = p.data.astype(dtype)
    if radius is not None:
        set_spectral_radius(model, radius)
    return model


def first_letter_accuracy(model: CharRNN, length: int) -> float:
    """The fraction of the test sequences whose last-step prediction (the highest logit) is the first letter."""
    ids, targets = first_letter_sequences(TEST_COUNT, length, np.random.default_rng(TEST_SEED))
    with no_grad():
        guess = model(ids).data[:, -1].argmax(axis=-1)                          # (TEST_COUNT,)
    return float(np.mean(guess == targets[:, -1]))


@dataclass(frozen=True)
class FirstLetterRun:
    """One training run: its settings, the loss at every step, the test accuracy, and the trained model."""

    cell: str
    length: int
    steps: int
    seed: int
    losses: np.ndarray
    accuracy: float
    model: CharRNN


def train_first_letter(cell: str, length: int, steps: int, seed: int = 0) -> FirstLetterRun:
    """Train a fresh model (`recurrent_model(cell, seed)`, PyTorch's initial weights) for `steps` steps of
    Adam on batches of 32 new sequences, the gradient clipped to length 1."""
    if cell not in CELLS:
        raise InputError("char_rnn.error.cell", got=repr(cell), expected=", ".join(map(repr, CELLS)))
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 100_000:
        raise InputError("sequences.error.size", name="steps", got=repr(steps), high=100_000)
    model = recurrent_model(cell, seed)
    opt = Adam(model.parameters(), lr=LR)
    rng = np.random.default_rng(seed)
    losses = np.empty(steps)
    for step in range(steps):
        ids, targets = first_letter_sequences(BATCH, length, rng)
        loss = model.loss(model(ids), targets)
        opt.zero_grad()
        loss.backward()
        clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        losses[step] = float(loss.data)
    return FirstLetterRun(cell, length, steps, seed, losses, first_letter_accuracy(model, length), model)


@dataclass(frozen=True)
class RecurrenceStudy:
    """Every cell trained at every length, with the same seed and steps: `runs[(cell, length)]`, and the
    wall-clock seconds the whole study took."""

    lengths: tuple[int, ...]
    steps: int
    seed: int
    runs: dict[tuple[str, int], FirstLetterRun]
    seconds: float

    def learnt(self, cell: str, threshold: float = 0.9) -> list[int]:
        """The lengths at which `cell` reached `threshold` test accuracy."""
        return [n for n in self.lengths if self.runs[(cell, n)].accuracy >= threshold]


def recurrence_study(lengths: tuple[int, ...], steps: int, seed: int = 0) -> RecurrenceStudy:
    """`train_first_letter` for every cell ("rnn", "gru") at every length."""
    begin = time.perf_counter()
    runs = {(cell, n): train_first_letter(cell, n, steps, seed) for n in lengths for cell in CELLS}
    return RecurrenceStudy(tuple(lengths), steps, seed, runs, time.perf_counter() - begin)


def clipped_norm(model: CharRNN, ids: np.ndarray, targets: np.ndarray, max_norm: float = CLIP) -> tuple[float, float]:
    """The length of the loss's gradient over all the model's weights, before and after `clip_grad_norm_`
    (which scales every weight's gradient by the same factor, so the step keeps its direction). The
    model's gradients are left cleared."""
    model.zero_grad()
    model.loss(model(ids), targets).backward()
    before = float(clip_grad_norm_(model.parameters(), max_norm).data)
    after = float(np.sqrt(sum(float(np.vdot(p.grad.data, p.grad.data)) for p in model.parameters())))
    model.zero_grad()
    return before, after
