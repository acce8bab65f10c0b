"""Neural-network layers on the engine, named as in `torch.nn`."""

from kaibo.engine.nn.attention import CausalSelfAttention
from kaibo.engine.nn.conv import Conv2d, MaxPool2d
from kaibo.engine.nn.layers import GELU, Dropout, Embedding, LayerNorm, Linear, ReLU, Sequential, Sigmoid, Tanh
from kaibo.engine.nn.module import Module, Parameter
from kaibo.engine.nn.recurrent import RNN, GRUCell, RNNCell

__all__ = ["CausalSelfAttention", "Conv2d", "Dropout", "Embedding", "GELU", "GRUCell", "LayerNorm", "Linear",
           "MaxPool2d", "Module", "Parameter", "RNN", "RNNCell", "ReLU", "Sequential", "Sigmoid", "Tanh"]
