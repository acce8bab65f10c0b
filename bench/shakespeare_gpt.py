"""The classic small character GPT on Tiny Shakespeare, trained by kaibo's engine and by PyTorch, same run.

Benchmark data only (../shared/data/tinyshakespeare.txt beside the checkout; the product never needs it).
Characters as tokens (65), the first 90% for training and the last 10% for validation; nanoGPT's baby GPT:
n_layer 4, n_head 4, n_embd 128, block 64, batch 12, no dropout; AdamW lr 1e-3, betas (0.9, 0.99), weight
decay 0.1 on matrices, gradient clipping 1.0, 100 warm-up steps then a cosine to 1e-4 at the last step;
2,000 iterations, seed 0. kaibo trains with `kaibo.train.language_model` (the loop `kaibo train` uses); the
PyTorch twin starts from the same weights and sees the same batches in the same order. Printed: ms per
iteration and the validation loss at the end for each (mean cross-entropy over 200 fixed windows spread
over the validation text, `kaibo.train.language_model.evaluate`).

    .venv/bin/python bench/shakespeare_gpt.py [--iters 2000] [--skip-torch]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

from kaibo.engine import manual_seed
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.text.char_tokenizer import CharTokenizer
from kaibo.torch.gpt import TorchGPT
from kaibo.train.language_model import LanguageModelTraining, TrainSettings, fixed_windows, random_windows, split_ids

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tinyshakespeare.txt"


def torch_training(twin: TorchGPT, run: LanguageModelTraining) -> tuple[float, float]:
    """Train the twin as `run` trains kaibo's model (same settings, same batch generator); seconds, val loss."""
    s = run.settings
    decayed = [p for n, p in twin.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    plain = [p for n, p in twin.named_parameters() if not (p.dim() >= 2 and "wpe" not in n)]
    optimizer = torch.optim.AdamW([{"params": decayed, "weight_decay": s.weight_decay},
                                   {"params": plain, "weight_decay": 0.0}], lr=s.learning_rate,
                                  betas=(0.9, s.beta2), foreach=True)
    rng = np.random.default_rng(s.seed)
    started = time.perf_counter()
    for step in range(s.max_iters):
        x, y = random_windows(run.train_ids, twin.config.block_size, s.batch_size, rng)
        loss = twin.loss(twin(torch.from_numpy(x)), torch.from_numpy(y))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(twin.parameters(), s.grad_clip)
        for group in optimizer.param_groups:
            group["lr"] = s.lr_at(step)
        optimizer.step()
    seconds = time.perf_counter() - started
    x, y = fixed_windows(run.val_ids, twin.config.block_size)
    with torch.no_grad():
        val = float(sum(twin.loss(twin(torch.from_numpy(x[i:i + 32])), torch.from_numpy(y[i:i + 32])).item()
                        * len(x[i:i + 32]) for i in range(0, len(x), 32)) / len(x))
    return seconds, val


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--skip-torch", action="store_true")
    args = parser.parse_args()
    if not DATA.is_file():
        print(f"benchmark data not found: {DATA} (it comes with the shared folder beside the checkout)")
        return 1
    torch.set_num_threads(2)
    text = DATA.read_text(encoding="utf-8")
    tokenizer = CharTokenizer.train(text)
    ids = np.array(tokenizer.encode(text))
    config = GPTConfig(vocab_size=tokenizer.vocab_size, block_size=64, n_layer=4, n_head=4, n_embd=128)
    train_ids, val_ids = split_ids(ids, config.block_size)
    settings = TrainSettings(batch_size=12, learning_rate=1e-3, max_iters=args.iters, eval_interval=args.iters,
                             weight_decay=0.1, beta2=0.99, grad_clip=1.0, warmup_iters=100, min_lr_ratio=0.1)
    manual_seed(0)
    model = GPT(config)
    twin = TorchGPT.from_kaibo(model)                        # the same starting weights
    run = LanguageModelTraining(model, train_ids, val_ids, settings)
    print(f"Tiny Shakespeare: {len(text):,} characters, {tokenizer.vocab_size} distinct; "
          f"{model.num_parameters():,} parameters; {args.iters} iterations; load average "
          f"{os.getloadavg()[0]:.2f} at the start")
    run.run()
    kaibo_ms = 1000 * run.seconds / args.iters
    print(f"  kaibo:   {kaibo_ms:.1f} ms/iteration, validation loss {run.history[-1].val_loss:.4f} "
          f"(train {run.history[-1].train_loss:.4f})", flush=True)
    if not args.skip_torch:
        seconds, val = torch_training(twin, run)
        torch_ms = 1000 * seconds / args.iters
        print(f"  PyTorch: {torch_ms:.1f} ms/iteration, validation loss {val:.4f}")
        print(f"  kaibo/PyTorch time per iteration: {kaibo_ms / torch_ms:.2f}×")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
