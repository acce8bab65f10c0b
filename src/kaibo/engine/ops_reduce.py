"""Reductions: sum, mean, max over all elements or along `dim` (PyTorch's names and `keepdim`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from kaibo.engine.tensor import Tensor

Dims = int | tuple[int, ...] | None


class MaxResult(NamedTuple):
    """`x.max(dim)` gives the largest values and where they are, like `torch.max(x, dim)`."""

    values: Tensor
    indices: Tensor


def _axes(dim: Dims, ndim: int) -> tuple[int, ...]:
    if dim is None:
        return tuple(range(ndim))
    return tuple(d % ndim for d in ((dim,) if isinstance(dim, int) else dim))


class ReductionOps:
    __slots__ = ()

    def sum(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        axes = _axes(dim, self.data.ndim)
        shape = self.data.shape

        def backward(grad):                   # every summed element gets the whole upstream gradient
            kept = grad if keepdim else np.expand_dims(grad, axes)
            return (np.broadcast_to(kept, shape),)
        return self._make(self.data.sum(axis=axes, keepdims=keepdim), (self,), backward, "sum")

    def mean(self, dim: Dims = None, keepdim: bool = False) -> Tensor:
        axes = _axes(dim, self.data.ndim)
        shape = self.data.shape
        count = int(np.prod([shape[a] for a in axes]))

        def backward(grad):                   # each element counts 1/n towards the mean
            kept = grad if keepdim else np.expand_dims(grad, axes)
            return (np.broadcast_to(kept / count, shape),)
        return self._make(self.data.mean(axis=axes, keepdims=keepdim), (self,), backward, "mean")

    def max(self, dim: int | None = None, keepdim: bool = False) -> Tensor | MaxResult:
        """The largest element (no `dim`), or `(values, indices)` along `dim`."""
        x = self.data
        if dim is None:
            top = x.max()
            winners = x == top

            def backward(grad):               # ties share the gradient equally, as torch.max() does
                return (grad * winners / winners.sum(),)
            return self._make(top, (self,), backward, "max")
        axis = dim % x.ndim
        where = np.expand_dims(x.argmax(axis=axis), axis)
        values = np.take_along_axis(x, where, axis)

        def backward(grad):                   # only the element that was the maximum moves the result
            full = np.zeros_like(x)
            np.put_along_axis(full, where, grad if keepdim else np.expand_dims(grad, axis), axis)
            return (full,)
        if not keepdim:
            values, indices = values.squeeze(axis), where.squeeze(axis)
        else:
            indices = where
        return MaxResult(self._make(values, (self,), backward, "max"),
                         self._make(indices.astype(np.int64), (), None, "argmax"))
