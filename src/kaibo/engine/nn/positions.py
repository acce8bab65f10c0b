"""Two ways to give a transformer the order of its tokens without learning it: sinusoidal codes and RoPE.

Attention compares every token with every other by dot products, which do not care where a token stands.
Order has to be put in:

- **sinusoidal codes** (Vaswani et al., 2017) are added to the token vectors once, at the bottom. Position p
  gets, for each frequency ω_i = 10000^(−2i/C), the pair (sin pω_i, cos pω_i) in columns 2i and 2i+1.
  Moving k places on turns every such pair by the fixed angle kω_i, whatever p is — so "k places apart" is
  the same linear relation everywhere.
- **RoPE**, rotary position embedding (Su et al., 2021), turns the queries and keys themselves, in every
  layer: the pair of columns (2i, 2i+1) of the vector at position p is rotated by the angle pω_i with
  ω_i = base^(−2i/D). A query at p and a key at s then meet at a dot product that depends on their contents
  and on p − s only, since rotating both by their own angle leaves the angle between them, (p − s)ω_i.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from kaibo.engine.tensor import Tensor


def frequencies(width: int, base: float = 10000.0) -> np.ndarray:
    """ω_i = base^(−2i/width) for i = 0 … width/2 − 1: one angle per position step for each pair of columns."""
    if width % 2:
        raise ValueError(f"positions are coded in pairs of columns: the width must be even, got {width}")
    return base ** (-np.arange(0, width, 2, dtype=np.float64) / width)


@cache
def sinusoidal_table(length: int, width: int) -> np.ndarray:
    """(length, width) float32: row p is position p's code, sin pω_i in column 2i and cos pω_i in 2i+1."""
    angles = np.arange(length, dtype=np.float64)[:, None] * frequencies(width)[None, :]   # (T, width/2)
    table = np.empty((length, width), dtype=np.float64)
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    table = table.astype(np.float32)
    table.flags.writeable = False             # cached and shared: nobody may change it in place
    return table


@cache
def rotary_angles(length: int, width: int, base: float = 10000.0) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of the angle pω_i, each (length, width) with every angle written twice (columns 2i and
    2i+1), ready to multiply a (…, length, width) array column by column."""
    angles = np.repeat(np.arange(length, dtype=np.float64)[:, None] * frequencies(width, base)[None, :], 2, axis=1)
    cos, sin = np.cos(angles), np.sin(angles)
    cos.flags.writeable = sin.flags.writeable = False
    return cos, sin


def _swap_pairs(a: np.ndarray) -> np.ndarray:
    """(…, 2i) ↔ (…, 2i+1) with the first of each pair negated: (x, y) → (−y, x), a quarter turn."""
    pairs = a.reshape(*a.shape[:-1], -1, 2)
    return np.stack((-pairs[..., 1], pairs[..., 0]), axis=-1).reshape(a.shape)


def rotate_pairs(x: Tensor, cos: np.ndarray, sin: np.ndarray) -> Tensor:
    """RoPE: each pair of columns (2i, 2i+1) of x (…, T, D) turned by its angle, x·cos + quarter-turn(x)·sin.

    Rotations keep lengths, and the backward pass turns the gradient back by the same angle (the transpose
    of a rotation is the rotation the other way): g·cos − quarter-turn(g)·sin, written with the same helper
    since a quarter turn back is minus a quarter turn forward.
    """
    cos, sin = cos.astype(x.data.dtype), sin.astype(x.data.dtype)

    def backward(grad):
        return (grad * cos - _swap_pairs(grad) * sin,)
    return Tensor._make(x.data * cos + _swap_pairs(x.data) * sin, (x,), backward, "rotate_pairs")
