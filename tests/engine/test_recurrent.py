"""Recurrent layers against their PyTorch twins with the same weights: outputs, the input's and the initial
state's gradients and every parameter's gradient; the gradient with respect to each step's hidden state;
a 1000-step sequence; the cells' equations against finite differences; bad shapes refused."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from kaibo.engine import Tensor, nn
from kaibo.engine.nn.recurrent import gru_cell, rnn_cell
from tests.engine.checks import TOLERANCE, gradcheck, sample_inputs, torch_check
from tests.engine.test_nn import TORCH_DTYPE, twins

DTYPES = pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])

# name, build(nn) → module, input shapes (x, then hx or h0 if given)
MODULES = [
    ("RNNCell", lambda nn: nn.RNNCell(3, 5), [(4, 3), (4, 5)]),
    ("RNNCell no hx", lambda nn: nn.RNNCell(3, 5), [(4, 3)]),
    ("RNNCell no bias, relu", lambda nn: nn.RNNCell(3, 5, bias=False, nonlinearity="relu"), [(4, 3), (4, 5)]),
    ("GRUCell", lambda nn: nn.GRUCell(3, 5), [(4, 3), (4, 5)]),
    ("GRUCell no hx", lambda nn: nn.GRUCell(3, 5), [(2, 3)]),
    ("GRUCell no bias", lambda nn: nn.GRUCell(3, 5, bias=False), [(4, 3), (4, 5)]),
    ("RNN", lambda nn: nn.RNN(3, 5, batch_first=True), [(2, 6, 3), (1, 2, 5)]),
    ("RNN no h0", lambda nn: nn.RNN(3, 5, batch_first=True), [(2, 6, 3)]),
    ("RNN T=1", lambda nn: nn.RNN(3, 5, batch_first=True), [(3, 1, 3), (1, 3, 5)]),
    ("RNN relu, no bias", lambda nn: nn.RNN(3, 5, nonlinearity="relu", bias=False, batch_first=True), [(2, 6, 3)]),
    ("RNN time first", lambda nn: nn.RNN(3, 5, batch_first=False), [(6, 2, 3), (1, 2, 5)]),
    ("RNN 1000 steps", lambda nn: nn.RNN(2, 4, batch_first=True), [(2, 1000, 2)]),
]


@DTYPES
@pytest.mark.parametrize("name, build, shapes", MODULES, ids=[m[0] for m in MODULES])
def test_module_against_torch(name, build, shapes, dtype) -> None:
    """torch_check compares outputs and the gradients of x (and hx/h0); the parameters' gradients follow."""
    km, tm = twins(build, dtype)
    module = {"kaibo": km, "torch": tm}
    torch_check(lambda lib, *inputs: module[lib.name](*inputs), sample_inputs(name, shapes), dtype)
    tparams = dict(tm.named_parameters())
    for pname, p in km.named_parameters():
        assert p.grad is not None, f"{pname} got no gradient"
        assert p.grad.dtype == dtype, f"{pname}'s gradient is {p.grad.dtype}"
        np.testing.assert_allclose(p.grad.data, tparams[pname].grad.numpy(), **TOLERANCE[dtype], err_msg=pname)


def unrolled(cell, x, h):
    """Any cell applied step after step, in either library: [h_1, …, h_T]."""
    states = []
    for t in range(x.shape[1]):
        h = cell(x[:, t], h)
        states.append(h)
    return states


# name, the kaibo module whose states are read, the torch cell unrolled by hand with the same weights
SEQUENCES = [
    ("RNN.unroll", lambda: nn.RNN(3, 5), lambda: torch.nn.RNNCell(3, 5)),
    ("GRUCell unrolled", lambda: nn.GRUCell(3, 5), lambda: torch.nn.GRUCell(3, 5)),
]


@DTYPES
@pytest.mark.parametrize("name, build, build_torch", SEQUENCES, ids=[s[0] for s in SEQUENCES])
def test_gradient_of_each_hidden_state(name, build, build_torch, dtype) -> None:
    """∂L/∂h_t for every t, read with retain_grad in both libraries, for L = Σ_t <h_t, g_t>."""
    km, tcell = build(), build_torch().to(TORCH_DTYPE[dtype])
    with torch.no_grad():  # RNN's weight_ih_l0 is RNNCell's weight_ih, and so on
        for (_, p), tp in zip(km.named_parameters(), tcell.parameters(), strict=True):
            p.data = p.data.astype(dtype)
            tp.copy_(torch.tensor(p.data))
    x, h0 = (a.astype(dtype) for a in sample_inputs(name, [(2, 7, 3), (1, 2, 5)]))
    g = np.random.default_rng(0).standard_normal((7, 2, 5)).astype(dtype)
    kstates = km.unroll(Tensor(x), Tensor(h0)) if isinstance(km, nn.RNN) else unrolled(km, Tensor(x), Tensor(h0[0]))
    tstates = unrolled(tcell, torch.tensor(x), torch.tensor(h0[0]))
    for libs_states, lib_tensor in ((kstates, Tensor), (tstates, torch.tensor)):
        for h in libs_states:
            h.retain_grad()
        loss = sum((h * lib_tensor(g[t])).sum() for t, h in enumerate(libs_states))
        loss.backward()
    for t, (k, th) in enumerate(zip(kstates, tstates, strict=True)):
        np.testing.assert_allclose(k.data, th.detach().numpy(), **TOLERANCE[dtype], err_msg=f"h_{t + 1}")
        np.testing.assert_allclose(k.grad.data, th.grad.numpy(), **TOLERANCE[dtype], err_msg=f"∂L/∂h_{t + 1}")


