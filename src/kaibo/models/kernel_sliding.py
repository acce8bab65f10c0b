"""A kernel slid over an image one position at a time: what a convolution layer computes, multiply-add by
multiply-add, next to what the engine's `F.conv2d` computes all at once.

At each position the kernel (K × K weights) lies on a K × K window of the image; each pixel of the window is
multiplied by the weight on top of it and the K·K products are added: that sum is one cell of the output, the
**feature map**. Then the window moves `stride` pixels to the right, and at the end of a row back to the left
and `stride` pixels down. `padding` pixels of zeros around the image let the window sit on the border too. So
the output has

    (H + 2·padding − K) // stride + 1

rows (and as many columns for a square image): the floor drops a last column the window would not fit in.

What deep-learning libraries call convolution is **cross-correlation**: the kernel is laid on the window as
it is. Convolution in mathematics (and in signal processing) turns the kernel by 180° first,
(x ∗ k)[r, c] = Σ x[r − i, c − j]·k[i, j]; `convolve` computes that, as the cross-correlation with the turned
kernel. For a learned kernel the difference does not matter (training would learn the turned kernel), but a
hand-made edge detector gives the opposite sign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor
from kaibo.engine import functional as F


def output_size(size: int, kernel: int, stride: int, padding: int) -> int:
    """Rows (or columns) of the feature map: (size + 2·padding − kernel) // stride + 1."""
    return (size + 2 * padding - kernel) // stride + 1


@dataclass(frozen=True)
class Position:
    """The kernel at one position: output cell (row, col), the window's top-left corner in the padded image,
    the window, the products pixel × weight and their sum."""

    step: int
    row: int
    col: int
    top: int
    left: int
    window: np.ndarray      # (K, K), the pixels under the kernel (zeros where it lies on the padding)
    products: np.ndarray    # (K, K), window * kernel
    total: float            # the sum of the products: the output cell


@dataclass(frozen=True)
class Slide:
    """`image` (H, W) and `kernel` (K, K) at a stride and padding; `padded` is the image with its border of
    zeros and `out` the feature map as the engine's `F.conv2d` computes it (Ho, Wo)."""

    image: np.ndarray
    kernel: np.ndarray
    stride: int
    padding: int
    padded: np.ndarray
    out: np.ndarray

    @property
    def steps(self) -> int:
        """How many positions the kernel takes: one per output cell."""
        return self.out.size

    def at(self, step: int) -> Position:
        """The kernel's `step`-th position (from 1), in reading order: along the first row, then the next."""
        if not 1 <= step <= self.steps:
            raise ValueError(f"step must be between 1 and {self.steps}, got {step}")
        row, col = divmod(step - 1, self.out.shape[1])
        top, left = row * self.stride, col * self.stride
        K = self.kernel.shape[0]
        window = self.padded[top:top + K, left:left + K]
        products = window * self.kernel
        return Position(step, row, col, top, left, window, products, float(products.sum()))


def slide(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> Slide:
    """The kernel slid over `image` (H, W): its padded image and the feature map of `F.conv2d` (no bias)."""
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    out = F.conv2d(Tensor(image[None, None]), Tensor(kernel[None, None]), stride=stride, padding=padding)
    padded = np.pad(image, padding)                                # (H + 2P, W + 2P)
    return Slide(image, kernel, stride, padding, padded, out.data[0, 0])  # out: (1, 1, Ho, Wo) → (Ho, Wo)


def flip(kernel: np.ndarray) -> np.ndarray:
    """The kernel turned by 180° (upside down and left to right)."""
    return np.asarray(kernel)[::-1, ::-1]


def convolve(image: np.ndarray, kernel: np.ndarray, padding: int = 0) -> np.ndarray:
    """Convolution as mathematics defines it, (x ∗ k)[r, c] = Σ x[r − i, c − j]·k[i, j] (stride 1): the
    cross-correlation of `F.conv2d` with the kernel turned by 180°."""
    return slide(image, flip(kernel), 1, padding).out
