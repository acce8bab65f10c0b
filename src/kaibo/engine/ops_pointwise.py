"""Element-wise functions. Each backward multiplies the incoming gradient by the local derivative."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from kaibo.engine.tensor import Tensor


class PointwiseOps:
    __slots__ = ()

    def exp(self) -> Tensor:
        y = np.exp(self.data)

        def backward(grad):                   # d eˣ/dx = eˣ
            return (grad * y,)
        return self._make(y, (self,), backward, "exp")

    def log(self) -> Tensor:
        x = self.data

        def backward(grad):                   # d ln x/dx = 1/x
            return (grad / x,)
        return self._make(np.log(x), (self,), backward, "log")

    def sqrt(self) -> Tensor:
        y = np.sqrt(self.data)

        def backward(grad):                   # d √x/dx = 1/(2√x)
            return (grad * 0.5 / y,)
        return self._make(y, (self,), backward, "sqrt")

    def tanh(self) -> Tensor:
        y = np.tanh(self.data)

        def backward(grad):                   # d tanh(x)/dx = 1 − tanh(x)²
            return (grad * (1.0 - y * y),)
        return self._make(y, (self,), backward, "tanh")

    def relu(self) -> Tensor:
        x = self.data

        def backward(grad):                   # slope 1 where x > 0, else 0
            return (grad * (x > 0),)
        return self._make(np.maximum(x, 0), (self,), backward, "relu")

    def sigmoid(self) -> Tensor:
        # 1/(1+e⁻ˣ) written as exp(−log(1+e⁻ˣ)): no overflow warning for large negative x.
        y = np.exp(-np.logaddexp(0, -self.data)).astype(self.data.dtype)

        def backward(grad):                   # dσ/dx = σ(1 − σ)
            return (grad * y * (1.0 - y),)
        return self._make(y, (self,), backward, "sigmoid")

    def masked_fill(self, mask: object, value: float) -> Tensor:
        """Where `mask` is True the result is `value` (attention's causal mask uses −inf)."""
        mask = np.asarray(getattr(mask, "data", mask), dtype=bool)

        def backward(grad):                   # filled positions no longer depend on the input
            return (np.where(mask, 0, grad),)
        return self._make(np.where(mask, self.data.dtype.type(value), self.data), (self,), backward, "masked_fill")
