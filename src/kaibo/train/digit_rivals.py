"""DigitCNN and an MLP with about as many weights, trained on the same digits split with the same seed and
settings (those of `kaibo.train.classifier.compare_on_digits`), kept with their scores, so a lesson can look
inside the very models it compares.

The digits are 8 × 8 images whose pixels hold how much ink fell on them, a whole number from 0 to 16;
`load_digits_split` divides them by 16 for the networks. `ink` and `pixels` turn one into the other, and
`shift` moves images by whole pixels (what a network makes of a digit drawn one pixel to the left).
`trained(seed)` keeps the trained pair for as long as the process runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

import numpy as np

from kaibo.data.datasets import load_digits_split
from kaibo.engine import manual_seed
from kaibo.models.classifier import TracedClassifier
from kaibo.models.digit_cnn import DigitCNN
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.classifier import accuracy, train_classifier

INK = 16          # the darkest pixel of the digits
SIDE = 8          # images are SIDE × SIDE
EPOCHS, BATCH_SIZE, LR = 20, 32, 1e-2   # compare_on_digits' settings
MLP_HIDDEN = (26,)                     # its MLP: 64·26 + 26 + 26·10 + 10 = 1,960 weights, against the CNN's 1,898


@dataclass(frozen=True)
class Rival:
    """One trained model and how it scores on the split."""

    name: str
    model: TracedClassifier
    parameters: int
    seconds: float
    train_accuracy: float
    test_accuracy: float
    wrong: np.ndarray        # indices of the test images it classifies wrongly


def build(name: str) -> TracedClassifier:
    """A fresh model: "cnn" (DigitCNN) or "mlp" (MLPClassifier 64 → 26 → 10, ReLU)."""
    return DigitCNN() if name == "cnn" else MLPClassifier(SIDE * SIDE, MLP_HIDDEN, 10)


def train_rivals(seed: int = 0, epochs: int = EPOCHS) -> dict[str, Rival]:
    """Both models trained on `load_digits_split()` with Adam (lr 0.01, batches of 32): the engine's seed set
    to `seed` before each is built (its starting weights), and `seed` also orders the batches."""
    data = load_digits_split()
    rivals = {}
    for name in ("cnn", "mlp"):
        manual_seed(seed)
        model = build(name)
        begin = time.perf_counter()
        train_classifier(model, data.x_train, data.y_train, epochs, BATCH_SIZE, LR, seed)
        seconds = time.perf_counter() - begin
        wrong = np.flatnonzero(model.predict(data.x_test) != data.y_test)
        rivals[name] = Rival(name, model, model.num_parameters(), seconds,
                             accuracy(model, data.x_train, data.y_train),
                             accuracy(model, data.x_test, data.y_test), wrong)
    return rivals


def shifted_accuracy(model: TracedClassifier, rows: int, cols: int) -> float:
    """The model's accuracy on the test images of the split, each moved `rows` pixels down and `cols` right."""
    data = load_digits_split()
    return accuracy(model, pixels(shift(ink(data.x_test), rows, cols)), data.y_test)


@cache
def trained(seed: int = 0) -> dict[str, Rival]:
    """`train_rivals(seed)`, once per process: the lab serves every page from one process, so each seed is
    trained once (about 2.5 s) however many learners open the lesson. The models must not be trained further."""
    return train_rivals(seed)


def ink(x: np.ndarray) -> np.ndarray:
    """Images as the networks see them (…, 64) in 0…1 → ink levels (…, 8, 8), whole numbers 0…16."""
    x = np.asarray(x)
    return np.rint(x * INK).reshape(*x.shape[:-1], SIDE, SIDE).astype(np.int64)


def pixels(levels: np.ndarray) -> np.ndarray:
    """Ink levels (…, 8, 8) → images as the networks see them (…, 64), float32 in 0…1."""
    levels = np.asarray(levels)
    return (levels.reshape(*levels.shape[:-2], SIDE * SIDE) / INK).astype(np.float32)


def shift(images: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Images (…, H, W) moved `rows` pixels down and `cols` to the right (negative: up, left); what leaves the
    frame is lost and the uncovered pixels are empty (0)."""
    images = np.asarray(images)
    out = np.zeros_like(images)
    H, W = images.shape[-2:]
    if abs(rows) >= H or abs(cols) >= W:
        return out
    target = (..., slice(max(rows, 0), H + min(rows, 0)), slice(max(cols, 0), W + min(cols, 0)))
    source = (..., slice(max(-rows, 0), H + min(-rows, 0)), slice(max(-cols, 0), W + min(-cols, 0)))
    out[target] = images[source]
    return out
