"""Operations on several tensors at once: cat, stack, where (torch.cat, torch.stack, torch.where)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kaibo.engine.tensor import Tensor


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors end to end along an existing axis."""
    tensors = tuple(tensors)
    ends = np.cumsum([t.data.shape[dim] for t in tensors])[:-1]

    def backward(grad):                       # each input gets its own stretch of the gradient back
        return tuple(np.split(grad, ends, axis=dim))
    return Tensor._make(np.concatenate([t.data for t in tensors], axis=dim), tensors, backward, "cat")


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new axis."""
    tensors = tuple(tensors)
    out = np.stack([t.data for t in tensors], axis=dim)
    axis = dim % out.ndim

    def backward(grad):
        return tuple(np.take(grad, i, axis=axis) for i in range(len(tensors)))
    return Tensor._make(out, tensors, backward, "stack")


def where(condition: Tensor | np.ndarray, input: Tensor | float, other: Tensor | float) -> Tensor:
    """`input` where `condition` holds, else `other`; the gradient goes to whichever was chosen."""
    chosen = np.asarray(condition.data if isinstance(condition, Tensor) else condition, dtype=bool)
    a = input if isinstance(input, Tensor) else other._lift(input)
    b = other if isinstance(other, Tensor) else a._lift(other)

    def backward(grad):
        return np.where(chosen, grad, 0), np.where(chosen, 0, grad)
    return Tensor._make(np.where(chosen, a.data, b.data), (a, b), backward, "where")
