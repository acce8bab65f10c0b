"""Recurrent layers: a hidden state h carried from one step of a sequence to the next, as in `torch.nn`.

An RNN reads x_1, x_2, … one at a time and keeps a vector h that sums up what it has seen:
h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh). Unrolled in time it is a very deep network whose layers
all share one W_hh, so backpropagating from step T to step 1 multiplies by W_hhᵀ·diag(1 − h²) T times: the
gradient shrinks (vanishes) or grows (explodes) geometrically with the length. A GRU adds gates that let h
pass through a step almost unchanged, so the gradient can travel further.

Every cell is composed of the engine's ops (`linear`, `+`, `*`, `tanh`, `sigmoid`, slicing), so its backward
is theirs: nothing here is fused. Weights are PyTorch's names, shapes and initial values: all uniform in
±1/√hidden_size, drawn from the engine's generator.
"""

from __future__ import annotations

import math

import numpy as np

from kaibo.engine import functional as F
from kaibo.engine.joins import stack
from kaibo.engine.nn.module import Module, Parameter
from kaibo.engine.random import generator
from kaibo.engine.tensor import Tensor

NONLINEARITIES = {"tanh": Tensor.tanh, "relu": Tensor.relu}


def rnn_cell(x: Tensor, h: Tensor, weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor | None = None,
             bias_hh: Tensor | None = None, nonlinearity: str = "tanh") -> Tensor:
    """One step of an Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh). x (B, I), h (B, H) → (B, H)."""
    return NONLINEARITIES[nonlinearity](F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh))


def gru_cell(x: Tensor, h: Tensor, weight_ih: Tensor, weight_hh: Tensor, bias_ih: Tensor | None = None,
             bias_hh: Tensor | None = None) -> Tensor:
    """One step of a GRU with PyTorch's equations; the weights hold the r, z, n blocks stacked in that order.

        r = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate: how much of h the candidate may see
        z = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate: how much of h to keep
        n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  the candidate new state
        h' = (1 − z) ⊙ n + z ⊙ h

    Where z ≈ 1 the step copies h and its gradient passes back almost untouched: the path that lets a GRU
    remember further than a plain RNN. x (B, I), h (B, H) → (B, H).
    """
    H = h.shape[-1]
    i_r, i_z, i_n = F.linear(x, weight_ih, bias_ih).split(H, dim=1)   # 3 × (B, H)
    h_r, h_z, h_n = F.linear(h, weight_hh, bias_hh).split(H, dim=1)   # 3 × (B, H)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()    # r multiplies W_hn h + b_hn, bias included: PyTorch's (and cuDNN's) form
    return (1.0 - z) * n + z * h


def _uniform(shape: tuple[int, ...], hidden_size: int) -> Parameter:
    bound = 1.0 / math.sqrt(hidden_size)
    return Parameter(generator().uniform(-bound, bound, size=shape).astype(np.float32))


def _check_step(x: Tensor, h: Tensor | None, input_size: int, hidden_size: int, name: str) -> None:
    if x.ndim != 2 or x.shape[1] != input_size:
        raise ValueError(f"{name} expects input of shape (B, {input_size}), got {x.shape}")
    if h is not None and h.shape != (x.shape[0], hidden_size):
        raise ValueError(f"{name} expects hx of shape (B, H) = {(x.shape[0], hidden_size)} for this input, "
                         f"got {h.shape}")


def _check_nonlinearity(name: str) -> None:
    if name not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be 'tanh' or 'relu', not {name!r}")


class _Cell(Module):
    """What RNNCell and GRUCell share: `gates` blocks of weights (PyTorch's layout), and a zero default hx."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, gates: int) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.weight_ih = _uniform((gates * hidden_size, input_size), hidden_size)
        self.weight_hh = _uniform((gates * hidden_size, hidden_size), hidden_size)
        self.bias_ih = _uniform((gates * hidden_size,), hidden_size) if bias else None
        self.bias_hh = _uniform((gates * hidden_size,), hidden_size) if bias else None

    def _hx(self, x: Tensor, hx: Tensor | None) -> Tensor:
        _check_step(x, hx, self.input_size, self.hidden_size, type(self).__name__)
        return hx if hx is not None else Tensor(np.zeros((x.shape[0], self.hidden_size), dtype=x.dtype))

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias_ih is not None}"


class RNNCell(_Cell):
    """One step of an Elman RNN: h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh).

    Parameters
    ----------
    input_size : int
        I, the width of each input vector.
    hidden_size : int
        H, the width of the hidden state.
    bias : bool
        Whether b_ih and b_hh exist.
    nonlinearity : str
        "tanh" (the default) or "relu".

    `cell(x, hx)` takes x (B, I) and hx (B, H), zeros when left out, and returns h' (B, H).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh") -> None:
        _check_nonlinearity(nonlinearity)
        super().__init__(input_size, hidden_size, bias, gates=1)
        self.nonlinearity = nonlinearity

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        h = self._hx(x, hx)
        return rnn_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh, self.nonlinearity)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"


