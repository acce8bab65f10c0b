"""`GPT`: a small GPT-2-style language model on the engine, the model of the "Language models" lessons.

ids (B, T) → token vectors (+ position codes) → n_layer blocks → final LayerNorm → logits (B, T, V): at
every position, a score for each token of the vocabulary being the next one. Each block is pre-LN, as GPT-2:

    x = x + attention(LayerNorm(x))      the tokens look at the ones before them
    x = x + MLP(LayerNorm(x))            each token's vector is worked on alone (Linear → GELU → Linear)

The running x is the "residual stream": every part adds to it and nothing overwrites it. Weights carry
nanoGPT's names (`transformer.wte.weight`, `transformer.h.0.attn.c_attn.weight`, …), so a PyTorch twin can
take them by name.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable

import numpy as np

from kaibo.engine import Tensor, grad_mode, nn
from kaibo.engine import functional as F
from kaibo.engine.nn.positions import sinusoidal_table
from kaibo.engine.random import generator
from kaibo.errors import InputError
from kaibo.models.gpt_config import GPTConfig
from kaibo.models.token_ids import IGNORE, check_ids, check_targets

Keep = Callable[[str, Tensor], Tensor]
PER_HEAD = ".attn.heads."   # attention's (B, H, …) parts are kept under this name, then traced once per head


def _pass(name: str, tensor: Tensor) -> Tensor:
    return tensor


class MLP(nn.Module):
    """Linear C → 4C, GELU (GPT-2's tanh form), Linear 4C → C."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: Tensor, keep: Keep = _pass) -> Tensor:
        hidden = keep("mlp.hidden", F.gelu(self.c_fc(x)))
        return self.dropout(self.c_proj(hidden))


class Block(nn.Module):
    """One pre-LN transformer block: attention then MLP, each added to the residual stream."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = nn.CausalSelfAttention(config.n_embd, config.n_head, config.dropout, config.bias,
                                           rope=config.pos == "rope")
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: Tensor, keep: Keep = _pass) -> Tensor:
        attended = self.attn(keep("ln1", self.ln_1(x)), lambda name, t: keep(_attention_name(name), t))
        x = keep("resid_mid", x + keep("attn.out", attended))
        mlp_out = keep("mlp.out", self.mlp(keep("ln2", self.ln_2(x)), keep))
        return keep("resid_out", x + mlp_out)


def _attention_name(part: str) -> str:
    """q, k, v are traced whole (B, H, T, D); the others per head (`_by_head` splits them)."""
    return f"attn.{part}" if part in ("q", "k", "v") else PER_HEAD[1:] + part


class Trunk(nn.Module):
    """What nanoGPT calls `transformer`: the embeddings, the blocks and the final LayerNorm."""

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        if config.pos == "learned":
            self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.h = nn.Sequential(*(Block(config) for _ in range(config.n_layer)))
        self.ln_f = nn.LayerNorm(config.n_embd, bias=config.bias)


class GPT(nn.Module):
    """A GPT whose every intermediate can be looked at by name.

    Build it from a `GPTConfig`. Initialisation as GPT-2 / nanoGPT: weights N(0, 0.02), biases 0, and the
    two projections that write into the residual stream (`attn.c_proj`, `mlp.c_proj`) N(0, 0.02/√(2·n_layer))
    so the stream does not grow with depth. With `tied` the output head is the token embedding matrix itself
    (logits = x · wteᵀ), so there is no `lm_head.weight`.

    `trace(ids, targets=None)` returns, in forward order, batch axis first (i = block, h = head, B batch,
    T tokens, C = n_embd, H = n_head, D = C/H, V = vocab_size):

    - `embed.tok` (B, T, C): each token's row of the embedding matrix;
    - `embed.pos` (1, T, C): the position codes added to them (learned rows or sinusoidal codes; absent for
      pos "none" and "rope", which put no code at the bottom);
    - `embed` (B, T, C): their sum, the residual stream's start;
    - for each block i: `block{i}.ln1` (B, T, C); `block{i}.attn.q`, `.k`, `.v` (B, H, T, D) (q and k after
      the rotation for "rope"); for each head h `block{i}.attn.head{h}.scores` (Q·Kᵀ), `.scaled` (÷√D),
      `.masked` (the future set to −inf), `.weights` (softmax of each row), all (B, T, T), and `.out`
      (weights · V, (B, T, D)); `block{i}.attn.out` (B, T, C), the heads joined and projected;
      `block{i}.resid_mid` (B, T, C) = input + attn.out; `block{i}.ln2` (B, T, C); `block{i}.mlp.hidden`
      (B, T, 4C), after the GELU; `block{i}.mlp.out` (B, T, C); `block{i}.resid_out` (B, T, C);
    - `ln_f` (B, T, C); `logits` (B, T, V); `probs` (B, T, V), the softmax of the logits;
    - with targets (B, T): `loss` (), the mean cross-entropy over targets that are not -100, and
      `grad:<name>` for every name above except `probs`: ∂loss/∂(that intermediate), the same shape.

    Tracing leaves the parameters' `.grad` as it found them. It runs in eval mode (no dropout).
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.transformer = Trunk(config)
        if not config.tied:
            self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self._initialise()

    def _initialise(self) -> None:
        rng = generator()
        deep = 0.02 / math.sqrt(2 * self.config.n_layer)
        for name, param in self.named_parameters():
            if name.endswith("bias"):
                param.data = np.zeros_like(param.data)
            elif name.endswith("weight") and ".ln_" not in name:
                std = deep if name.endswith("c_proj.weight") else 0.02
                param.data = (rng.standard_normal(param.data.shape) * std).astype(param.data.dtype)

    # ---- the computation ----------------------------------------------------------------------------------

    def _forward(self, ids: np.ndarray, keep: Keep) -> Tensor:
        config, trunk = self.config, self.transformer
        length = ids.shape[1]
        if length > config.block_size:
            raise InputError("gpt.error.too_long", length=length, block_size=config.block_size)
        x = keep("embed.tok", trunk.wte(ids))                                   # (B, T, C)
        if config.pos == "learned":
            x = x + keep("embed.pos", trunk.wpe(np.arange(length)[None, :]))         # (1, T, C)
        elif config.pos == "sinusoidal":
            codes = Tensor(sinusoidal_table(config.block_size, config.n_embd)[None, :length].astype(x.dtype))
            x = x + keep("embed.pos", codes)                                    # (1, T, C)
        x = keep("embed", trunk.drop(x))
        for i, block in enumerate(trunk.h):
            x = block(x, lambda name, t, i=i: keep(f"block{i}.{name}", t))
        x = keep("ln_f", trunk.ln_f(x))
        if config.tied:
            return keep("logits", F.linear(x, trunk.wte.weight))                # (B, T, V)
        return keep("logits", self.lm_head(x))

    def forward(self, ids: np.ndarray | Tensor) -> Tensor:
        """ids (B, T) → logits (B, T, V), the scores for the token that follows each position."""
        return self._forward(check_ids(ids, self.config.vocab_size), _pass)

    def loss(self, logits: Tensor, targets: np.ndarray) -> Tensor:
        """Mean cross-entropy −log p(target) of logits (B, T, V) against targets (B, T), skipping -100."""
        return F.cross_entropy(logits.reshape(-1, self.config.vocab_size), np.asarray(targets).reshape(-1),
                               ignore_index=IGNORE)

    # ---- looking inside -----------------------------------------------------------------------------------

    def trace(self, ids: np.ndarray | Tensor, targets: np.ndarray | Tensor | None = None) -> dict[str, np.ndarray]:
        """Every intermediate by name (the list is in the class docstring)."""
        ids = check_ids(ids, self.config.vocab_size)
        if targets is not None:
            targets = check_targets(targets, ids, self.config.vocab_size)
        kept: dict[str, Tensor] = {}

        def keep(name: str, tensor: Tensor) -> Tensor:
            kept[name] = tensor
            return tensor

        was_training = self.training
        params = list(self.parameters())
        grads = [p.grad for p in params]              # tracing leaves the parameters' gradients as it found them
        self.eval()
        try:
            with grad_mode.no_grad() if targets is None else contextlib.nullcontext():
                logits = self._forward(ids, keep)
                loss = None
                if targets is not None:
                    for tensor in kept.values():
                        tensor.retain_grad()
                    for p in params:
                        p.grad = None
                    loss = self.loss(logits, targets)
                    loss.backward()
        finally:
            self.train(was_training)
            for p, grad in zip(params, grads, strict=True):
                p.grad = grad
        out = _by_head(kept, lambda t: t.data, self.config.n_head)
        out["probs"] = F.softmax(Tensor(out["logits"]), dim=-1).data
        if loss is not None:
            out["loss"] = loss.data.copy()
            zeros = lambda t: t.grad.data if t.grad is not None else np.zeros_like(t.data)
            out.update({"grad:" + name: g for name, g in _by_head(kept, zeros, self.config.n_head).items()})
        return out

    def extra_repr(self) -> str:
        c = self.config
        return f"n_layer={c.n_layer}, n_head={c.n_head}, n_embd={c.n_embd}, pos={c.pos!r}, tied={c.tied}"


def _by_head(kept: dict[str, Tensor], read: Callable[[Tensor], np.ndarray], n_head: int) -> dict[str, np.ndarray]:
    """The kept tensors read as arrays, attention's (B, H, …) parts split into one entry per head."""
    out: dict[str, np.ndarray] = {}
    for name, tensor in kept.items():
        array = read(tensor)
        if PER_HEAD in name:
            block, _, part = name.partition(PER_HEAD)
            for h in range(n_head):
                out[f"{block}.attn.head{h}.{part}"] = array[:, h].copy()
        else:
            out[name] = array.copy()
    return out
