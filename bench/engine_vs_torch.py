"""One training step (forward, backward, AdamW update) of the same networks (an MLP, an attention block,
kaibo.models.DigitCNN and kaibo.models.CharRNN, Elman and GRU) in kaibo's engine and in PyTorch.

Both sides get the same shapes and the same initial weights (kaibo's, copied into PyTorch by name); PyTorch
runs on the CPU with 2 threads. The two are timed alternately in one run, so machine noise hits both alike,
and the median step times are printed with their ratio kaibo / PyTorch. Goal: ≤ 1.3×.

    .venv/bin/python bench/engine_vs_torch.py [--steps 30] [--profile]

--profile prints where kaibo's step spends its time (cProfile, by function).
"""

from __future__ import annotations

import argparse
import cProfile
import math
import pstats
from collections.abc import Callable

import numpy as np
import torch
import torch.nn as tnn
import torch.nn.functional as tF

from kaibo.data.datasets import load_digits_split
from kaibo.engine import Tensor, manual_seed, nn, optim
from kaibo.engine import functional as F
from kaibo.models.char_rnn import CharRNN
from kaibo.models.digit_cnn import DigitCNN
from timing import race

# ---- the two networks, written once in each library ----------------------------------------------------


class MLPClassifier(nn.Module):
    """8×8 digit images (64 numbers) → 256 → 256 → 10 classes, GELU between."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 256), nn.GELU(), nn.Linear(256, 256), nn.GELU(), nn.Linear(256, 10))

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)


class AttentionBlock(nn.Module):
    """Token + position embeddings, one pre-LayerNorm transformer block, a language-model head."""

    def __init__(self, vocab: int, block: int, width: int, heads: int) -> None:
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, width), nn.Embedding(block, width)
        self.ln_1, self.ln_2, self.ln_f = nn.LayerNorm(width), nn.LayerNorm(width), nn.LayerNorm(width)
        self.attn = nn.CausalSelfAttention(width, heads)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))
        self.lm_head = nn.Linear(width, vocab, bias=False)

    def forward(self, ids: np.ndarray) -> Tensor:
        x = self.wte(ids) + self.wpe(np.arange(ids.shape[1]))       # (B, T, C)
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return self.lm_head(self.ln_f(x))                           # (B, T, V)


class TorchMLPClassifier(tnn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = tnn.Sequential(tnn.Linear(64, 256), tnn.GELU(approximate="tanh"), tnn.Linear(256, 256),
                                  tnn.GELU(approximate="tanh"), tnn.Linear(256, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class TorchAttention(tnn.Module):
    def __init__(self, width: int, heads: int, fused: bool) -> None:
        super().__init__()
        self.heads, self.fused = heads, fused
        self.c_attn, self.c_proj = tnn.Linear(width, 3 * width), tnn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in self.c_attn(x).split(C, 2))
        if self.fused:
            y = tF.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.heads))
            att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
            y = tF.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))


class TorchAttentionBlock(tnn.Module):
    def __init__(self, vocab: int, block: int, width: int, heads: int, fused: bool) -> None:
        super().__init__()
        self.wte, self.wpe = tnn.Embedding(vocab, width), tnn.Embedding(block, width)
        self.ln_1, self.ln_2, self.ln_f = tnn.LayerNorm(width), tnn.LayerNorm(width), tnn.LayerNorm(width)
        self.attn = TorchAttention(width, heads, fused)
        self.mlp = tnn.Sequential(tnn.Linear(width, 4 * width), tnn.GELU(approximate="tanh"),
                                  tnn.Linear(4 * width, width))
        self.lm_head = tnn.Linear(width, vocab, bias=False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return self.lm_head(self.ln_f(x))


class TorchDigitCNN(tnn.Module):
    """kaibo.models.DigitCNN in PyTorch, with the same parameter names."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = tnn.Conv2d(1, 8, 3, padding=1), tnn.Conv2d(8, 16, 3, padding=1)
        self.pool, self.fc = tnn.MaxPool2d(2), tnn.Linear(16 * 2 * 2, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.conv2(self.pool(torch.relu(self.conv1(x))))))   # (B, 16, 2, 2)
        return self.fc(x.flatten(1))


class TorchCharRNN(tnn.Module):
    """CharRNN in PyTorch: the same names, so kaibo's state_dict loads as it is (a GRU's weights under layer 0's
    names, in the same r, z, n layout); nn.RNN and nn.GRU run their loops in C++."""

    def __init__(self, vocab: int, hidden: int, cell: str = "rnn") -> None:
        super().__init__()
        self.cell = cell
        self.embed, self.head = tnn.Embedding(vocab, hidden), tnn.Linear(hidden, vocab)
        setattr(self, cell, (tnn.RNN if cell == "rnn" else tnn.GRU)(hidden, hidden, batch_first=True))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.head(getattr(self, self.cell)(self.embed(ids))[0])   # (B, T, V)


