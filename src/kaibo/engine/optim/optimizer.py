"""What every optimizer shares: parameter groups, per-parameter state, zero_grad (as `torch.optim`)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from kaibo.engine.tensor import Tensor


class Optimizer:
    """Holds `param_groups` (each a dict: "params" and its hyperparameters, e.g. "lr") and `state`.

    A schedule changes `group["lr"]` between steps; a group can also have its own weight decay
    (e.g. none for biases and LayerNorm weights).
    """

    def __init__(self, params: Iterable[Tensor] | Iterable[dict], defaults: dict) -> None:
        params = list(params)
        if not params:
            raise ValueError("the optimizer got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        self.param_groups = [{**defaults, **group, "params": list(group["params"])} for group in groups]
        for group in self.param_groups:
            if not (math.isfinite(group["lr"]) and group["lr"] >= 0):
                raise ValueError(f"invalid learning rate: {group['lr']}")
        self.state: dict[Tensor, dict] = {}

    def zero_grad(self) -> None:
        """Forget the gradients of the last backward (they would otherwise be added to)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self) -> None:
        """Move every parameter that has a gradient by this optimizer's rule."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p.data, p.grad.data, group, self.state.setdefault(p, {}))

    def _update(self, param: np.ndarray, grad: np.ndarray, group: dict, state: dict) -> None:
        raise NotImplementedError
