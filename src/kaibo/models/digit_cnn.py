"""A small convolutional network for the 8 × 8 digits: two convolution + ReLU + max-pool stages, then Linear.

Why convolutions for images: an MLP gives each pixel its own weights, so a stroke learned at one place means
nothing one pixel to the left; a 3 × 3 kernel is the same small detector slid over every place, so it has few
weights (9 per input channel) and finds a stroke wherever it is. Max-pooling keeps the strongest response of
each 2 × 2 patch, so the next stage looks at a coarser map and a shift of a pixel changes less.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor, nn
from kaibo.models.classifier import Keep, TracedClassifier


@dataclass(frozen=True)
class DigitCNNConfig:
    """The hyper-parameters of a `DigitCNN` (saved with its weights)."""

    channels1: int = 8
    channels2: int = 16
    classes: int = 10

    def __post_init__(self) -> None:
        if min(self.channels1, self.channels2) < 1 or self.classes < 2:
            raise ValueError(f"DigitCNN needs channels ≥ 1 and classes ≥ 2, "
                             f"got {self.channels1}, {self.channels2}, {self.classes}")


class DigitCNN(TracedClassifier):
    """Digits (B, 1, 8, 8) — or flattened, (B, 64) — → logits (B, classes).

    conv 3 × 3 (channels1, padding 1) → ReLU → max-pool 2 → conv 3 × 3 (channels2, padding 1) → ReLU →
    max-pool 2 → flatten → Linear. Padding 1 keeps each map the size of its input; each pool halves it.

    Parameters
    ----------
    channels1, channels2 : int
        Kernels (output channels) of the first and second convolution.
    classes : int
        How many classes (10 digits).

    Trace names
    -----------
    In forward order (C1 = channels1, C2 = channels2):

    - ``input`` (B, 1, 8, 8): the image, also when given flattened
    - ``conv1`` (B, C1, 8, 8)
    - ``relu1`` (B, C1, 8, 8)
    - ``pool1`` (B, C1, 4, 4)
    - ``conv2`` (B, C2, 4, 4)
    - ``relu2`` (B, C2, 4, 4)
    - ``pool2`` (B, C2, 2, 2)
    - ``flat`` (B, C2 · 4)
    - ``logits`` (B, classes)
    - ``probs`` (B, classes): softmax of the logits

    With targets, also ``loss`` and ``grad:<name>`` for every name up to ``logits`` (`TracedClassifier.trace`).
    """

    Config = DigitCNNConfig

    def __init__(self, channels1: int = 8, channels2: int = 16, classes: int = 10) -> None:
        super().__init__()
        self.config = DigitCNNConfig(channels1, channels2, classes)
        self.conv1 = nn.Conv2d(1, channels1, 3, padding=1)
        self.conv2 = nn.Conv2d(channels1, channels2, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(channels2 * 2 * 2, classes)

    def _input(self, x: Tensor | np.ndarray) -> Tensor:
        x = x if isinstance(x, Tensor) else Tensor(x)
        if x.ndim == 2 and x.shape[1] == 64 and x.shape[0] >= 1:
            return x.reshape(-1, 1, 8, 8)                           # (B, 64) → (B, 1, 8, 8)
        if x.shape[1:] != (1, 8, 8) or x.shape[0] < 1:
            self._refuse(x, "(B, 1, 8, 8) or (B, 64)")
        return x

    def _forward(self, x: Tensor, keep: Keep) -> Tensor:
        x = keep("input", x)                                        # (B, 1, 8, 8)
        x = keep("conv1", self.conv1(x))                            # (B, C1, 8, 8)
        x = keep("relu1", x.relu())
        x = keep("pool1", self.pool(x))                             # (B, C1, 4, 4)
        x = keep("conv2", self.conv2(x))                            # (B, C2, 4, 4)
        x = keep("relu2", x.relu())
        x = keep("pool2", self.pool(x))                             # (B, C2, 2, 2)
        x = keep("flat", x.reshape(x.shape[0], -1))                 # (B, C2 · 4)
        return keep("logits", self.fc(x))                           # (B, classes)
