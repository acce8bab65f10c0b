"""Operations that move numbers around without changing them: reshape, transpose, permute, indexing, split.

Their backward moves the gradient back to where each number came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from kaibo.engine.tensor import Tensor


def _shape_args(shape: tuple) -> tuple[int, ...]:
    """reshape(2, 3) and reshape((2, 3)) both work, as in PyTorch."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape


def _index_arrays(index: object) -> object:
    """Tensors inside an index become their arrays; lists become arrays (integer-array indexing)."""
    parts = index if isinstance(index, tuple) else (index,)
    parts = tuple(p.data if isinstance(p, ShapeOps) else np.asarray(p) if isinstance(p, list) else p
                  for p in parts)
    return parts if isinstance(index, tuple) else parts[0]


class ShapeOps:
    __slots__ = ()

    def reshape(self, *shape: int) -> Tensor:
        before = self.data.shape

        def backward(grad):
            return (grad.reshape(before),)
        return self._make(self.data.reshape(_shape_args(shape)), (self,), backward, "reshape")

    def view(self, *shape: int) -> Tensor:
        """Same as reshape here: NumPy copies only when it must, so there is no contiguity rule to obey."""
        return self.reshape(*shape)

    def contiguous(self) -> Tensor:
        return self

    def transpose(self, dim0: int, dim1: int) -> Tensor:
        def backward(grad):                   # swapping the same two axes again undoes it
            return (np.swapaxes(grad, dim0, dim1),)
        return self._make(np.swapaxes(self.data, dim0, dim1), (self,), backward, "transpose")

    def permute(self, *dims: int) -> Tensor:
        dims = _shape_args(dims)
        undo = np.argsort(dims)

        def backward(grad):
            return (np.transpose(grad, undo),)
        return self._make(np.transpose(self.data, dims), (self,), backward, "permute")

    def __getitem__(self, index: object) -> Tensor:
        index = _index_arrays(index)
        shape, dtype = self.data.shape, self.data.dtype
        parts = index if isinstance(index, tuple) else (index,)
        gathers = any(isinstance(p, np.ndarray) for p in parts)

        def backward(grad):
            full = np.zeros(shape, dtype=dtype)
            if gathers:                       # an index may repeat: each use adds its gradient
                np.add.at(full, index, grad)
            else:
                full[index] = grad
            return (full,)
        return self._make(self.data[index], (self,), backward, "index")

    def split(self, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces of `split_size` along `dim` (the last may be shorter), as `torch.split`."""
        length = self.data.shape[dim]
        lead = (slice(None),) * (dim % self.data.ndim)
        return tuple(self[(*lead, slice(start, start + split_size))] for start in range(0, length, split_size))

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        """The slices along `dim`, each with that axis removed, as `torch.unbind`: x (B, T, I), dim 1 → T × (B, I).

        `x[:, t]` for every t would cost O(T²) in backward: each slice's backward returns a full-size zero
        array holding its one slot, and the engine adds T of them. Here the pieces hang from one small hub
        node instead. Each piece's backward writes its gradient into its own slot of ONE zero array that they
        share, and passes the hub only a 0-d token; the engine visits the hub after every piece (it is their
        common input), and the hub hands the filled array to x once. Slots no piece wrote stay zero.
        The hub is an intermediate that every piece shares, so, as with any shared intermediate here (and
        unlike `torch.unbind`), a second backward pass through another piece needs `retain_graph=True` the
        first time.
        """
        axis = dim % self.data.ndim
        shape, dtype = self.data.shape, self.data.dtype
        shared: list[np.ndarray | None] = [None]   # the array all pieces write into, made by the first

        def hub_backward(grad):
            full, shared[0] = shared[0], None      # hand it over; a retained graph starts the next from zeros
            return (full,)
        hub = self._make(np.zeros((), dtype), (self,), hub_backward, "unbind")

        def piece(i: int) -> Tensor:
            def backward(grad):
                if shared[0] is None:
                    shared[0] = np.zeros(shape, dtype)
                np.moveaxis(shared[0], axis, 0)[i] += grad    # a view: writes into the shared array
                return (np.zeros((), dtype),)                 # a token, so that the hub runs
            return self._make(np.moveaxis(self.data, axis, 0)[i], (hub,), backward, "unbind.piece")
        return tuple(piece(i) for i in range(shape[axis]))
