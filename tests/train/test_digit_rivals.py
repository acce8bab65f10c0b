"""The CNN and the MLP trained on the same split score as compare_on_digits says; ink levels round-trip;
shifting images moves every pixel and loses what leaves the frame."""

import numpy as np
import pytest

from kaibo.data.datasets import load_digits_split
from kaibo.train import digit_rivals
from kaibo.train.classifier import compare_on_digits

DIGITS = load_digits_split()


def test_rivals_are_the_models_compare_on_digits_scores() -> None:
    rivals = digit_rivals.train_rivals(seed=3, epochs=2)
    reference = compare_on_digits(epochs=2, seed=3)
    for name, key in (("cnn", "DigitCNN"), ("mlp", "MLPClassifier(64, (26,), 10)")):
        rival = rivals[name]
        assert rival.parameters == reference[key]["parameters"]
        assert rival.test_accuracy == reference[key]["test_accuracy"]
        assert rival.train_accuracy == reference[key]["train_accuracy"]
        assert len(rival.wrong) == round((1 - rival.test_accuracy) * len(DIGITS.y_test))
        assert np.all(rival.model.predict(DIGITS.x_test[rival.wrong]) != DIGITS.y_test[rival.wrong])
        assert digit_rivals.shifted_accuracy(rival.model, 0, 0) == rival.test_accuracy


def test_ink_and_pixels_round_trip() -> None:
    levels = digit_rivals.ink(DIGITS.x_test[:5])
    assert levels.shape == (5, 8, 8) and levels.min() == 0 and levels.max() == 16
    np.testing.assert_array_equal(digit_rivals.pixels(levels), DIGITS.x_test[:5])
    assert digit_rivals.pixels(levels).dtype == DIGITS.x_test.dtype


@pytest.mark.parametrize(("rows", "cols"), [(0, 0), (0, 1), (0, -1), (1, 0), (-2, 3), (8, 0), (0, -9)])
def test_shift(rows: int, cols: int) -> None:
    image = np.arange(1, 65).reshape(8, 8)
    moved = digit_rivals.shift(image[None], rows, cols)[0]
    for r in range(8):
        for c in range(8):
            source = (r - rows, c - cols)
            inside = 0 <= source[0] < 8 and 0 <= source[1] < 8
            assert moved[r, c] == (image[source] if inside else 0)
