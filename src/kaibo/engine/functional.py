"""Functions of tensors used by neural networks, imported as `F` (as `torch.nn.functional` is).

Activations and `mse_loss` are composed of the primitive ops, so their gradients come for free. softmax,
log_softmax, cross_entropy, layer_norm, linear and embedding are fused: one forward, and one backward whose
derivation is written beside it (each is gradient-checked in the tests). Fusing them avoids storing many
intermediate arrays and keeps the training step fast. conv2d and max_pool2d, the sliding-window ops, live in
`ops_conv.py` and are reached from here as `F.conv2d` and `F.max_pool2d`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from kaibo.engine.ops_conv import conv2d, max_pool2d  # noqa: F401  (F.conv2d, F.max_pool2d)
from kaibo.engine.random import generator
from kaibo.engine.tensor import Tensor

# ---- activations ---------------------------------------------------------------------------------------


def relu(x: Tensor) -> Tensor:
    return x.relu()


def sigmoid(x: Tensor) -> Tensor:
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    return x.tanh()


def gelu(x: Tensor, approximate: str = "tanh") -> Tensor:
    """GELU in GPT-2's tanh form: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).

    The exact GELU needs erf, which NumPy lacks; the tanh form is what GPT-2 used and what
    `torch.nn.functional.gelu(x, approximate="tanh")` computes.
    """
    if approximate != "tanh":
        raise ValueError('only gelu(x, approximate="tanh") exists here: the exact form needs erf')
    v = x.data
    c = math.sqrt(2.0 / math.pi)
    t = np.tanh(c * (v + 0.044715 * (v * v * v)))   # v*v*v: `v ** 3` is ~300× slower on negatives

    def backward(grad):
        # d/dv ½v(1+t) = ½(1+t) + ½v(1−t²)·c(1 + 3·0.044715v²), built up in place: on a GPT's MLP this
        # array is the largest of the step, and every temporary costs a full pass over memory.
        slope = v * v
        slope *= 3 * 0.044715
        slope += 1.0
        slope *= 0.5 * c
        slope *= v
        slope *= 1.0 - t * t
        slope += 0.5 * (1.0 + t)
        slope *= grad
        return (slope,)
    return Tensor._make(0.5 * v * (1.0 + t), (x,), backward, "gelu")


# ---- probabilities -------------------------------------------------------------------------------------


def softmax(x: Tensor, dim: int) -> Tensor:
    """exp(xᵢ)/Σⱼexp(xⱼ) along `dim`; subtracting the maximum first changes nothing but avoids overflow."""
    shifted = x.data - x.data.max(axis=dim, keepdims=True)
    e = np.exp(shifted)
    y = e / e.sum(axis=dim, keepdims=True)

    def backward(grad):
        # ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ − yⱼ), so (Jᵀg)ⱼ = yⱼ(gⱼ − Σᵢ gᵢyᵢ).
        return (y * (grad - (grad * y).sum(axis=dim, keepdims=True)),)
    return Tensor._make(y, (x,), backward, "softmax")


def log_softmax(x: Tensor, dim: int) -> Tensor:
    """log softmax(x), computed as x − max − log Σ exp(x − max): exact where softmax would round to 0."""
    shifted = x.data - x.data.max(axis=dim, keepdims=True)
    y = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))

    def backward(grad):
        # yᵢ = xᵢ − logΣexp(x), so ∂yᵢ/∂xⱼ = δᵢⱼ − softmax(x)ⱼ and (Jᵀg)ⱼ = gⱼ − softmax(x)ⱼ Σᵢ gᵢ.
        return (grad - np.exp(y) * grad.sum(axis=dim, keepdims=True),)
    return Tensor._make(y, (x,), backward, "log_softmax")


# ---- losses --------------------------------------------------------------------------------------------


def cross_entropy(logits: Tensor, targets: Tensor | np.ndarray, ignore_index: int = -100) -> Tensor:
    """Mean of −log p(target) over the rows whose target is not `ignore_index`.

    logits (N, C) are unnormalised scores; targets (N,) are class numbers. This is the loss of a language
    model: the surprise at the true next token. (Squared error is the loss for regression, not for this.)
    """
    scores = logits.data
    t = np.asarray(targets.data if isinstance(targets, Tensor) else targets, dtype=np.int64)
    if scores.ndim != 2 or t.shape != scores.shape[:1]:
        raise ValueError(f"cross_entropy expects logits (N, C) and targets (N,), got {scores.shape} and {t.shape}")
    kept = t != ignore_index
    if np.any(kept & ((t < 0) | (t >= scores.shape[1]))):
        raise IndexError(f"targets must be class numbers 0 … {scores.shape[1] - 1} (or ignore_index), "
                         f"got {t[kept & ((t < 0) | (t >= scores.shape[1]))][:5].tolist()}")
    count = int(kept.sum())
    rows = np.arange(len(t))
    safe = np.where(kept, t, 0)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    picked = shifted[rows, safe] - log_norm                      # log p(target) per row
    loss = -(picked * kept).sum() / count if count else np.array(np.nan)

    def backward(grad):
        # ∂(−log softmax(z)ₜ)/∂z = softmax(z) − onehot(t), averaged over the kept rows.
        g = np.exp(shifted - log_norm[:, None])
        g[rows, safe] -= 1.0
        return (g * (kept[:, None] * (grad / count)),)
    return Tensor._make(np.asarray(loss, dtype=scores.dtype), (logits,), backward, "cross_entropy")


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Squared error (input − target)², averaged (or summed, or per element): the loss for regression."""
    diff = input - target
    squared = diff * diff
    if reduction == "mean":
        return squared.mean()
    if reduction == "sum":
        return squared.sum()
    if reduction == "none":
        return squared
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


