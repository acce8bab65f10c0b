"""Stochastic gradient descent, with optional momentum and weight decay (PyTorch's rule)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from kaibo.engine.optim.optimizer import Optimizer
from kaibo.engine.tensor import Tensor


class SGD(Optimizer):
    """w ← w − η·g, where g = ∂L/∂w (+ λw with weight decay).

    The minus sign is the whole idea: the gradient points uphill, so we step the other way.
    With momentum μ the step follows a velocity instead, v ← μ·v + g, w ← w − η·v: a ball rolling downhill
    that keeps some of its speed, so it crosses flat stretches and damps zig-zags.
    The velocity is kept in `optimizer.state[p]["momentum_buffer"]`.
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, {"lr": lr, "momentum": momentum, "weight_decay": weight_decay})

    def _update(self, param: np.ndarray, grad: np.ndarray, group: dict, state: dict) -> None:
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        if group["momentum"]:
            velocity = state.get("momentum_buffer")
            if velocity is None:                  # the first step starts the velocity at g itself
                velocity = state["momentum_buffer"] = grad.copy()
            else:
                velocity *= group["momentum"]
                velocity += grad
            grad = velocity
        param -= group["lr"] * grad
