"""Lesson 8's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, and the numbers the page computes are the library's, whatever the kernel, stride, padding,
position, image (a test digit, a drawing, an empty pad) and stage. The networks are trained once here, for
one epoch (the page's own training is the library's, tested in tests/train)."""

from functools import cache

import numpy as np
import pytest

from kaibo.data.datasets import load_digits_split
from kaibo.lab.page import Lesson
from kaibo.models import image_kernels, kernel_sliding
from kaibo.train import digit_rivals
from tests.lab.test_pages import load

DIGITS = load_digits_split()
ONE = [0] * 64
for _row in range(1, 7):
    ONE[_row * 8 + 4] = 16

# (language, source, index, drawing, kernel, own text, stride, padding, step, stage): each state in one
# language, both languages over the table (tests/lab/test_pages.py runs the defaults in both).
STATES = [
    ("ja", "test", 9, ONE, "vertical_edge", "-1 0 1, -2 0 2, -1 0 1", 1, 0, 27, "conv1"),  # the defaults
    ("en", "test", 0, ONE, "blur", "", 2, 0, 9, "relu1"),                                   # stride 2 leaves a column
    ("ja", "test", 449, ONE, "sharpen", "", 3, 2, 4, "pool1"),
    ("en", "test", 17, ONE, "own", "1 2 3 4 5 6 7 8 9", 1, 1, 64, "conv2"),                 # the last position
    ("ja", "test", 9, ONE, "own", "1 2 3", 1, 1, 1, "relu2"),                               # refused: vertical edge
    ("en", "test", 9, ONE, "own", "1 2 x", 1, 1, 1, "relu2"),
    ("en", "drawing", 9, ONE, "identity", "", 1, 1, 30, "pool2"),
    ("ja", "drawing", 9, [0] * 64, "horizontal_edge", "", 2, 1, 16, "conv1"),               # an empty pad
    ("en", "test", 5, ONE, "vertical_edge", "", 2, 2, 36, "conv1"),                          # a step past the end
]


@pytest.fixture(scope="module")
def app():
    return load("convolution")


@cache
def quick_rivals(seed: int) -> dict:
    return digit_rivals.train_rivals(seed, epochs=1)


class Controls(dict):
    """Stands in for a group of controls: cells read `.value`, and show `[name]` (here the value as text)."""

    def __init__(self, **values: object) -> None:
        super().__init__({name: str(value) for name, value in values.items()})
        self.value = values


@pytest.mark.parametrize(("lang", "source", "index", "drawing", "kernel", "own", "stride", "padding", "step", "stage"),
                         STATES)
def test_every_cell_runs_and_shows_the_library_numbers(app, lang: str, source: str, index: int, drawing: list,
                                                       kernel: str, own: str, stride: int, padding: int, step: int,
                                                       stage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    outputs, defs = app.run(defs={
        "lesson": Lesson("convolution"), "reset": None, "rivals": quick_rivals,
        "picture": Controls(source=source, index=index, draw=""),
        "pad": Controls(ink=drawing),
        "sliding": Controls(kernel=kernel, own=own, stride=stride, padding=padding),
        "place": Controls(step=step),
        "network": Controls(stage=stage, seed=0),
    })
    assert sum(output is not None for output in outputs) >= 14
    expected = (np.array(drawing).reshape(8, 8) if source == "drawing" else digit_rivals.ink(DIGITS.x_test[index]))
    np.testing.assert_array_equal(defs["levels"], expected)
    refused = kernel == "own" and own in ("1 2 3", "1 2 x")  # too few numbers; a word
    assert (defs["refusal"] is not None) == refused
    weights = (image_kernels.KERNELS["vertical_edge"] if refused else image_kernels.parse_kernel(own)
               if kernel == "own" else image_kernels.KERNELS[kernel])
    np.testing.assert_array_equal(defs["kernel"], weights)
    slid, here = defs["slid"], defs["here"]
    reference = kernel_sliding.slide(expected, weights, stride, padding)
    np.testing.assert_array_equal(slid.out, reference.out)
    assert here.step == min(step, reference.steps)
    assert here.total == pytest.approx(float(reference.out[here.row, here.col]), abs=1e-9)
    cnn = quick_rivals(0)["cnn"].model
    np.testing.assert_allclose(defs["traced"]["probs"], cnn.trace(digit_rivals.pixels(expected)[None])["probs"])
    assert defs["first"].conv_total == 80 and defs["first"].dense_total == 33_280
