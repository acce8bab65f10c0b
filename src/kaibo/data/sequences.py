"""Lesson 9's sequence task, generated on the spot: remember the first letter.

Each sequence starts with one of the letters A, B, C, D, followed by `length − 1` random digits; at the last
step the answer is the letter that came first ("B 3 7 1 0 → B"). The digits carry no hint, so a model must
keep the letter in its memory through every later step, and the gradient that teaches it to do so must
travel back through all of them. Guessing is right one time in four.

Ids are positions in `VOCAB` (letters 0–3, digits 4–13). Targets follow `kaibo.models.CharRNN`: -100 (ignored
by the loss) at every step but the last, whose target is the first letter's id.
"""

from __future__ import annotations

import numpy as np

from kaibo.errors import InputError
from kaibo.models.token_ids import IGNORE

LETTERS = "ABCD"
DIGITS = "0123456789"
VOCAB = LETTERS + DIGITS
MAX_LENGTH = 1000


def first_letter_sequences(count: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`count` sequences of `length` symbols drawn from `rng`: ids (count, length) and targets of the same
    shape, -100 everywhere but the last step, which holds the first letter."""
    for name, value, high in (("count", count, 100_000), ("length", length, MAX_LENGTH)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= high:
            raise InputError("sequences.error.size", name=name, got=repr(value), high=high)
    ids = np.empty((count, length), dtype=np.int64)
    ids[:, 0] = rng.integers(0, len(LETTERS), count)                          # the letter to remember
    ids[:, 1:] = rng.integers(len(LETTERS), len(VOCAB), (count, length - 1))  # the digits that follow
    targets = np.full((count, length), IGNORE, dtype=np.int64)
    targets[:, -1] = ids[:, 0]
    return ids, targets


def spell(ids: np.ndarray) -> list[str]:
    """The symbols of one sequence of ids, as the learner reads them: [5, 1, 8] → ["1", "B", "4"]."""
    return [VOCAB[i] for i in np.asarray(ids).tolist()]
