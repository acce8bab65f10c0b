"""Hand-made kernels do what their names say, and the learner's nine numbers are read or refused clearly."""

import numpy as np
import pytest

from kaibo.errors import InputError
from kaibo.models.image_kernels import KERNELS, parse_kernel
from kaibo.models.kernel_sliding import slide

IMAGE = np.random.default_rng(1).integers(0, 17, size=(8, 8)).astype(np.float64)
FLAT = np.full((5, 5), 7.0)


@pytest.mark.parametrize(("name", "flat_value"), [("vertical_edge", 0), ("horizontal_edge", 0), ("blur", 7),
                                                  ("sharpen", 7), ("identity", 7)])
def test_a_flat_patch(name: str, flat_value: float) -> None:
    np.testing.assert_allclose(slide(FLAT, KERNELS[name]).out, flat_value)


def test_identity_gives_the_image_back_and_blur_averages() -> None:
    np.testing.assert_array_equal(slide(IMAGE, KERNELS["identity"], 1, 1).out, IMAGE)
    np.testing.assert_allclose(slide(IMAGE, KERNELS["blur"]).out[0, 0], IMAGE[:3, :3].mean())


def test_kernels_are_shared_read_only() -> None:
    with pytest.raises(ValueError):
        KERNELS["blur"][0, 0] = 1.0


@pytest.mark.parametrize(("text", "expected"), [
    ("-1 0 1, -2 0 2, -1 0 1", [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    ("1/9 1/9 1/9;1/9 1/9 1/9;1/9 1/9 1/9", np.full((3, 3), 1 / 9)),
    ("  0,0,0 0,1,0 0,0,0 ", [[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    ("0.5 -0.25 1e1 0 0 0 0 0 0", [[0.5, -0.25, 10], [0, 0, 0], [0, 0, 0]]),
    ("1、2、3，4 5 6 7 8 9", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
])
def test_parse_kernel(text: str, expected) -> None:
    np.testing.assert_allclose(parse_kernel(text), expected)


@pytest.mark.parametrize(("text", "key", "args"), [
    ("1 2 3 4 5 6 7 8", "convolution.error.kernel_count", {"count": 8}),
    ("", "convolution.error.kernel_count", {"count": 0}),
    ("1 2 3 4 5 6 7 8 9 10", "convolution.error.kernel_count", {"count": 10}),
    ("1 2 x 4 5 6 7 8 9", "convolution.error.kernel_number", {"piece": "x"}),
    ("1/0 2 3 4 5 6 7 8 9", "convolution.error.kernel_number", {"piece": "1/0"}),
    ("nan 2 3 4 5 6 7 8 9", "convolution.error.kernel_number", {"piece": "nan"}),
    ("1 2 3 4 5 6 7 8 1000", "convolution.error.kernel_large", {"largest": 100}),
])
def test_parse_kernel_refuses(text: str, key: str, args: dict) -> None:
    with pytest.raises(InputError) as refused:
        parse_kernel(text)
    assert (refused.value.key, refused.value.params) == (key, args)
    assert refused.value.message("ja") and refused.value.message("en")