def test_rnn_output_is_its_unrolled_states() -> None:
    rnn = nn.RNN(3, 4)
    x = Tensor(np.random.default_rng(1).standard_normal((2, 5, 3)))
    output, h_n = rnn(x)
    states = rnn.unroll(x)
    assert output.shape == (2, 5, 4) and h_n.shape == (1, 2, 4) and len(states) == 5
    for t, h in enumerate(states):
        np.testing.assert_array_equal(output.data[:, t], h.data)
    np.testing.assert_array_equal(h_n.data[0], states[-1].data)


# name, fn(lib, *tensors) over the cell's inputs and weights, their shapes: B = 2, I = 3, H = 2
CELLS = [
    ("rnn_cell", lambda lib, x, h, *w: rnn_cell(x, h, *w), [(2, 3), (2, 2), (2, 3), (2, 2), (2,), (2,)]),
    ("rnn_cell relu", lambda lib, x, h, *w: rnn_cell(x, h, *w, nonlinearity="relu"),
     [(2, 3), (2, 2), (2, 3), (2, 2)]),
    ("gru_cell", lambda lib, x, h, *w: gru_cell(x, h, *w), [(2, 3), (2, 2), (6, 3), (6, 2), (6,), (6,)]),
    ("gru_cell no bias", lambda lib, x, h, *w: gru_cell(x, h, *w), [(2, 3), (2, 2), (6, 3), (6, 2)]),
]


@pytest.mark.parametrize("name, fn, shapes", CELLS, ids=[c[0] for c in CELLS])
def test_cell_against_finite_differences(name, fn, shapes) -> None:
    gradcheck(fn, sample_inputs(name, shapes))


# name, module, its input shapes, what the message must say
BAD_INPUTS = [
    ("RNNCell input size", lambda: nn.RNNCell(3, 5), [(4, 2)], r"input of shape \(B, 3\).*\(4, 2\)"),
    ("RNNCell sequence", lambda: nn.RNNCell(3, 5), [(4, 6, 3)], r"input of shape \(B, 3\)"),
    ("RNNCell hx", lambda: nn.RNNCell(3, 5), [(4, 3), (4, 4)], r"hx of shape .*\(4, 5\).*\(4, 4\)"),
    ("GRUCell hx batch", lambda: nn.GRUCell(3, 5), [(4, 3), (2, 5)], r"hx of shape .*\(4, 5\).*\(2, 5\)"),
    ("RNN input size", lambda: nn.RNN(3, 5), [(2, 6, 4)], r"\(B, T, I\) with I = 3.*\(2, 6, 4\)"),
    ("RNN one step", lambda: nn.RNN(3, 5), [(2, 3)], r"\(B, T, I\)"),
    ("RNN empty", lambda: nn.RNN(3, 5), [(2, 0, 3)], r"T ≥ 1"),
    ("RNN h0 without layer axis", lambda: nn.RNN(3, 5), [(2, 6, 3), (2, 5)], r"h0 of shape \(1, B, H\)"),
    ("RNN h0 batch", lambda: nn.RNN(3, 5), [(2, 6, 3), (1, 3, 5)], r"\(1, 2, 5\).*\(1, 3, 5\)"),
]


@pytest.mark.parametrize("name, build, shapes, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_shapes_are_refused(name, build, shapes, message) -> None:
    with pytest.raises(ValueError, match=message):
        build()(*[Tensor(np.zeros(s)) for s in shapes])


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: nn.RNN(3, 5, num_layers=2), "one layer"),
        (lambda: nn.RNN(3, 5, nonlinearity="sigmoid"), "'tanh' or 'relu'"),
        (lambda: nn.RNNCell(3, 5, nonlinearity="gelu"), "'tanh' or 'relu'"),
    ],
    ids=["num_layers", "RNN nonlinearity", "RNNCell nonlinearity"],
)
def test_bad_settings_are_refused(build, message) -> None:
    with pytest.raises(ValueError, match=message):
        build()
