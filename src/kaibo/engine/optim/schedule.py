"""Learning-rate schedules: `LambdaLR` (as in PyTorch) and the warmup-then-cosine shape GPTs train with."""

from __future__ import annotations

import math
from collections.abc import Callable

from kaibo.engine.optim.optimizer import Optimizer


def cosine_with_warmup(warmup_steps: int, total_steps: int, min_ratio: float = 0.0) -> Callable[[int], float]:
    """A multiplier for the base learning rate at each step.

    Warmup: rises linearly from 0 to 1 over `warmup_steps` (large early steps on random weights can throw
    training off). Then half a cosine wave down to `min_ratio` at `total_steps`, and flat after.
    """
    if not 0 <= warmup_steps <= total_steps:
        raise ValueError("need 0 ≤ warmup_steps ≤ total_steps")

    def factor(step: int) -> float:
        if step < warmup_steps:
            return step / warmup_steps
        progress = min(1.0, (step - warmup_steps) / max(1, total_steps - warmup_steps))
        return min_ratio + (1.0 - min_ratio) * 0.5 * (1.0 + math.cos(math.pi * progress))
    return factor


class LambdaLR:
    """Sets each group's lr to base_lr × lr_lambda(step); call `step()` after each optimizer step."""

    def __init__(self, optimizer: Optimizer, lr_lambda: Callable[[int], float]) -> None:
        self.optimizer = optimizer
        self.lr_lambda = lr_lambda
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def step(self) -> None:
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs, strict=True):
            group["lr"] = base * self.lr_lambda(self.last_epoch)

    def get_last_lr(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]
