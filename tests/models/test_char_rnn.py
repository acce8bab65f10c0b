"""CharRNN against a PyTorch twin with the same weights (logits, every hidden state, ∂loss/∂h_t), its trace
names against its docstring, gradients that vanish and explode with the recurrent weights' scale, a
safetensors round trip, and bad input refused with a message."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from kaibo.engine import manual_seed
from kaibo.errors import InputError
from kaibo.models.char_rnn import CharRNN
from kaibo.train.checkpoint import load_model, save_model

V, H, C, B, T = 7, 6, 5, 3, 9
CELLS = pytest.mark.parametrize("cell", ["rnn", "gru"])


def model(cell: str, dtype=np.float64, seed: int = 0) -> CharRNN:
    manual_seed(seed)
    m = CharRNN(V, H, cell, embed_size=C)
    for p in m.parameters():
        p.data = p.data.astype(dtype)
    return m


def data(seed: int = 1, length: int = T) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, V, (B, length)), rng.integers(0, V, (B, length))


class TorchCharRNN(torch.nn.Module):
    """The same model in PyTorch: nn.Embedding, nn.RNN(batch_first=True) or an unrolled nn.GRUCell, nn.Linear."""

    def __init__(self, cell: str) -> None:
        super().__init__()
        self.cell = cell
        self.embed = torch.nn.Embedding(V, C)
        if cell == "rnn":
            self.rnn = torch.nn.RNN(C, H, batch_first=True)
        else:
            self.gru = torch.nn.GRUCell(C, H)
        self.head = torch.nn.Linear(H, V)

    def step(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        if self.cell == "rnn":
            return self.rnn(x[:, None], h[None])[1][0]        # nn.RNN over a sequence of one step
        return self.gru(x, h)

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
        """logits, the whole-sequence output of nn.RNN (or the stacked GRU states), and h_0 … h_T stepped
        one at a time (through the same module) so that each can retain its gradient."""
        x = self.embed(ids)
        states = [torch.zeros(len(ids), H, dtype=x.dtype, requires_grad=True)]
        for t in range(ids.shape[1]):
            h = self.step(x[:, t], states[-1])
            h.retain_grad()
            states.append(h)
        hidden = self.rnn(x)[0] if self.cell == "rnn" else torch.stack(states[1:], dim=1)
        return self.head(torch.stack(states[1:], dim=1)), hidden, states


def twin(m: CharRNN) -> TorchCharRNN:
    tm = TorchCharRNN(m.cell).double()
    tm.load_state_dict({name: torch.tensor(array) for name, array in m.state_dict().items()})
    return tm


def test_trace_names_are_the_docstring_list() -> None:
    doc = CharRNN.__doc__.split("`trace(ids, targets=None)` returns")[1]
    documented = [n for n in re.findall(r"`([\w:{}]+)`", doc) if n != "h1"]    # h1 only illustrates h{T}
    m = model("rnn")
    ids, targets = data()
    names = list(m.trace(ids, targets))
    expected = [n for d in documented for n in ([d.replace("{T}", str(t)) for t in range(1, T + 1)]
                                                if "{T}" in d else [d])]
    expected = [n for i, n in enumerate(expected) if n not in expected[:i]]
    assert names == expected
    assert list(m.trace(ids)) == [n for n in expected if not n.startswith("grad:") and n != "loss"]


@CELLS
def test_logits_states_and_gradients_equal_torch(cell: str) -> None:
    m = model(cell)
    tm = twin(m)
    ids, targets = data()
    targets[0, 2] = -100                                   # an ignored target, as lesson 9 uses them
    got = m.trace(ids, targets)
    logits, hidden, states = tm(torch.tensor(ids))
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V), torch.tensor(targets).reshape(-1))
    loss.backward()
    tol = dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got["logits"], logits.detach().numpy(), **tol)
    np.testing.assert_allclose(got["hidden"], hidden.detach().numpy(), **tol)
    np.testing.assert_allclose(got["probs"], logits.softmax(-1).detach().numpy(), **tol)
    np.testing.assert_allclose(got["loss"], loss.item(), **tol)
    for t, h in enumerate(states):
        np.testing.assert_allclose(got[f"h{t}"], h.detach().numpy(), **tol, err_msg=f"h{t}")
        np.testing.assert_allclose(got[f"grad:h{t}"], h.grad.numpy(), **tol, err_msg=f"grad:h{t}")
    np.testing.assert_allclose(m(ids).data, got["logits"], **tol)
    assert all(p.grad is None for p in m.parameters()), "trace left gradients on the parameters"


def gradient_norms(scale: float, length: int = 30) -> np.ndarray:
    """‖∂loss/∂h_t‖ for t = 1 … length, the loss on the last step only, W_hh = scale × an orthogonal matrix.

    Tiny embeddings and no biases keep h near 0, where tanh is linear: back in time the gradient is then
    multiplied by W_hhᵀ once per step, so its norm scales by `scale` per step: 0.5²⁹ ≈ 2e-9 and
    1.5²⁹ ≈ 1e5 from the last step to the first of 30.
    """
    m = model("rnn")
    q, _ = np.linalg.qr(np.random.default_rng(2).standard_normal((H, H)))
    m.rnn.weight_hh_l0.data = scale * q
    m.rnn.bias_ih_l0.data[:] = 0.0
    m.rnn.bias_hh_l0.data[:] = 0.0
    m.embed.weight.data *= 1e-9
    ids, targets = data(length=length)
    targets[:, :-1] = -100                               # only the last step's prediction counts
    got = m.trace(ids, targets)
    return np.array([np.linalg.norm(got[f"grad:h{t}"]) for t in range(1, length + 1)])


def test_gradients_vanish_with_small_recurrent_weights() -> None:
    norms = gradient_norms(0.5)
    assert norms[0] < 1e-7 * norms[-1], f"early {norms[0]:.3g} vs late {norms[-1]:.3g}"
    assert np.all(np.diff(norms) > 0), "the norm should shrink at every step back in time"


def test_gradients_explode_with_large_recurrent_weights() -> None:
    norms = gradient_norms(1.5)
    assert norms[0] > 1e4 * norms[-1], f"early {norms[0]:.3g} vs late {norms[-1]:.3g}"
    assert np.all(np.diff(norms) < 0), "the norm should grow at every step back in time"


@CELLS
def test_save_and_load_round_trip(cell: str, tmp_path) -> None:
    m, other = model(cell, np.float32, seed=0), model(cell, np.float32, seed=5)
    ids, _ = data()
    path = save_model(m, tmp_path / f"{cell}.safetensors")
    assert not np.allclose(other(ids).data, m(ids).data)
    load_model(other, path)
    for name, array in m.state_dict().items():
        np.testing.assert_array_equal(other.state_dict()[name], array, err_msg=name)
    np.testing.assert_array_equal(other(ids).data, m(ids).data)


def test_generate_extends_the_prompt_reproducibly() -> None:
    m = model("gru", np.float32)
    ids, _ = data()
    out = m.generate(ids, 5, temperature=0.8, seed=3)
    assert out.shape == (B, T + 5) and np.array_equal(out[:, :T], ids)
    np.testing.assert_array_equal(out, m.generate(ids, 5, temperature=0.8, seed=3))
    greedy = m.generate(ids, 1, temperature=0)
    np.testing.assert_array_equal(greedy[:, -1], m(ids).data[:, -1].argmax(-1))


IDS = np.zeros((2, 3), dtype=np.int64)
REFUSED = [
    ("id = V", lambda m: m(IDS + V), "0 to 6"),
    ("id -1", lambda m: m(IDS - 1), "0 to 6"),
    ("1-D ids", lambda m: m(IDS[0]), "(B, T)"),
    ("3-D ids", lambda m: m(IDS[None]), "(B, T)"),
    ("empty sequence", lambda m: m(IDS[:, :0]), "(B, T)"),
    ("float ids", lambda m: m(IDS.astype(np.float32)), "integer ids"),
    ("targets shape", lambda m: m.trace(IDS, IDS[:, :2]), "same shape as ids"),
    ("target = V", lambda m: m.trace(IDS, IDS + V), "targets must be ids from 0 to 6"),
    ("negative temperature", lambda m: m.generate(IDS, 2, temperature=-1.0), "temperature"),
    ("unknown cell", lambda m: CharRNN(V, H, "lstm"), "'rnn', 'gru'"),
    ("zero hidden size", lambda m: CharRNN(V, 0), "hidden_size"),
]


@pytest.mark.parametrize("name, fn, says", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_input_is_refused_with_a_message(name, fn, says) -> None:
    with pytest.raises(InputError) as error:
        fn(model("rnn", np.float32))
    assert says in error.value.message("en")
    assert error.value.message("ja") != error.value.message("en")