# ---- layers --------------------------------------------------------------------------------------------


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weightᵀ + bias, with weight (out, in) as in PyTorch. Extra leading axes of x are a batch."""
    lead, n_in = x.data.shape[:-1], x.data.shape[-1]
    rows = x.data.reshape(-1, n_in)                                  # (N, in): one matrix product, no loop
    w = weight.data
    y = rows @ w.T
    if bias is not None:
        y += bias.data
    need_x = x.requires_grad

    def backward(grad):
        g = grad.reshape(-1, w.shape[0])                             # (N, out)
        grads = [(g @ w).reshape(*lead, n_in) if need_x else None,   # ∂L/∂x = g W
                 g.T @ rows]                                         # ∂L/∂W = gᵀ x
        if bias is not None:
            grads.append(g.sum(axis=0))                              # ∂L/∂b = Σ over rows of g
        return grads
    parents = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._make(y.reshape(*lead, w.shape[0]), parents, backward, "linear")


def embedding(ids: Tensor | np.ndarray, weight: Tensor) -> Tensor:
    """Row `ids[i]` of `weight` for every id: a table look-up. ids (...) → (..., C)."""
    idx = np.asarray(ids.data if isinstance(ids, Tensor) else ids, dtype=np.int64)
    table = weight.data
    if idx.size and (idx.min() < 0 or idx.max() >= len(table)):
        raise IndexError(f"ids must be 0 … {len(table) - 1}, got {idx.min()} … {idx.max()}")

    def backward(grad):
        # A row used k times receives the sum of its k gradients. Sorting the ids and adding runs of equal
        # ids with reduceat is several times faster than np.add.at (PERFORMANCE.md).
        flat = idx.ravel()
        order = np.argsort(flat, kind="stable")
        rows, starts = np.unique(flat[order], return_index=True)
        full = np.zeros_like(table)
        full[rows] = np.add.reduceat(grad.reshape(-1, table.shape[1])[order], starts, axis=0)
        return (full,)
    return Tensor._make(table[idx], (weight,), backward, "embedding")


def layer_norm(x: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last axes to mean 0 and variance 1, then scale by weight and shift by bias."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if x.data.shape[x.data.ndim - len(shape):] != shape:
        raise ValueError(f"layer_norm over {shape} needs an input ending in {shape}, got {x.data.shape}")
    axes = tuple(range(x.data.ndim - len(shape), x.data.ndim))
    n = int(np.prod(shape))
    centred = x.data - x.data.mean(axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt((centred * centred).mean(axis=axes, keepdims=True) + eps)
    xhat = centred * rstd
    y = xhat * weight.data if weight is not None else xhat
    if bias is not None:
        y = y + bias.data
    need_x = x.requires_grad

    def backward(grad):
        # With x̂ = (x − μ)/σ and y = w·x̂ + b, writing ĝ = g·w, the gradient through μ and σ gives
        # ∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ, the means taken over the normalised axes.
        ghat = grad * weight.data if weight is not None else grad
        grads = [rstd * (ghat - ghat.mean(axis=axes, keepdims=True)
                         - xhat * (ghat * xhat).mean(axis=axes, keepdims=True)) if need_x else None]
        if weight is not None:
            grads.append((grad * xhat).reshape(-1, n).sum(axis=0).reshape(shape))
        if bias is not None:
            grads.append(grad.reshape(-1, n).sum(axis=0).reshape(shape))
        return grads
    parents = (x,) + tuple(p for p in (weight, bias) if p is not None)
    return Tensor._make(y.astype(x.data.dtype, copy=False), parents, backward, "layer_norm")


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """In training, zero each element with probability p and scale the rest by 1/(1 − p), so the expected
    value is unchanged and nothing needs rescaling at evaluation time."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be between 0 and 1, not {p}")
    if not training or p == 0.0:
        return x
    keep = (generator().random(x.data.shape) >= p) * np.asarray(1.0 / (1.0 - p) if p < 1 else 0.0,
                                                                dtype=x.data.dtype)

    def backward(grad):                       # dropped elements pass no gradient; kept ones are scaled
        return (grad * keep,)
    return Tensor._make(x.data * keep, (x,), backward, "dropout")
