"""Arithmetic: + − × ÷, powers and matrix products, each forward beside its backward.

Broadcasting works as in NumPy and PyTorch; each backward returns gradients in the broadcast shape and
`Tensor.backward` sums them back to each input's own shape. A backward skips the gradient of an input that
does not need one (a constant): computing it would cost a full pass for nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from kaibo.engine.tensor import Tensor


class ArithmeticOps:
    __slots__ = ()

    def __add__(self, other: object) -> Tensor:
        other = self._lift(other)

        def backward(grad):                   # ∂(a+b)/∂a = ∂(a+b)/∂b = 1
            return grad, grad
        return self._make(self.data + other.data, (self, other), backward, "add")

    __radd__ = __add__

    def __sub__(self, other: object) -> Tensor:
        other = self._lift(other)

        def backward(grad):                   # ∂(a−b)/∂a = 1, ∂(a−b)/∂b = −1
            return grad, -grad
        return self._make(self.data - other.data, (self, other), backward, "sub")

    def __rsub__(self, other: object) -> Tensor:
        return self._lift(other) - self

    def __neg__(self) -> Tensor:
        def backward(grad):
            return (-grad,)
        return self._make(-self.data, (self,), backward, "neg")

    def __mul__(self, other: object) -> Tensor:
        other = self._lift(other)
        a, b = self.data, other.data
        need_a, need_b = self.requires_grad, other.requires_grad

        def backward(grad):                   # ∂(ab)/∂a = b, ∂(ab)/∂b = a
            return (grad * b if need_a else None), (grad * a if need_b else None)
        return self._make(a * b, (self, other), backward, "mul")

    __rmul__ = __mul__

    def __truediv__(self, other: object) -> Tensor:
        other = self._lift(other)
        a, b = self.data, other.data
        y = a / b
        need_a, need_b = self.requires_grad, other.requires_grad

        def backward(grad):                   # ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −a/b² = −y/b
            return (grad / b if need_a else None), (-grad * y / b if need_b else None)
        return self._make(y, (self, other), backward, "div")

    def __rtruediv__(self, other: object) -> Tensor:
        return self._lift(other) / self

    def __pow__(self, exponent: float) -> Tensor:
        if not isinstance(exponent, (int, float)):
            raise TypeError("the exponent must be a number (tensor ** tensor is not supported)")
        x = self.data
        # x*x is exact and fast; np.power with a general exponent is far slower (PERFORMANCE.md).
        y = x * x if exponent == 2 else np.power(x, exponent)

        def backward(grad):                   # ∂xᵖ/∂x = p·xᵖ⁻¹
            return (grad * (2 * x if exponent == 2 else exponent * np.power(x, exponent - 1)),)
        return self._make(y, (self,), backward, "pow")

    def __matmul__(self, other: Tensor) -> Tensor:
        a, b = self.data, other.data
        need_a, need_b = self.requires_grad, other.requires_grad

        def backward(grad):
            if a.ndim == 1 and b.ndim == 1:       # a dot product: ∂(a·b)/∂a = b, ∂(a·b)/∂b = a
                return grad * b, grad * a
            # For Y = A @ B: ∂L/∂A = ∂L/∂Y @ Bᵀ and ∂L/∂B = Aᵀ @ ∂L/∂Y. A 1-D operand is a row (A) or a
            # column (B) for the product, as in torch.matmul, and loses that axis again afterwards.
            a2 = a[None, :] if a.ndim == 1 else a
            b2 = b[:, None] if b.ndim == 1 else b
            g2 = grad[..., None, :] if a.ndim == 1 else grad
            g2 = g2[..., None] if b.ndim == 1 else g2
            grad_a = grad_b = None
            if need_a:
                grad_a = g2 @ np.swapaxes(b2, -1, -2)
                grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
            if need_b:
                if b.ndim == 2 and a.ndim > 2:     # a weight shared by a batch: one big product, no loop
                    grad_b = a.reshape(-1, a.shape[-1]).T @ g2.reshape(-1, g2.shape[-1])
                else:
                    grad_b = np.swapaxes(a2, -1, -2) @ g2
                grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
            return grad_a, grad_b
        return self._make(a @ b, (self, other), backward, "matmul")
