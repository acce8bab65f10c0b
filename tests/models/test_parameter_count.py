"""Weights of a convolution against a fully connected layer of the same input and output, on real modules."""

import pytest

from kaibo.engine import nn
from kaibo.models.parameter_count import conv_against_dense


@pytest.mark.parametrize(("c_in", "c_out", "kernel", "padding", "side", "out_side"),
                         [(1, 8, 3, 1, 8, 8), (8, 16, 3, 1, 4, 4), (3, 4, 5, 0, 12, 8), (2, 2, 3, 0, 3, 1)])
def test_counts(c_in: int, c_out: int, kernel: int, padding: int, side: int, out_side: int) -> None:
    conv = nn.Conv2d(c_in, c_out, kernel, padding=padding)
    sizes = conv_against_dense(conv, side, side)
    inputs, outputs = c_in * side * side, c_out * out_side * out_side
    assert sizes.output_shape == (c_out, out_side, out_side)
    assert (sizes.conv_weights, sizes.conv_biases) == (c_out * c_in * kernel * kernel, c_out)
    assert sizes.conv_total == conv.num_parameters()
    assert (sizes.dense_weights, sizes.dense_biases) == (inputs * outputs, outputs)
    assert sizes.dense_total == nn.Linear(inputs, outputs).num_parameters()
    assert (sizes.conv_multiplies, sizes.dense_multiplies) == (outputs * c_in * kernel * kernel, outputs * inputs)


def test_digit_cnn_first_layer() -> None:
    sizes = conv_against_dense(nn.Conv2d(1, 8, 3, padding=1), 8, 8)
    assert (sizes.conv_total, sizes.dense_total) == (80, 33_280) and sizes.ratio == 416


def test_a_conv_without_bias() -> None:
    sizes = conv_against_dense(nn.Conv2d(1, 4, 3, bias=False), 6, 6)
    assert (sizes.conv_weights, sizes.conv_biases) == (36, 0)