def char_rnn_cases(rng: np.random.Generator) -> dict[str, dict[str, Callable[[], float]]]:
    """CharRNN over characters, Elman (tanh) and GRU: T steps of the recurrence, each a few small ops."""
    B, T, H, V = 32, 64, 128, 65
    ids, next_ids = rng.integers(0, V, (B, T)), rng.integers(0, V, (B, T))
    cases = {}
    for cell, name in (("rnn", "Elman tanh"), ("gru", "GRU")):
        model = CharRNN(V, H, cell=cell)
        twin = torch_twin(model, TorchCharRNN(V, H, cell),
                          rename=lambda key: key + "_l0" if key.startswith("gru.") else key)
        cases[f"CharRNN ({name}) B={B} T={T} H={H} V={V}"] = {
            "kaibo": kaibo_step(model, ids, next_ids), "torch": torch_step(twin, ids, next_ids)}
    return cases


def torch_twin(model: nn.Module, twin: tnn.Module, rename: Callable[[str], str] = str) -> tnn.Module:
    """Copy kaibo's weights into the PyTorch module by name (the layouts are the same; `rename` maps a kaibo
    name to PyTorch's where they differ)."""
    twin.load_state_dict({rename(name): torch.from_numpy(array.copy()) for name, array in model.state_dict().items()})
    return twin


# ---- timing --------------------------------------------------------------------------------------------


def kaibo_step(model: nn.Module, inputs: np.ndarray, targets: np.ndarray) -> Callable[[], float]:
    opt = optim.AdamW(model.parameters(), lr=1e-3)

    def step() -> float:
        logits = model(Tensor(inputs) if inputs.dtype.kind == "f" else inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item()
    return step


def torch_step(model: tnn.Module, inputs: np.ndarray, targets: np.ndarray) -> Callable[[], float]:
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, foreach=True)
    x, y = torch.from_numpy(inputs), torch.from_numpy(targets).reshape(-1)

    def step() -> float:
        logits = model(x)
        loss = tF.cross_entropy(logits.reshape(-1, logits.shape[-1]), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)

    manual_seed(0)
    mlp = MLPClassifier()
    images = rng.standard_normal((128, 64)).astype(np.float32)
    labels = rng.integers(0, 10, 128)
    torch_mlp = torch_twin(mlp, TorchMLPClassifier())

    B, T, C, H, V = 12, 64, 128, 4, 65
    block = AttentionBlock(V, T, C, H)
    ids = rng.integers(0, V, (B, T))
    next_ids = rng.integers(0, V, (B, T))
    twins = {fused: torch_twin(block, TorchAttentionBlock(V, T, C, H, fused)) for fused in (False, True)}

    digits = load_digits_split()
    cnn = DigitCNN()
    digit_images = digits.x_train[:128].reshape(-1, 1, 8, 8).copy()    # (128, 1, 8, 8)
    digit_labels = digits.y_train[:128].copy()
    torch_cnn = torch_twin(cnn, TorchDigitCNN())

    cases = {
        f"MLP 64-256-256-10, batch {len(images)}": {
            "kaibo": kaibo_step(mlp, images, labels), "torch": torch_step(torch_mlp, images, labels)},
        f"attention block B={B} T={T} C={C} H={H}": {
            "kaibo": kaibo_step(block, ids, next_ids), "torch": torch_step(twins[False], ids, next_ids),
            "torch sdpa": torch_step(twins[True], ids, next_ids)},
        f"DigitCNN conv8-pool-conv16-pool-linear, batch {len(digit_images)} digits": {
            "kaibo": kaibo_step(cnn, digit_images, digit_labels),
            "torch": torch_step(torch_cnn, digit_images, digit_labels)},
        **char_rnn_cases(rng),
    }
    print(f"median time of one training step (forward, backward, AdamW), {args.steps} steps each, "
          "in alternating blocks (bench/timing.py)")
    for name, steps in cases.items():
        medians, losses = race(steps, rounds=max(1, args.steps // 6))
        extra = "".join(f", {k} {v * 1e3:.2f} ms" for k, v in medians.items() if k not in ("kaibo", "torch"))
        print(f"  {name}: kaibo {medians['kaibo'] * 1e3:.2f} ms, torch {medians['torch'] * 1e3:.2f} ms{extra}"
              f"  →  kaibo/torch = {medians['kaibo'] / medians['torch']:.2f}×")
        print("    losses of the first 3 steps: " + "; ".join(
            f"{k} " + " ".join(f"{v:.5f}" for v in vs) for k, vs in losses.items()))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(lambda s=steps["kaibo"]: [s() for _ in range(10)])
            pstats.Stats(profiler).sort_stats("tottime").print_stats(14)


if __name__ == "__main__":
    main()