class GRUCell(_Cell):
    """One step of a gated recurrent unit (Cho et al. 2014), exactly as `torch.nn.GRUCell` (see `gru_cell`).

    Parameters are RNNCell's (input_size I, hidden_size H, bias) without the nonlinearity, which the equations fix;
    weight_ih is (3H, I) and weight_hh (3H, H), the reset, update and candidate blocks stacked in that order.
    `cell(x, hx)` takes x (B, I) and hx (B, H), zeros when left out, and returns h' (B, H).
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias, gates=3)

    def forward(self, x: Tensor, hx: Tensor | None = None) -> Tensor:
        h = self._hx(x, hx)
        return gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class RNN(Module):
    """An Elman RNN cell unrolled over a sequence: one layer, one direction.

    Parameters
    ----------
    input_size, hidden_size, nonlinearity, bias
        As `RNNCell`'s: I, H, "tanh" or "relu", and whether b_ih and b_hh exist.
    num_layers : int
        Only 1: this is a single layer (stack several `RNN`s to go deeper).
    batch_first : bool
        True (the default here, unlike PyTorch): x is (B, T, I) and the output (B, T, H), as everywhere in
        kaibo. False: x is (T, B, I) and the output (T, B, H).

    The weights are named as PyTorch names layer 0's: `weight_ih_l0` (H, I), `weight_hh_l0` (H, H),
    `bias_ih_l0`, `bias_hh_l0` (H,), so a state_dict moves between the two.

    `rnn(x, h0)` returns (output, h_n) as `torch.nn.RNN`: every step's hidden state (B, T, H) and the last
    one (1, B, H); h0 (1, B, H) defaults to zeros. `rnn.unroll(x, h0)` returns the hidden states as a list
    of T tensors (B, H), each still in the graph: call `.retain_grad()` on them before `backward()` and each
    `.grad` holds ∂L/∂h_t, the gradient that vanishes or explodes as it travels back in time.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = True) -> None:
        super().__init__()
        if num_layers != 1:
            raise ValueError(f"RNN has one layer here, not num_layers={num_layers}: stack RNNs to go deeper")
        _check_nonlinearity(nonlinearity)
        self.input_size, self.hidden_size = input_size, hidden_size
        self.nonlinearity, self.batch_first = nonlinearity, batch_first
        self.weight_ih_l0 = _uniform((hidden_size, input_size), hidden_size)
        self.weight_hh_l0 = _uniform((hidden_size, hidden_size), hidden_size)
        self.bias_ih_l0 = _uniform((hidden_size,), hidden_size) if bias else None
        self.bias_hh_l0 = _uniform((hidden_size,), hidden_size) if bias else None

    def unroll(self, x: Tensor, h0: Tensor | None = None) -> list[Tensor]:
        """h_1 … h_T, each (B, H) and part of the graph (see the class docstring)."""
        if x.ndim != 3 or x.shape[2] != self.input_size or 0 in x.shape[:2]:
            layout = "(B, T, I)" if self.batch_first else "(T, B, I)"
            raise ValueError(f"RNN expects input of shape {layout} with I = {self.input_size} and B, T ≥ 1, "
                             f"got {x.shape}")
        steps = x.unbind(1 if self.batch_first else 0)             # T × (B, I), one shared gradient array
        B = steps[0].shape[0]
        if h0 is None:
            h = Tensor(np.zeros((B, self.hidden_size), dtype=x.dtype))
        elif h0.shape != (1, B, self.hidden_size):
            raise ValueError(f"RNN expects h0 of shape (1, B, H) = {(1, B, self.hidden_size)} for this input, "
                             f"got {h0.shape}")
        else:
            h = h0[0]                                               # (B, H)
        states = []
        for x_t in steps:
            h = rnn_cell(x_t, h, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0,
                         self.nonlinearity)                         # (B, H)
            states.append(h)
        return states

    def forward(self, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
        states = self.unroll(x, h0)
        output = stack(states, dim=1 if self.batch_first else 0)   # (B, T, H) or (T, B, H)
        return output, states[-1].reshape(1, *states[-1].shape)     # h_n: (1, B, H)

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, nonlinearity={self.nonlinearity!r}, "
                f"bias={self.bias_ih_l0 is not None}, batch_first={self.batch_first}")
