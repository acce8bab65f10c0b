"""Sliding windows: `conv2d` and `max_pool2d`, the two operations of a convolutional network.

Both look at every kH×kW window of an image (B, C, H, W), moved `stride` pixels at a time over the image
with `padding` pixels added on every side. NumPy's `sliding_window_view` gives all the windows as a view
without copying; then

- conv2d lays each window out as a column ("im2col") and multiplies by the flattened kernels: the whole
  convolution is one matrix product, the fastest thing NumPy does;
- max_pool2d takes the largest number in each window.

Going back ("col2im"), each input pixel receives the sum of the gradients of every window that read it. The
windows at one kernel offset (i, j) read a strided slice of the padded image, so a loop over the kH·kW offsets
adding one slice each does it, with no per-pixel Python and no slow `np.add.at`.

Names and semantics are PyTorch's: `F.conv2d(x, weight, bias, stride, padding)`,
`F.max_pool2d(x, kernel_size, stride=None, padding=0)`.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from kaibo.engine.tensor import Tensor


def _pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    """3 and (3, 3) mean the same, as in PyTorch."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair (height, width), not {value!r}")
    return int(pair[0]), int(pair[1])


def _windows(x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int],
             fill: float, op: str) -> tuple[tuple[int, ...], np.ndarray]:
    """The padded image's shape and a view of its windows, (B, C, Ho, Wo, kH, kW), after checking shapes."""
    if x.ndim != 4:
        raise ValueError(f"{op} expects an input (B, C, H, W), got shape {x.shape}; "
                         f"for a single image add a batch axis: x[None]")
    (kH, kW), (sH, sW), (pH, pW) = kernel, stride, padding
    if min(kH, kW, sH, sW) < 1 or min(pH, pW) < 0:
        raise ValueError(f"{op}: kernel and stride must be at least 1 and padding at least 0, "
                         f"got kernel {kernel}, stride {stride}, padding {padding}")
    H, W = x.shape[2] + 2 * pH, x.shape[3] + 2 * pW
    if kH > H or kW > W:
        raise ValueError(f"{op}: the kernel {kernel} is larger than the padded input ({H}, {W})")
    padded = np.pad(x, ((0, 0), (0, 0), (pH, pH), (pW, pW)), constant_values=fill) if pH or pW else x
    return padded.shape, sliding_window_view(padded, kernel, axis=(2, 3))[:, :, ::sH, ::sW]


def _col2im(pieces: np.ndarray, padded_shape: tuple[int, ...], stride: tuple[int, int],
            padding: tuple[int, int]) -> np.ndarray:
    """Add each window's gradient (B, C, kH, kW, Ho, Wo) back onto the pixels it read; drop the padding."""
    B, C, kH, kW, Ho, Wo = pieces.shape
    (sH, sW), (pH, pW) = stride, padding
    full = np.zeros(padded_shape, dtype=pieces.dtype)                 # (B, C, H + 2pH, W + 2pW)
    for i in range(kH):
        for j in range(kW):                                           # offset (i, j) of every window at once
            full[:, :, i:i + sH * Ho:sH, j:j + sW * Wo:sW] += pieces[:, :, i, j]
    return full[:, :, pH:padded_shape[2] - pH, pW:padded_shape[3] - pW]  # (B, C, H, W)


