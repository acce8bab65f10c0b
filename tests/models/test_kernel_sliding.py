"""The sliding step by step: each position's sum of products is F.conv2d's cell (and torch's), the output size
formula, the reading order of the positions, and convolution as mathematics defines it (scipy's)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as tF
from scipy.signal import convolve2d, correlate2d

from kaibo.models.image_kernels import KERNELS
from kaibo.models.kernel_sliding import convolve, flip, output_size, slide

RNG = np.random.default_rng(0)
IMAGE = RNG.integers(0, 17, size=(8, 8)).astype(np.float64)
ODD = RNG.normal(size=(3, 3))  # no symmetry at all


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2), (1, 2)])
def test_every_position_sums_to_the_engine_and_torch(stride: int, padding: int) -> None:
    slid = slide(IMAGE, ODD, stride, padding)
    reference = tF.conv2d(torch.tensor(IMAGE)[None, None], torch.tensor(ODD)[None, None], stride=stride,
                          padding=padding)[0, 0].numpy()
    np.testing.assert_allclose(slid.out, reference, rtol=1e-12, atol=1e-12)
    side = output_size(8, 3, stride, padding)
    assert slid.out.shape == (side, side) and slid.steps == side * side
    by_hand = np.array([slid.at(step).total for step in range(1, slid.steps + 1)]).reshape(side, side)
    np.testing.assert_allclose(by_hand, slid.out, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "expected"),
                         [(8, 3, 1, 0, 6), (8, 3, 1, 1, 8), (8, 3, 2, 1, 4), (8, 3, 2, 0, 3), (8, 3, 3, 2, 4),
                          (28, 5, 1, 2, 28), (4, 3, 1, 1, 4)])
def test_output_size(size: int, kernel: int, stride: int, padding: int, expected: int) -> None:
    assert output_size(size, kernel, stride, padding) == expected


def test_positions_go_along_rows_and_the_window_is_under_the_kernel() -> None:
    slid = slide(IMAGE, ODD, stride=2, padding=1)                   # 4 × 4 positions
    fifth = slid.at(5)
    assert (fifth.row, fifth.col, fifth.top, fifth.left) == (1, 0, 2, 0)
    np.testing.assert_array_equal(fifth.window, np.pad(IMAGE, 1)[2:5, 0:3])
    np.testing.assert_array_equal(fifth.products, fifth.window * ODD)
    assert np.all(fifth.window[:, 0] == 0)                           # the left column lies on the padding
    with pytest.raises(ValueError, match="between 1 and 16"):
        slid.at(17)


def test_vertical_edge_is_positive_where_ink_grows_to_the_right() -> None:
    step = np.zeros((5, 5))
    step[:, 3:] = 16                                                 # ink from column 3 on
    out = slide(step, KERNELS["vertical_edge"]).out                  # (3, 3)
    np.testing.assert_array_equal(out[:, 0], 0)                      # flat: the weights add up to 0
    np.testing.assert_array_equal(out[:, 1:], 48)                    # 3 rows × 16 on the right, 0 on the left


@pytest.mark.parametrize("padding", [0, 1, 2])
def test_convolve_is_mathematics_convolution_and_conv2d_is_correlation(padding: int) -> None:
    padded = np.pad(IMAGE, padding)
    np.testing.assert_allclose(convolve(IMAGE, ODD, padding), convolve2d(padded, ODD, mode="valid"), atol=1e-12)
    np.testing.assert_allclose(slide(IMAGE, ODD, 1, padding).out, correlate2d(padded, ODD, mode="valid"),
                               atol=1e-12)
    assert not np.allclose(convolve(IMAGE, ODD, padding), slide(IMAGE, ODD, 1, padding).out)


@pytest.mark.parametrize(("name", "relation"), [("vertical_edge", -1), ("horizontal_edge", -1), ("blur", 1),
                                                ("sharpen", 1), ("identity", 1)])
def test_turning_the_hand_made_kernels(name: str, relation: int) -> None:
    kernel = KERNELS[name]
    np.testing.assert_array_equal(flip(kernel), relation * kernel)
    np.testing.assert_allclose(convolve(IMAGE, kernel, 1), relation * slide(IMAGE, kernel, 1, 1).out, atol=1e-12)
