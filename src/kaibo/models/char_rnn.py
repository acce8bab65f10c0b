"""`CharRNN`: a character-level language model with a recurrent core, the model of lesson 9 (recurrence).

ids (B, T) → embedding (B, T, C) → a hidden state carried from step to step, h_t = cell(x_t, h_{t−1}) from
h_0 = 0 → a linear head on every h_t → logits (B, T, V) for the next character. The cell is an Elman RNN
(`cell="rnn"`, h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)) or a GRU (`cell="gru"`).

`trace` hands back every hidden state and, with targets, the loss's gradient at each of them: the numbers
behind the picture of gradients that vanish (small W_hh) or explode (large W_hh) as they travel back in time.
"""

from __future__ import annotations

import contextlib

import numpy as np

from kaibo.engine import Tensor, grad_mode, nn
from kaibo.engine import functional as F
from kaibo.engine.joins import stack
from kaibo.engine.nn.recurrent import rnn_cell
from kaibo.engine.random import generator
from kaibo.errors import InputError
from kaibo.models.token_ids import IGNORE, check_ids, check_targets

CELLS = ("rnn", "gru")


class CharRNN(nn.Module):
    """Embedding → RNN or GRU unrolled over the sequence → Linear head, predicting the next id at every step.

    Parameters
    ----------
    vocab_size : int
        V, the number of distinct ids (characters).
    hidden_size : int
        H, the width of the hidden state.
    cell : str
        "rnn" (an Elman RNN with tanh, `nn.RNN`) or "gru" (`nn.GRUCell` unrolled).
    embed_size : int, optional
        C, the width of each character's vector; H when left out.

    Weights are PyTorch's names and layouts: `embed.weight` (V, C); for "rnn" `rnn.weight_ih_l0` (H, C),
    `rnn.weight_hh_l0` (H, H), `rnn.bias_ih_l0`, `rnn.bias_hh_l0` (as `torch.nn.RNN`); for "gru"
    `gru.weight_ih` (3H, C), `gru.weight_hh` (3H, H), `gru.bias_ih`, `gru.bias_hh` (as `torch.nn.GRUCell`);
    `head.weight` (V, H), `head.bias` (V,).

    `trace(ids, targets=None)` returns, in this order (T is the sequence length):

    - `embed` (B, T, C): each id's vector;
    - `h0`, `h1`, …, `h{T}` (B, H): the hidden state before the first step (zeros) and after each step t;
    - `hidden` (B, T, H): h1 … h{T} stacked, what the head reads;
    - `logits` (B, T, V) and `probs` (B, T, V), the softmax of the logits over the vocabulary;
    - with targets (B, T): `loss` (), the mean cross-entropy over the targets that are not -100, then
      `grad:embed`, `grad:h0` … `grad:h{T}`, `grad:hidden`, `grad:logits`: ∂loss/∂ each, the same shapes.
      ∂loss/∂h_t counts every path from h_t to the loss: through the head at step t and through every later
      step. Targets of -100 are ignored: set all but the last to -100 to see only the paths back in time.
    """

    def __init__(self, vocab_size: int, hidden_size: int, cell: str = "rnn", embed_size: int | None = None) -> None:
        super().__init__()
        if cell not in CELLS:
            raise InputError("char_rnn.error.cell", got=repr(cell), expected=", ".join(map(repr, CELLS)))
        for name, value in (("vocab_size", vocab_size), ("hidden_size", hidden_size), ("embed_size", embed_size)):
            if value is not None and (not isinstance(value, (int, np.integer)) or value < 1):
                raise InputError("char_rnn.error.size", name=name, got=repr(value))
        embed_size = hidden_size if embed_size is None else embed_size
        self.vocab_size, self.hidden_size, self.embed_size, self.cell = vocab_size, hidden_size, embed_size, cell
        self.embed = nn.Embedding(vocab_size, embed_size)
        if cell == "rnn":
            self.rnn = nn.RNN(embed_size, hidden_size)
        else:
            self.gru = nn.GRUCell(embed_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    # ---- the computation, step by step --------------------------------------------------------------------

    def step(self, x: Tensor, h: Tensor) -> Tensor:
        """One step of the recurrence: x (B, C) and h_{t−1} (B, H) → h_t (B, H)."""
        if self.cell == "rnn":
            r = self.rnn
            return rnn_cell(x, h, r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0, r.bias_hh_l0, r.nonlinearity)
        return self.gru(x, h)

    def _states(self, x: Tensor, h0: Tensor) -> list[Tensor]:
        """h_1 … h_T for x (B, T, C), each (B, H) and in the graph."""
        states, h = [], h0
        for x_t in x.unbind(1):                 # T × (B, C); backward fills one shared array (O(T))
            h = self.step(x_t, h)
            states.append(h)
        return states

    def _h0(self, batch: int) -> Tensor:
        return Tensor(np.zeros((batch, self.hidden_size), dtype=self.head.weight.dtype))

    def forward(self, ids: np.ndarray | Tensor) -> Tensor:
        """ids (B, T) → logits (B, T, V) for the id that follows each position."""
        ids = check_ids(ids, self.vocab_size)
        x = self.embed(ids)                                          # (B, T, C)
        hidden = stack(self._states(x, self._h0(len(ids))), dim=1)   # (B, T, H)
        return self.head(hidden)                                     # (B, T, V)

    def loss(self, logits: Tensor, targets: np.ndarray) -> Tensor:
        """Mean cross-entropy of logits (B, T, V) against targets (B, T), skipping targets of -100."""
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), targets.reshape(-1), ignore_index=IGNORE)

    # ---- looking inside -----------------------------------------------------------------------------------

    def trace(self, ids: np.ndarray | Tensor, targets: np.ndarray | Tensor | None = None) -> dict[str, np.ndarray]:
        """Every intermediate by name (see the class docstring), batch axis first, in forward order."""
        ids = check_ids(ids, self.vocab_size)
        if targets is not None:
            targets = check_targets(targets, ids, self.vocab_size)
        with contextlib.nullcontext() if targets is not None else grad_mode.no_grad():
            x = self.embed(ids)                                      # (B, T, C)
            h0 = self._h0(len(ids)).requires_grad_(targets is not None)
            states = [h0, *self._states(x, h0)]                      # T + 1 × (B, H)
            hidden = stack(states[1:], dim=1)                        # (B, T, H)
            logits = self.head(hidden)                               # (B, T, V)
            named = {"embed": x, **{f"h{t}": h for t, h in enumerate(states)}, "hidden": hidden, "logits": logits}
            out = {name: tensor.data.copy() for name, tensor in named.items()}
            out["probs"] = F.softmax(logits.detach(), dim=-1).data
            if targets is None:
                return out
            for tensor in named.values():
                tensor.retain_grad()
            params = list(self.parameters())
            kept = [p.grad for p in params]      # tracing leaves the parameters' gradients as it found them
            for p in params:
                p.grad = None
            loss = self.loss(logits, targets)
            loss.backward()
            for p, grad in zip(params, kept, strict=True):
                p.grad = grad
        out["loss"] = loss.data.copy()
        for name, tensor in named.items():
            out["grad:" + name] = tensor.grad.data if tensor.grad is not None else np.zeros_like(tensor.data)
        return out

    def generate(self, ids: np.ndarray, steps: int, temperature: float = 1.0, seed: int | None = None) -> np.ndarray:
        """ids (B, T) followed by `steps` sampled ids: (B, T + steps). temperature 0 picks the most likely."""
        ids = check_ids(ids, self.vocab_size)
        if not np.isfinite(temperature) or temperature < 0:
            raise InputError("char_rnn.error.temperature", got=repr(temperature))
        rng = np.random.default_rng(seed) if seed is not None else generator()
        out = [ids]
        with grad_mode.no_grad():
            h = self._h0(len(ids))
            for x_t in self.embed(ids).unbind(1):                    # read the prompt: T × (B, C)
                h = self.step(x_t, h)
            for _ in range(steps):
                logits = self.head(h).data.astype(np.float64)        # (B, V)
                if temperature == 0:
                    nxt = logits.argmax(axis=-1)
                else:
                    p = np.exp((logits - logits.max(axis=-1, keepdims=True)) / temperature)
                    p /= p.sum(axis=-1, keepdims=True)
                    nxt = np.array([rng.choice(self.vocab_size, p=row) for row in p])
                out.append(nxt[:, None])
                h = self.step(self.embed(nxt), h)
        return np.concatenate(out, axis=1)

    def extra_repr(self) -> str:
        return f"vocab_size={self.vocab_size}, hidden_size={self.hidden_size}, cell={self.cell!r}"