def conv2d(x: Tensor, weight: Tensor, bias: Tensor | None = None, stride: int | tuple[int, int] = 1,
           padding: int | tuple[int, int] = 0) -> Tensor:
    """2-D convolution (cross-correlation, as in PyTorch): x (B, C_in, H, W), weight (C_out, C_in, kH, kW),
    bias (C_out,) → (B, C_out, Ho, Wo) with Ho = (H + 2·padding − kH) // stride + 1, and Wo likewise."""
    w = weight.data
    if w.ndim != 4:
        raise ValueError(f"conv2d expects a weight (C_out, C_in, kH, kW), got shape {w.shape}")
    C_out, C, kH, kW = w.shape
    stride, padding = _pair(stride, "stride"), _pair(padding, "padding")
    padded_shape, windows = _windows(x.data, (kH, kW), stride, padding, 0.0, "conv2d")
    if x.data.shape[1] != C:
        raise ValueError(f"conv2d: the input has {x.data.shape[1]} channels, the weight expects {C}")
    B, _, Ho, Wo = windows.shape[:4]
    # im2col: one column per output pixel, holding its window's C·kH·kW numbers (this line copies).
    cols = windows.transpose(0, 1, 4, 5, 2, 3).reshape(B, C * kH * kW, Ho * Wo)   # (B, C·kH·kW, Ho·Wo)
    kernels = w.reshape(C_out, C * kH * kW)                                          # (C_out, C·kH·kW)
    y = kernels @ cols                                                           # (B, C_out, Ho·Wo)
    if bias is not None:
        y += bias.data[:, None]
    need_x = x.requires_grad

    def backward(grad):
        # Per image b, y_b = K cols_b + bias (K the flattened kernels), where column p of cols_b is the
        # window of output pixel p and row k = (c, i, j) reads padded[b, c, h·sH + i, w·sW + j]. So, as for
        # a linear layer: ∂L/∂K = Σ_b g_b cols_bᵀ, ∂L/∂cols_b = Kᵀ g_b, ∂L/∂bias = Σ over b and pixels of g.
        # A pixel read by several windows (or offsets) receives the sum of their gradients: _col2im.
        g = grad.reshape(B, C_out, Ho * Wo)                                          # (B, C_out, Ho·Wo)
        grads = [None]
        if need_x:
            pieces = (kernels.T @ g).reshape(B, C, kH, kW, Ho, Wo)               # ∂L/∂cols, per offset
            grads[0] = _col2im(pieces, padded_shape, stride, padding)            # (B, C, H, W)
        grads.append(np.tensordot(g, cols, axes=([0, 2], [0, 2])).reshape(w.shape))  # (C_out, C, kH, kW)
        if bias is not None:
            grads.append(g.sum(axis=(0, 2)))                                     # (C_out,)
        return grads
    parents = (x, weight) if bias is None else (x, weight, bias)
    return Tensor._make(y.reshape(B, C_out, Ho, Wo), parents, backward, "conv2d")


def max_pool2d(x: Tensor, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None,
               padding: int | tuple[int, int] = 0) -> Tensor:
    """The largest number in each window: (B, C, H, W) → (B, C, Ho, Wo). `stride` defaults to `kernel_size`
    (windows side by side), and padding adds −∞, which never wins, as in PyTorch."""
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None else _pair(stride, "stride")
    padding = _pair(padding, "padding")
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"max_pool2d: padding {padding} must be at most half the kernel {kernel}, "
                         f"or a window could hold padding only")
    padded_shape, windows = _windows(x.data, kernel, stride, padding, -np.inf, "max_pool2d")
    B, C, Ho, Wo, kH, kW = windows.shape
    flat = windows.reshape(B, C, Ho, Wo, kH * kW)                                # (B, C, Ho, Wo, kH·kW)
    winner = flat.argmax(axis=-1)            # (B, C, Ho, Wo); on a tie the first in reading order, as torch
    y = np.take_along_axis(flat, winner[..., None], axis=-1)[..., 0]             # (B, C, Ho, Wo)

    def backward(grad):
        # Only the window's largest number moved its output, by exactly as much: it gets the gradient, the
        # others nothing. Overlapping windows (stride < kernel) may pick the same pixel: it gets the sum.
        chosen = winner[:, :, None] == np.arange(kH * kW)[:, None, None]        # (B, C, kH·kW, Ho, Wo)
        pieces = (chosen * grad[:, :, None]).reshape(B, C, kH, kW, Ho, Wo)
        return (_col2im(pieces, padded_shape, stride, padding),)
    return Tensor._make(y, (x,), backward, "max_pool2d")
