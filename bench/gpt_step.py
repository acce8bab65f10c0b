"""One GPT training step in kaibo's engine against the same GPT in PyTorch, side by side in one run.

The step is what `kaibo train` does: forward, cross-entropy, backward, gradient clipping at 1.0, AdamW.
The model is nanoGPT's "baby GPT" on characters (n_layer 4, n_head 4, n_embd 128, block 64, batch 12,
vocab 65, no dropout); PyTorch gets kaibo's initial weights by name (kaibo.torch.gpt.TorchGPT) and runs on
the CPU with 2 threads, float32 both. The two are timed in alternating blocks (bench/timing.py says why not
step by step), so machine noise hits both alike; the
medians and their ratio kaibo / PyTorch are printed (goal ≤ 1.3×), with the losses of the first steps (they
must agree), the split of kaibo's step into its phases, and where its time goes by function.

    .venv/bin/python bench/gpt_step.py [--steps 30] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch

from kaibo.engine import manual_seed
from kaibo.engine.optim.clip import clip_grad_norm_
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.torch.gpt import TorchGPT
from kaibo.train.language_model import TrainSettings, make_optimizer
from timing import race

CONFIG = GPTConfig(vocab_size=65, block_size=64, n_layer=4, n_head=4, n_embd=128)
BATCH = 12


def kaibo_step(model: GPT, x: np.ndarray, y: np.ndarray, phases: dict[str, list[float]]) -> Callable[[], float]:
    optimizer = make_optimizer(model, TrainSettings())

    def step() -> float:
        t0 = time.perf_counter()
        loss = model.loss(model(x), y)
        t1 = time.perf_counter()
        optimizer.zero_grad()
        loss.backward()
        t2 = time.perf_counter()
        clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        t3 = time.perf_counter()
        for name, seconds in (("forward + loss", t1 - t0), ("backward", t2 - t1), ("clip + AdamW", t3 - t2)):
            phases[name].append(seconds)
        return float(loss.data)
    return step


def torch_step(model: TorchGPT, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    decayed = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    plain = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wpe" not in n)]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": 0.1}, {"params": plain, "weight_decay": 0.0}],
                                  lr=1e-3, betas=(0.9, 0.99), foreach=True)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)

    def step() -> float:
        loss = model.loss(model(xs), ys)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss.item()
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--top", type=int, default=15, help="functions listed in the profile")
    args = parser.parse_args()
    torch.set_num_threads(2)
    manual_seed(0)
    model = GPT(CONFIG)
    twin = TorchGPT.from_kaibo(model)
    rng = np.random.default_rng(0)
    x = rng.integers(0, CONFIG.vocab_size, (BATCH, CONFIG.block_size))
    y = rng.integers(0, CONFIG.vocab_size, (BATCH, CONFIG.block_size))
    phases: dict[str, list[float]] = {"forward + loss": [], "backward": [], "clip + AdamW": []}
    steps = {"kaibo": kaibo_step(model, x, y, phases), "torch": torch_step(twin, x, y)}

    medians, losses = race(steps, rounds=max(1, args.steps // 6))
    print(f"GPT training step (n_layer {CONFIG.n_layer}, n_head {CONFIG.n_head}, n_embd {CONFIG.n_embd}, "
          f"block {CONFIG.block_size}, batch {BATCH}, vocab {CONFIG.vocab_size}; {model.num_parameters():,} "
          f"parameters), medians in alternating blocks:")
    print(f"  kaibo {medians['kaibo'] * 1e3:.1f} ms, torch {medians['torch'] * 1e3:.1f} ms  →  "
          f"kaibo/torch = {medians['kaibo'] / medians['torch']:.2f}×")
    print("  losses of the first 3 steps: " + "; ".join(
        f"{name} " + " ".join(f"{v:.5f}" for v in values) for name, values in losses.items()))
    print("  kaibo's step by phase (median): " + ", ".join(
        f"{name} {statistics.median(values) * 1e3:.1f} ms" for name, values in phases.items()))
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [steps["kaibo"]() for _ in range(10)])
    print(f"\nwhere kaibo's time goes (10 steps, cProfile, the {args.top} functions with the most own time):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
