"""Causal multi-head self-attention, as in GPT-2 and nanoGPT.

Every position makes a query q ("what am I looking for?"), a key k ("what do I offer?") and a value v
("what I pass on"). The score of position i for position j is q_i·k_j / √D; the causal mask hides the
future (j > i); softmax turns each row of scores into weights that sum to 1; the output at i is the weighted
sum of the values. H heads do this side by side on slices of width D = C/H, and a last linear layer mixes
their results. With `rope=True` the queries and keys are turned by their position first (RoPE, see
`kaibo.engine.nn.positions`), so the scores see how far apart two tokens are.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np

from kaibo.engine import functional as F
from kaibo.engine.nn.layers import Dropout, Linear
from kaibo.engine.nn.module import Module
from kaibo.engine.nn.positions import rotary_angles, rotate_pairs
from kaibo.engine.tensor import Tensor


@cache
def causal_mask(T: int) -> np.ndarray:
    """(T, T), True above the diagonal: the positions a token may NOT look at (its future)."""
    return np.triu(np.ones((T, T), dtype=bool), k=1)


class CausalSelfAttention(Module):
    """Multi-head causal self-attention over x of shape (B, T, C).

    Parameters
    ----------
    n_embd : int
        C, the width of each token's vector.
    n_head : int
        H, the number of heads; C must be divisible by H.
    dropout : float
        Dropout on the attention weights and on the output, in training mode.
    bias : bool
        Whether the two linear layers have biases.
    rope : bool
        Whether queries and keys are rotated by their position (RoPE) before they meet; D must then be even.
    """

    def __init__(self, n_embd: int, n_head: int, dropout: float = 0.0, bias: bool = True, rope: bool = False) -> None:
        super().__init__()
        if n_embd % n_head:
            raise ValueError(f"n_embd ({n_embd}) must be divisible by n_head ({n_head})")
        if rope and (n_embd // n_head) % 2:
            raise ValueError(f"RoPE turns pairs of columns: the head width n_embd/n_head ({n_embd // n_head}) "
                             "must be even")
        self.n_embd, self.n_head, self.rope = n_embd, n_head, rope
        self.c_attn = Linear(n_embd, 3 * n_embd, bias=bias)   # q, k and v in one product
        self.c_proj = Linear(n_embd, n_embd, bias=bias)
        self.attn_dropout = Dropout(dropout)
        self.resid_dropout = Dropout(dropout)

    def forward(self, x: Tensor, keep: Callable[[str, Tensor], Tensor] | None = None) -> Tensor:
        """The attended x, (B, T, C). `keep(name, tensor)`, when given, is handed every intermediate in order
        and returns the tensor to go on with (a model's `trace` records them, and can keep their gradients):
        q, k, v (B, H, T, D) — q and k after the rotation when `rope` —, scores, scaled, masked, weights
        (B, H, T, T), out (B, H, T, D)."""
        keep = keep or (lambda name, tensor: tensor)
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)                    # 3 × (B, T, C)
        q = q.view(B, T, H, D).transpose(1, 2)                      # (B, H, T, D)
        k = k.view(B, T, H, D).transpose(1, 2)                      # (B, H, T, D)
        v = v.view(B, T, H, D).transpose(1, 2)                      # (B, H, T, D)
        if self.rope:
            cos, sin = rotary_angles(T, D)
            q, k = rotate_pairs(q, cos, sin), rotate_pairs(k, cos, sin)
        q, k, v = keep("q", q), keep("k", k), keep("v", v)
        scores = keep("scores", q @ k.transpose(-2, -1))            # (B, H, T, T)
        scaled = keep("scaled", scores * (1.0 / math.sqrt(D)))      # keeps the softmax from saturating
        masked = keep("masked", scaled.masked_fill(causal_mask(T), float("-inf")))  # no looking ahead
        weights = keep("weights", F.softmax(masked, dim=-1))        # each row sums to 1
        out = keep("out", self.attn_dropout(weights) @ v)           # (B, H, T, D)
        y = out.transpose(1, 2).reshape(B, T, C)                    # heads side by side again
        return self.resid_dropout(self.c_proj(y))

    def extra_repr(self) -> str:
        return f"n_embd={self.n_embd}, n_head={self.n_head}" + (", rope=True" if self.rope else "")
