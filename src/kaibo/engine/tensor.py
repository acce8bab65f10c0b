"""`Tensor`: an n-dimensional array that remembers how it was computed, so that `backward()` can find the
gradient of a result with respect to every input.

How it works, in four sentences. Every operation returns a new tensor that keeps its inputs (`_parents`) and a
small function (`_backward`) that turns the gradient of the output into gradients of the inputs — the
operation's local chain rule, written right beside its forward (see `ops_*.py` and `functional.py`).
`backward()` orders the graph so that every node comes after everything that uses it, then walks it once from
the output, handing each node the sum of the gradients flowing into it. A leaf (a tensor you made with
`requires_grad=True`) collects its gradient in `.grad`, ADDING to what is there: call `zero_grad()` (or set
`.grad = None`) between steps, exactly as in PyTorch. The closures keep NumPy arrays, never the output tensor,
so the graph has no reference cycles and is freed as soon as you drop it.

Names, signatures and semantics are PyTorch's wherever PyTorch has the concept (`dim`, `keepdim`,
`requires_grad`, `.grad`, `.detach()`, `.item()`), so what you learn here transfers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from kaibo.engine import grad_mode
from kaibo.engine.ops_arithmetic import ArithmeticOps
from kaibo.engine.ops_pointwise import PointwiseOps
from kaibo.engine.ops_reduce import ReductionOps
from kaibo.engine.ops_shape import ShapeOps

Backward = Callable[[np.ndarray], Sequence[np.ndarray | None]]


def _freed(grad: np.ndarray) -> tuple:
    raise RuntimeError(
        "Trying to backward through the graph a second time: backward() frees the graph it walked. "
        "Recompute the forward pass, or call backward(retain_graph=True) the first time."
    )


class Tensor(ArithmeticOps, ReductionOps, ShapeOps, PointwiseOps):
    """An array with a gradient. Float32 by default; float64 on request (`dtype=np.float64`).

    Parameters
    ----------
    data : array-like
        Numbers, nested lists or a NumPy array (copied). Python floats become float32, a NumPy float array
        keeps its dtype (as `torch.tensor` does), integers become int64 (indices, class targets).
    dtype : optional
        `np.float32`, `np.float64`, "float32", "float64", `np.int64`…
    requires_grad : bool
        Make this a leaf whose gradient `backward()` fills in `.grad`.
    """

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "_op", "_retains_grad", "__weakref__")
    # NumPy asks the other operand first when this is higher: np.float32(2) * tensor stays a Tensor.
    __array_priority__ = 1000

    def __init__(self, data: object, dtype: object = None, requires_grad: bool = False) -> None:
        self.data = _to_array(data, dtype)
        if requires_grad and self.data.dtype.kind != "f":
            raise RuntimeError("only floating-point tensors can require gradients")
        self.grad: Tensor | None = None
        self.requires_grad = requires_grad
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Backward | None = None
        self._op = ""
        self._retains_grad = False

    @staticmethod
    def _make(data: np.ndarray, parents: tuple[Tensor, ...], backward: Backward, op: str) -> Tensor:
        """The result of an operation. It records its graph only when some input needs a gradient."""
        out = Tensor.__new__(Tensor)
        out.data = data if isinstance(data, np.ndarray) else np.asarray(data)   # a 0-d result stays an array
        out.grad = None
        out._op = op
        out._retains_grad = False
        out.requires_grad = grad_mode.is_grad_enabled() and any(p.requires_grad for p in parents)
        out._parents = parents if out.requires_grad else ()
        out._backward = backward if out.requires_grad else None
        return out

    def _lift(self, other: object) -> Tensor:
        """A Python number joins this tensor's dtype (2.0 * a float32 tensor stays float32, as in PyTorch)."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (bool, int, float, np.number, np.bool_)):
            return Tensor(np.asarray(other, dtype=self.data.dtype if self.data.dtype.kind == "f" else None))
        return Tensor(other)

    # ---- backpropagation -------------------------------------------------------------------------------

    def backward(self, gradient: Tensor | np.ndarray | None = None, retain_graph: bool = False) -> None:
        """Fill `.grad` of every leaf this tensor depends on with ∂(this)/∂(leaf), added to what is there.

        `gradient` is ∂L/∂(this) for some later L; it may be left out only when this tensor holds one number.
        """
        if not self.requires_grad:
            raise RuntimeError("this tensor does not require grad: no input had requires_grad=True")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(f"backward() without a gradient needs one number, not shape {self.shape}")
            seed = np.ones_like(self.data)
        else:
            seed = np.asarray(gradient.data if isinstance(gradient, Tensor) else gradient, dtype=self.data.dtype)
            if seed.shape != self.data.shape:
                raise RuntimeError(f"gradient has shape {seed.shape}, the tensor {self.shape}")
        pending: dict[int, np.ndarray] = {id(self): seed}   # node → sum of the gradients flowing into it
        for node in self._topological_order():
            grad = pending.pop(id(node), None)
            if grad is None:
                continue
            if node._backward is None or node._retains_grad:
                node._accumulate(grad)
            if node._backward is None:
                continue
            for parent, parent_grad in zip(node._parents, node._backward(grad), strict=True):
                if parent_grad is None or not parent.requires_grad:
                    continue
                if parent_grad.shape != parent.data.shape:
                    parent_grad = _unbroadcast(parent_grad, parent.data.shape)
                key = id(parent)
                # A tensor used twice receives the SUM of both paths (never in place: arrays may be shared).
                pending[key] = pending[key] + parent_grad if key in pending else parent_grad
            if not retain_graph:
                node._parents, node._backward = (), _freed

    def _topological_order(self) -> list[Tensor]:
        """Nodes ordered so that each comes before its inputs; an explicit stack, so depth is unlimited."""
        order: list[Tensor] = []
        seen: set[int] = set()
        stack: list[tuple[Tensor, bool]] = [(self, False)]
        while stack:
            node, inputs_done = stack.pop()
            if inputs_done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node._parents if p.requires_grad and id(p) not in seen)
        order.reverse()
        return order

    def _accumulate(self, grad: np.ndarray) -> None:
        grad = grad.astype(self.data.dtype, copy=True)   # each leaf owns its gradient array
        if self.grad is None:
            self.grad = Tensor._make(grad, (), None, "grad")
        else:
            self.grad.data = self.grad.data + grad

    def retain_grad(self) -> None:
        """Keep `.grad` on this intermediate result too (by default only leaves keep theirs)."""
        self._retains_grad = True

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    def detach(self) -> Tensor:
        """The same numbers, cut from the graph: no gradient flows back through the result."""
        return Tensor._make(self.data, (), None, "detach")

    # ---- looking at the numbers ------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        return self._backward is None

    def size(self, dim: int | None = None) -> tuple[int, ...] | int:
        return self.data.shape if dim is None else self.data.shape[dim]

    def dim(self) -> int:
        return self.data.ndim

    def numel(self) -> int:
        return self.data.size

    def numpy(self) -> np.ndarray:
        if self.requires_grad:
            raise RuntimeError("call .detach().numpy() on a tensor that requires grad (as in PyTorch)")
        return self.data

    def item(self) -> float | int:
        if self.data.size != 1:
            raise RuntimeError(f"item() needs one number, not shape {self.shape}")
        return self.data.item()

    def tolist(self) -> list | float | int:
        return self.data.tolist()

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        grad = f", grad_fn=<{self._op}>" if self._backward is not None else ""
        grad = grad or (", requires_grad=True" if self.requires_grad else "")
        body = np.array2string(self.data, precision=4, separator=", ", prefix="tensor(")
        dtype = "" if self.data.dtype in (np.float32, np.int64, np.bool_) else f", dtype={self.data.dtype}"
        return f"tensor({body}{dtype}{grad})"


def _to_array(data: object, dtype: object) -> np.ndarray:
    if isinstance(data, Tensor):
        data = data.data
    if dtype is not None:
        return np.array(data, dtype=np.dtype(dtype))
    keeps_dtype = isinstance(data, (np.ndarray, np.generic))
    array = np.array(data)
    if array.dtype.kind == "f":
        return array if keeps_dtype else array.astype(np.float32)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind == "b":
        return array
    raise TypeError(f"cannot make a tensor of {array.dtype}")


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a gradient back to the shape of an input that broadcasting stretched.

    If y = a + b with a (3, 4) and b (4,), b was used by all three rows: its gradient is the sum over rows.
    """
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad
