"""The two checks every engine op goes through: central finite differences, and PyTorch.

An op is written once as `fn(lib, *tensors)`, where `lib` is `KAIBO` or `TORCH` below: the same names
(`lib.F`, `lib.cat`, `lib.tensor`, ...) reach the same operation in either library, because the engine's
API is PyTorch's. Inputs are described by `Arg`s, so each row can ask for a domain (positive for log,
away from zero for relu's kink, no ties for max) or a memory layout (a transposed or strided NumPy view).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import torch

import kaibo.engine.functional as KF
from kaibo.engine import Tensor, cat, stack, where
from kaibo.engine.gradcheck import ATOL, RTOL, H, numerical_gradient
from kaibo.engine.nn.positions import rotate_pairs


def torch_rotate_pairs(x: torch.Tensor, cos: np.ndarray, sin: np.ndarray) -> torch.Tensor:
    """RoPE as in the RoFormer paper, columns (2i, 2i+1) turned as a pair, in plain torch ops."""
    cos, sin = (torch.tensor(a, dtype=x.dtype) for a in (cos, sin))
    pairs = x.unflatten(-1, (-1, 2))
    quarter_turn = torch.stack((-pairs[..., 1], pairs[..., 0]), dim=-1).flatten(-2)
    return x * cos + quarter_turn * sin


KAIBO = SimpleNamespace(name="kaibo", F=KF, cat=cat, stack=stack, where=where, tensor=Tensor,
                        rotate_pairs=rotate_pairs)
TORCH = SimpleNamespace(name="torch", F=torch.nn.functional, tensor=torch.tensor, rotate_pairs=torch_rotate_pairs)
TORCH.cat, TORCH.stack, TORCH.where = torch.cat, torch.stack, torch.where

# float64 agrees to rounding error; float32 to what its 24-bit mantissa allows after a few ops.
TOLERANCE = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=1e-4, atol=1e-5)}


@dataclass(frozen=True)
class Arg:
    """One float input: its shape, the interval it is drawn from, and how it lies in memory.

    kind: "uniform" draws from [low, high); "away0" draws |x| from [low, high) with a random sign (no
    kink of relu within reach of a finite difference); "distinct" spaces the values apart (no ties for max).
    layout: None (contiguous), "T" (a transposed view) or "strided" (every other column of a wider array).
    """

    shape: tuple[int, ...]
    low: float = -1.0
    high: float = 1.0
    kind: str = "uniform"
    layout: str | None = None

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        size = int(np.prod(self.shape))
        if self.kind == "distinct":
            values = self.low + (self.high - self.low) * rng.permutation(size) / max(size - 1, 1)
        elif self.kind == "away0":
            values = rng.uniform(self.low, self.high, size) * rng.choice([-1.0, 1.0], size)
        else:
            values = rng.uniform(self.low, self.high, size)
        x = values.reshape(self.shape)
        if self.layout == "T":  # same values, stored transposed: x is an F-ordered view
            return np.ascontiguousarray(x.T).T
        if self.layout == "strided":  # same values, every other element of a wider buffer
            wide = np.zeros(self.shape[:-1] + (2 * self.shape[-1],)) if self.shape else np.zeros(2)
            wide[..., ::2] = x
            return wide[..., ::2]
        return x


def positive(*shape: int, layout: str | None = None) -> Arg:
    return Arg(shape, 0.5, 2.0, layout=layout)


def away0(*shape: int) -> Arg:
    return Arg(shape, 0.1, 1.0, kind="away0")


def distinct(*shape: int) -> Arg:
    return Arg(shape, -2.0, 2.0, kind="distinct")


def transposed(*shape: int) -> Arg:
    return Arg(shape, layout="T")


def strided(*shape: int) -> Arg:
    return Arg(shape, layout="strided")


def sample_inputs(name: str, args: tuple) -> list[np.ndarray]:
    """float64 inputs for a row, the same on every run (seeded by the row's name)."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return [(a if isinstance(a, Arg) else Arg(tuple(a))).sample(rng) for a in args]


def upstream(rng: np.random.Generator, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    """A random gradient for each output, so that every output element counts in the check."""
    return [np.asarray(rng.standard_normal(shape)) for shape in shapes]


def outputs(result) -> list:
    return list(result) if isinstance(result, (tuple, list)) else [result]


def kaibo_grads(fn, arrays: list[np.ndarray], dtype=np.float64, grads_out=None):
    """Run fn on kaibo tensors and backpropagate `grads_out` (drawn if None): outputs, grads, grads_out."""
    xs = [Tensor(a.astype(dtype, copy=False), requires_grad=True) for a in arrays]
    outs = outputs(fn(KAIBO, *xs))
    if grads_out is None:
        grads_out = upstream(np.random.default_rng(0), [o.shape for o in outs])
    if len(outs) == 1:
        outs[0].backward(Tensor(grads_out[0].astype(dtype)))
    else:  # several outputs: backpropagate the one scalar sum_i <out_i, g_i>
        loss = (outs[0] * Tensor(grads_out[0].astype(dtype))).sum()
        for o, g in zip(outs[1:], grads_out[1:], strict=True):
            loss = loss + (o * Tensor(g.astype(dtype))).sum()
        loss.backward()
    for i, x in enumerate(xs):
        assert x.grad is not None, f"input {i} got no gradient"
    return outs, [x.grad for x in xs], grads_out


def gradcheck(fn, arrays: list[np.ndarray], h: float = H, rtol: float = RTOL, atol: float = ATOL) -> None:
    """Compare kaibo's backward with central differences of L(x) = sum_i <fn(x)_i, g_i> in float64.

    The differences are the engine's own `numerical_gradient` (the function lesson 2 shows and measures):
    (L(x+h) - L(x-h)) / ((x+h) - (x-h)) errs by O(h^2) from truncation and O(eps/h) from rounding;
    h = 1e-6 balances the two at about 1e-10 for the smooth, O(1) functions tested here.
    """
    kept = [a.copy() for a in arrays]
    outs, grads, g = kaibo_grads(fn, arrays)
    for a, k in zip(arrays, kept, strict=True):
        np.testing.assert_array_equal(a, k, err_msg="the engine wrote into its input array")

    def loss(values: list[np.ndarray]) -> float:
        res = outputs(fn(KAIBO, *[Tensor(v) for v in values]))
        return sum(float(np.sum(r.data * gi)) for r, gi in zip(res, g, strict=True))

    for i, a in enumerate(arrays):
        values = [v.copy() for v in arrays]
        (numeric,) = numerical_gradient(lambda values=values: loss(values), values[i], h=h)
        assert grads[i].shape == a.shape, f"input {i}: gradient shape {grads[i].shape}, input shape {a.shape}"
        np.testing.assert_allclose(grads[i].data, numeric, rtol=rtol, atol=atol, err_msg=f"input {i}")


def torch_check(fn, arrays: list[np.ndarray], dtype=np.float64) -> None:
    """Same inputs through kaibo and PyTorch: every output and every input gradient close, dtype kept."""
    outs, grads, g = kaibo_grads(fn, arrays, dtype)
    ts = [torch.tensor(np.array(a, dtype=dtype), requires_grad=True) for a in arrays]
    touts = outputs(fn(TORCH, *ts))
    torch.autograd.backward(touts, [torch.tensor(gi.astype(dtype)) for gi in g])
    tol = TOLERANCE[dtype]
    assert len(outs) == len(touts)
    for i, (o, t) in enumerate(zip(outs, touts, strict=True)):
        assert isinstance(o.data, np.ndarray), f"output {i}: .data is a {type(o.data).__name__}, not an array"
        assert o.dtype == dtype, f"output {i} is {o.dtype}, inputs were {np.dtype(dtype)}"
        assert o.shape == tuple(t.shape), f"output {i}: shape {o.shape}, torch {tuple(t.shape)}"
        np.testing.assert_allclose(o.data, t.detach().numpy(), **tol, err_msg=f"output {i}")
    for i, (gr, t) in enumerate(zip(grads, ts, strict=True)):
        assert gr.dtype == dtype, f"gradient {i} is {gr.dtype}, inputs were {np.dtype(dtype)}"
        np.testing.assert_allclose(gr.data, t.grad.numpy(), **tol, err_msg=f"gradient {i}")
