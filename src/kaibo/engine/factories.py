"""Ways to make tensors, named as in PyTorch: tensor, zeros, ones, randn, arange."""

from __future__ import annotations

import numpy as np

from kaibo.engine.random import generator
from kaibo.engine.tensor import Tensor


def tensor(data: object, dtype: object = None, requires_grad: bool = False) -> Tensor:
    return Tensor(data, dtype=dtype, requires_grad=requires_grad)


def zeros(*shape: int, dtype: object = np.float32, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(shape, dtype=dtype), requires_grad=requires_grad)


def ones(*shape: int, dtype: object = np.float32, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(shape, dtype=dtype), requires_grad=requires_grad)


def randn(*shape: int, dtype: object = np.float32, requires_grad: bool = False) -> Tensor:
    """Standard normal numbers from the engine's generator (repeatable after `manual_seed`)."""
    return Tensor(generator().standard_normal(shape).astype(dtype), requires_grad=requires_grad)


def arange(start: int, end: int | None = None, step: int = 1) -> Tensor:
    return Tensor(np.arange(start, end, step) if end is not None else np.arange(start))
