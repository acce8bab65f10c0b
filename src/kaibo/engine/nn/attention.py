"""Causal multi-head self-attention, as in GPT-2 and nanoGPT.

Every position makes a query q ("what am I looking for?"), a key k ("what do I offer?") and a value v
("what I pass on"). The score of position i for position j is q_i·k_j / √D; the causal mask hides the
future (j > i); softmax turns each row of scores into weights that sum to 1; the output at i is the weighted
sum of the values. H heads do this side by side on slices of width D = C/H, and a last linear layer mixes
their results.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from kaibo.engine import functional as F
from kaibo.engine.nn.layers import Dropout, Linear
from kaibo.engine.nn.module import Module
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
    """

    def __init__(self, n_embd: int, n_head: int, dropout: float = 0.0, bias: bool = True) -> None:
        super().__init__()
        if n_embd % n_head:
            raise ValueError(f"n_embd ({n_embd}) must be divisible by n_head ({n_head})")
        self.n_embd, self.n_head = n_embd, n_head
        self.c_attn = Linear(n_embd, 3 * n_embd, bias=bias)   # q, k and v in one product
        self.c_proj = Linear(n_embd, n_embd, bias=bias)
        self.attn_dropout = Dropout(dropout)
        self.resid_dropout = Dropout(dropout)

    def forward(self, x: Tensor, record: dict[str, np.ndarray] | None = None) -> Tensor:
        """The attended x, (B, T, C). Pass a dict as `record` to receive every intermediate array by name:
        q, k, v (B, H, T, D), scores, scaled, masked, weights (B, H, T, T), out (B, H, T, D)."""
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = self.c_attn(x).split(C, dim=2)                    # 3 × (B, T, C)
        q = q.view(B, T, H, D).transpose(1, 2)                      # (B, H, T, D)
        k = k.view(B, T, H, D).transpose(1, 2)                      # (B, H, T, D)
        v = v.view(B, T, H, D).transpose(1, 2)                      # (B, H, T, D)
        scores = q @ k.transpose(-2, -1)                            # (B, H, T, T)
        scaled = scores * (1.0 / math.sqrt(D))                      # keeps the softmax from saturating
        masked = scaled.masked_fill(causal_mask(T), float("-inf"))  # no looking ahead
        weights = F.softmax(masked, dim=-1)                         # each row sums to 1
        out = self.attn_dropout(weights) @ v                        # (B, H, T, D)
        if record is not None:
            for name, t in (("q", q), ("k", k), ("v", v), ("scores", scores), ("scaled", scaled),
                            ("masked", masked), ("weights", weights), ("out", out)):
                record[name] = t.data
        y = out.transpose(1, 2).reshape(B, T, C)                    # heads side by side again
        return self.resid_dropout(self.c_proj(y))

    def extra_repr(self) -> str:
        return f"n_embd={self.n_embd}, n_head={self.n_head}"
