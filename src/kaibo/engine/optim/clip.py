"""Gradient clipping by global norm (`torch.nn.utils.clip_grad_norm_`)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from kaibo.engine.tensor import Tensor


def clip_grad_norm_(parameters: Iterable[Tensor], max_norm: float) -> Tensor:
    """Scale all gradients together so their joint length is at most `max_norm`; return the length before.

    Scaling them together keeps the direction of the step and only shortens it: one bad batch cannot throw
    the weights far.
    """
    grads = [p.grad for p in parameters if p.grad is not None]
    total = float(np.sqrt(sum(float(np.vdot(g.data, g.data)) for g in grads)))
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for g in grads:
            g.data = g.data * np.asarray(scale, dtype=g.data.dtype)
    return Tensor(np.asarray(total, dtype=grads[0].data.dtype if grads else np.float32))
