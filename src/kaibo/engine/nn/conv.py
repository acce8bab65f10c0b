"""The layers of a convolutional network: `Conv2d` and `MaxPool2d`, with PyTorch's names, arguments and
initialisation. Their operations, and how their gradients flow, are in `ops_conv.py`."""

from __future__ import annotations

import math

from kaibo.engine import functional as F
from kaibo.engine.nn.layers import _uniform
from kaibo.engine.nn.module import Module, Parameter
from kaibo.engine.ops_conv import _pair
from kaibo.engine.tensor import Tensor


class Conv2d(Module):
    """C_out kernels of shape (C_in, kH, kW) slid over an image (B, C_in, H, W) → (B, C_out, Ho, Wo).

    Parameters
    ----------
    in_channels, out_channels : int
        C_in and C_out.
    kernel_size, stride, padding : int or (int, int)
        The window's (height, width), how far it moves each step, how many zeros surround the image.
    bias : bool
        Add a learned number per output channel.

    Initial weight and bias are uniform in ±1/√(C_in·kH·kW), as PyTorch's (its kaiming-uniform with a = √5
    works out to exactly this bound): each output starts with a variance that does not grow with the kernel.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int],
                 stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0, bias: bool = True) -> None:
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.stride, self.padding = _pair(stride, "stride"), _pair(padding, "padding")
        bound = 1.0 / math.sqrt(in_channels * self.kernel_size[0] * self.kernel_size[1])
        self.weight = Parameter(_uniform((out_channels, in_channels, *self.kernel_size), bound))
        self.bias = Parameter(_uniform((out_channels,), bound)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, bias={self.bias is not None}")


class MaxPool2d(Module):
    """The largest number of each window; `stride` defaults to `kernel_size` (windows side by side)."""

    def __init__(self, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None,
                 padding: int | tuple[int, int] = 0) -> None:
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride

    def forward(self, x: Tensor) -> Tensor:
        return F.max_pool2d(x, self.kernel_size, self.stride, self.padding)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
