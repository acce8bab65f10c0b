"""`TorchGPT`: kaibo's `GPT` written in PyTorch, weight for weight (nanoGPT's layout and names).

`TorchGPT.from_kaibo(model)` copies a kaibo GPT's weights in by name (in the dtype asked for);
`state_dict_numpy()` hands them back as NumPy arrays that `GPT.load_state_dict` takes.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from kaibo.engine.nn.positions import rotary_angles, sinusoidal_table
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig


def rotate_pairs(x: torch.Tensor, cos: np.ndarray, sin: np.ndarray) -> torch.Tensor:
    """RoPE as in the RoFormer paper: columns (2i, 2i+1) turned as a pair by the angle of their position."""
    cos_t, sin_t = (torch.tensor(a, dtype=x.dtype) for a in (cos, sin))
    pairs = x.unflatten(-1, (-1, 2))
    quarter_turn = torch.stack((-pairs[..., 1], pairs[..., 0]), dim=-1).flatten(-2)
    return x * cos_t + quarter_turn * sin_t


class CausalSelfAttention(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout, self.resid_dropout = nn.Dropout(config.dropout), nn.Dropout(config.dropout)
        self.n_head, self.rope = config.n_head, config.pos == "rope"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        H, D = self.n_head, C // self.n_head
        q, k, v = (t.view(B, T, H, D).transpose(1, 2) for t in self.c_attn(x).split(C, dim=2))
        if self.rope:
            q, k = (rotate_pairs(t, *rotary_angles(T, D)) for t in (q, k))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(D)
        att = att.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1), float("-inf"))
        y = self.attn_dropout(torch.softmax(att, dim=-1)) @ v
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(B, T, C)))


class MLP(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x), approximate="tanh")))


class Block(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class TorchGPT(nn.Module):
    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList(Block(config) for _ in range(config.n_layer)),
            ln_f=nn.LayerNorm(config.n_embd, bias=config.bias),
        ))
        if config.pos == "learned":
            self.transformer["wpe"] = nn.Embedding(config.block_size, config.n_embd)
        if not config.tied:
            self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, T) → logits (B, T, V)."""
        T = ids.shape[1]
        trunk = self.transformer
        x = trunk["wte"](ids)
        if self.config.pos == "learned":
            x = x + trunk["wpe"](torch.arange(T))
        elif self.config.pos == "sinusoidal":
            x = x + torch.tensor(sinusoidal_table(self.config.block_size, self.config.n_embd)[:T], dtype=x.dtype)
        x = trunk["drop"](x)
        for block in trunk["h"]:
            x = block(x)
        x = trunk["ln_f"](x)
        return x @ trunk["wte"].weight.T if self.config.tied else self.lm_head(x)

    def loss(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)

    @classmethod
    def from_kaibo(cls, model: GPT, dtype: torch.dtype = torch.float32) -> TorchGPT:
        twin = cls(model.config).to(dtype)
        twin.load_state_dict({name: torch.tensor(array, dtype=dtype) for name, array in model.state_dict().items()})
        return twin

    def state_dict_numpy(self) -> dict[str, np.ndarray]:
        return {name: t.detach().cpu().numpy() for name, t in self.state_dict().items()}
