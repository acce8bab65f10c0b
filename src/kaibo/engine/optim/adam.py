"""Adam and AdamW (PyTorch's update rules, bias correction included)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from kaibo.engine.optim.optimizer import Optimizer
from kaibo.engine.tensor import Tensor


class Adam(Optimizer):
    """Each weight gets its own step size from running averages of its gradient.

    m ← β₁m + (1−β₁)g (the direction, smoothed), v ← β₂v + (1−β₂)g² (the typical size of g),
    w ← w − η·m̂/(√v̂ + ε), where m̂, v̂ undo the averages' bias towards 0 in the first steps.
    Dividing by √v̂ makes the step about η whatever the scale of the gradient: steep and flat directions
    move at similar speeds. State per parameter: "step", "exp_avg" (m), "exp_avg_sq" (v).
    With `weight_decay` λ, Adam adds λw to the gradient (L2); AdamW instead shrinks w directly.
    """

    decoupled = False

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay})

    def _update(self, param: np.ndarray, grad: np.ndarray, group: dict, state: dict) -> None:
        lr, (beta1, beta2), decay = group["lr"], group["betas"], group["weight_decay"]
        if decay and self.decoupled:
            param *= 1.0 - lr * decay
        elif decay:
            grad = grad + decay * param
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
        state["step"] += 1
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= beta1
        m += (1.0 - beta1) * grad
        v *= beta2
        v += (1.0 - beta2) * (grad * grad)
        correction1 = 1.0 - beta1 ** state["step"]
        correction2 = 1.0 - beta2 ** state["step"]
        denominator = np.sqrt(v) / math.sqrt(correction2) + group["eps"]
        param -= (lr / correction1) * (m / denominator)


class AdamW(Adam):
    """Adam with decoupled weight decay: w ← w·(1 − ηλ) before the Adam step (Loshchilov & Hutter)."""

    decoupled = True

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.01) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)
