"""Checking the token ids a language model is given, with messages a learner can act on.

Every language model of the lessons (`CharRNN`, `GPT`) reads ids of shape (B, T) — a batch of B sequences of
T tokens — each an integer from 0 to vocab_size − 1, and targets of the same shape where -100 means "no
target here" (`F.cross_entropy`'s ignore_index).
"""

from __future__ import annotations

import numpy as np

from kaibo.engine import Tensor
from kaibo.errors import InputError

IGNORE = -100   # a target of -100 adds nothing to the loss (F.cross_entropy's ignore_index)


def check_ids(ids: object, vocab_size: int, name: str = "ids") -> np.ndarray:
    """`ids` as an int64 array (B, T), or an InputError saying what is wrong (shape, type, range)."""
    array = np.asarray(ids.data if isinstance(ids, Tensor) else ids)
    if array.ndim != 2 or 0 in array.shape:
        raise InputError("models.error.ids_shape", name=name, got=str(array.shape))
    if array.dtype.kind not in "iu":
        raise InputError("models.error.ids_dtype", name=name, got=str(array.dtype))
    kept = array[array != IGNORE] if name == "targets" else array
    if kept.size and (kept.min() < 0 or kept.max() >= vocab_size):
        raise InputError("models.error.ids_range", name=name, low=int(kept.min()), high=int(kept.max()),
                         last=vocab_size - 1)
    return array.astype(np.int64)


def check_targets(targets: object, ids: np.ndarray, vocab_size: int) -> np.ndarray:
    """`targets` checked like ids (-100 allowed) and required to have the shape of `ids`."""
    array = check_ids(targets, vocab_size, "targets")
    if array.shape != ids.shape:
        raise InputError("models.error.targets_shape", got=str(array.shape), expected=str(ids.shape))
    return array
