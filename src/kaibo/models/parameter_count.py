"""How many weights a convolution layer has, against a fully connected layer that maps the same input to an
output of the same size, counted on the real modules.

A fully connected (`Linear`) layer gives every output number its own weight for every input number. A
convolution layer makes two assumptions about images that cut this down:

- locality: an output cell reads only the K × K window under it, not the whole image;
- weight sharing: every position uses the same kernel, so the K·K·C_in weights are learned once per output
  channel, not once per position.

So the convolution has C_out·C_in·K·K weights and C_out biases whatever the image size, while the dense layer
has (C_in·H·W)·(C_out·Ho·Wo) weights and C_out·Ho·Wo biases. Both do many multiplications: the convolution
uses each of its weights once per position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor, nn, no_grad


@dataclass(frozen=True)
class LayerSizes:
    """A convolution layer and its fully connected counterpart on an input (C_in, H, W).

    `conv_*` and `dense_*` count the numbers in the modules' weight and bias; `*_multiplies` are the
    multiplications one image costs (one per weight use)."""

    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]
    conv_weights: int
    conv_biases: int
    dense_weights: int
    dense_biases: int
    conv_multiplies: int
    dense_multiplies: int

    @property
    def conv_total(self) -> int:
        return self.conv_weights + self.conv_biases

    @property
    def dense_total(self) -> int:
        return self.dense_weights + self.dense_biases

    @property
    def ratio(self) -> float:
        """How many times more numbers the dense layer learns."""
        return self.dense_total / self.conv_total


def conv_against_dense(conv: nn.Conv2d, height: int, width: int) -> LayerSizes:
    """Count `conv`'s parameters and those of `nn.Linear(C_in·H·W, C_out·Ho·Wo)` (built here, so its initial
    weights take draws from the engine's random generator); the output shape is the one `conv` produces."""
    with no_grad():
        out = conv(Tensor(np.zeros((1, conv.in_channels, height, width))))     # (1, C_out, Ho, Wo)
    output_shape = tuple(int(n) for n in out.shape[1:])
    inputs, outputs = conv.in_channels * height * width, int(np.prod(output_shape))
    dense = nn.Linear(inputs, outputs)
    kernel_size = conv.weight.data[0].size                                       # C_in·K·K
    return LayerSizes(
        input_shape=(conv.in_channels, height, width), output_shape=output_shape,
        conv_weights=conv.weight.data.size, conv_biases=conv.bias.data.size if conv.bias is not None else 0,
        dense_weights=dense.weight.data.size, dense_biases=dense.bias.data.size,
        conv_multiplies=outputs * kernel_size, dense_multiplies=outputs * inputs,
    )
