"""Hand-made 3 × 3 kernels, the ones image processing used long before networks learned their own, and the
learner's own nine numbers.

Read as `F.conv2d` uses them (cross-correlation: each weight lies on the pixel under it):

- vertical edge: right column minus left column; positive where the ink grows from left to right, negative
  where it fades, zero on a flat patch (all weights add up to 0);
- horizontal edge: the same turned a quarter, bottom row minus top row;
- blur: the average of the nine pixels (weights 1/9, adding up to 1: a flat patch keeps its value);
- sharpen: five times the centre minus its four neighbours (adding up to 1): a flat patch keeps its value,
  a difference from the neighbours is made larger;
- identity: the centre pixel alone: the image comes back unchanged (with padding 1, stride 1).
"""

from __future__ import annotations

import math
import re

import numpy as np

from kaibo.errors import InputError

KERNELS: dict[str, np.ndarray] = {
    "vertical_edge": np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]], dtype=np.float64),
    "horizontal_edge": np.array([[-1, -1, -1], [0, 0, 0], [1, 1, 1]], dtype=np.float64),
    "blur": np.full((3, 3), 1 / 9),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float64),
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float64),
}
for _kernel in KERNELS.values():
    _kernel.flags.writeable = False  # shared by every caller
LARGEST = 100.0  # an own weight beyond ±100 makes maps no figure can colour usefully


def parse_kernel(text: str) -> np.ndarray:
    """Nine numbers, row after row, separated by spaces, commas or semicolons ("1 0 -1, 2 0 -2, 1 0 -1")
    → a (3, 3) kernel. Fractions such as 1/9 are read too. Anything else is refused with a message that
    says what was found."""
    pieces = [p for p in re.split(r"[\s,;、，]+", text.strip()) if p]
    numbers = []
    for piece in pieces:
        number = _number(piece)
        if number is None:
            raise InputError("convolution.error.kernel_number", piece=piece)
        numbers.append(number)
    if len(numbers) != 9:
        raise InputError("convolution.error.kernel_count", count=len(numbers))
    if max(abs(n) for n in numbers) > LARGEST:
        raise InputError("convolution.error.kernel_large", largest=int(LARGEST))
    return np.array(numbers, dtype=np.float64).reshape(3, 3)


def _number(piece: str) -> float | None:
    """A decimal number or a fraction a/b, finite; None for anything else."""
    top, slash, bottom = piece.partition("/")
    try:
        value = float(top) / float(bottom) if slash else float(piece)
    except (ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None
