"""What lesson 11 measures about next-token prediction: loops in greedy text, the loss position by position,
and why the loss is the cross-entropy and not the squared error.

- `find_loop`: where a generated sequence starts repeating itself, and the length of the repeated part.
- `position_losses`: at every position of a text, the probability the model gave the character that really
  came next, and −log of it; their mean is the model's loss on the text (`GPT.trace`'s "loss").
- `loss_and_push`: for one position, the cross-entropy and the squared error between the predicted
  probabilities and the one-hot target, and the gradient of each at the true token's logit — from the engine.
- `loss_race`: the same small GPT trained from the same start on the same batches, once minimising the
  cross-entropy and once the squared error of its probabilities; both judged by the cross-entropy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor, manual_seed
from kaibo.engine import functional as F
from kaibo.engine.optim.clip import clip_grad_norm_
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.text.tokenizer import Tokenizer
from kaibo.train.language_model import TrainSettings, evaluate, make_optimizer, random_windows


@dataclass(frozen=True)
class Loop:
    start: int          # the index where the periodic tail begins
    length: int         # the period: how many tokens repeat
    repeats: float      # how many times the period fits in the tail


def find_loop(ids: list[int], min_repeats: int = 3) -> Loop | None:
    """The shortest period p whose last `min_repeats`·p tokens repeat exactly, extended back as far as the
    sequence keeps that period; None if the end of the sequence does not repeat."""
    n = len(ids)
    for period in range(1, n // min_repeats + 1):
        if all(ids[i] == ids[i - period] for i in range(n - (min_repeats - 1) * period, n)):
            start = n - min_repeats * period
            while start > 0 and ids[start - 1] == ids[start - 1 + period]:
                start -= 1
            return Loop(start, period, (n - start) / period)
    return None


@dataclass(frozen=True)
class PositionLoss:
    context_end: str        # the last token read
    target: str             # the token that really comes next
    probability: float      # what the model gave it
    loss: float             # −log probability (nats)


def position_losses(model: GPT, tokenizer: Tokenizer, text: str) -> tuple[list[PositionLoss], float]:
    """Every position's prediction of the next token of `text` (cropped to the context), and the mean loss as
    `trace` computes it."""
    ids = np.array([tokenizer.encode(text)[: model.config.block_size + 1]])
    traced = model.trace(ids[:, :-1], ids[:, 1:])
    probs = traced["probs"][0]
    rows = []
    for t in range(ids.shape[1] - 1):
        p = float(probs[t, ids[0, t + 1]])
        rows.append(PositionLoss(tokenizer.token_label(int(ids[0, t])), tokenizer.token_label(int(ids[0, t + 1])),
                                 p, float(-np.log(p))))
    return rows, float(traced["loss"])


def loss_and_push(p_true: float, vocab: int) -> dict[str, float]:
    """At one position with `vocab` tokens, the model gives the true token probability p_true and shares the
    rest evenly. The cross-entropy −log p and the squared error Σ(p_j − y_j)², and each one's gradient at the
    true token's logit (what pushes that logit up), computed by the engine's backward pass."""
    rest = (1.0 - p_true) / (vocab - 1)
    logits = np.log(np.array([p_true] + [rest] * (vocab - 1)))
    out = {}
    for name in ("cross_entropy", "squared_error"):
        z = Tensor(logits[None, :], requires_grad=True)
        if name == "cross_entropy":
            loss = F.cross_entropy(z, np.array([0]))
        else:
            target = np.zeros((1, vocab))
            target[0, 0] = 1.0
            loss = F.mse_loss(F.softmax(z, dim=-1), Tensor(target), reduction="sum")
        loss.backward()
        out[name] = float(loss.data)
        out[name + "_push"] = float(-z.grad.data[0, 0])      # the step moves the logit by −lr × gradient
    return out


@dataclass(frozen=True)
class Race:
    steps: list[int]
    cross_entropy: list[float]      # validation cross-entropy of the model trained on the cross-entropy
    squared_error: list[float]      # … of the model trained on the squared error


RACE_STEPS, RACE_EVERY = 200, 25


def loss_race(train_ids: np.ndarray, val_ids: np.ndarray, vocab_size: int, steps: int = RACE_STEPS,
              every: int = RACE_EVERY, seed: int = 0) -> Race:
    """Two copies of one small GPT, trained side by side on the same batches, one per loss."""
    config = GPTConfig(vocab_size=vocab_size, block_size=32, n_layer=1, n_head=2, n_embd=64)
    settings = TrainSettings(batch_size=16, learning_rate=3e-3, max_iters=steps, warmup_iters=10, seed=seed)
    manual_seed(seed)
    models = {"cross_entropy": GPT(config)}
    models["squared_error"] = GPT(config)
    models["squared_error"].load_state_dict(models["cross_entropy"].state_dict())
    optimizers = {name: make_optimizer(model, settings) for name, model in models.items()}
    rng = np.random.default_rng(seed)
    curves: dict[str, list[float]] = {name: [] for name in models}
    marks = []
    eye = np.eye(vocab_size, dtype=np.float32)
    for step in range(steps + 1):
        if step % every == 0:
            marks.append(step)
            for name, model in models.items():
                curves[name].append(evaluate(model, val_ids[:4000]))
        if step == steps:
            break
        x, y = random_windows(train_ids, config.block_size, settings.batch_size, rng)
        for name, model in models.items():
            logits = model(x)
            if name == "cross_entropy":
                loss = model.loss(logits, y)
            else:       # Σ_j (p_j − y_j)² per position, averaged over positions
                probs = F.softmax(logits, dim=-1)
                loss = F.mse_loss(probs, Tensor(eye[y]), reduction="sum") * (1.0 / y.size)
            optimizers[name].zero_grad()
            loss.backward()
            clip_grad_norm_(model.parameters(), settings.grad_clip)
            for group in optimizers[name].param_groups:
                group["lr"] = settings.lr_at(step)
            optimizers[name].step()
    return Race(marks, curves["cross_entropy"], curves["squared_error"])


def corpus_line_share(generated: str, corpus_text: str) -> tuple[int, int]:
    """(lines of `generated` found word for word among the corpus's lines, complete lines generated); the
    last line is left out as it may be cut off."""
    known = set(corpus_text.splitlines())
    lines = [line for line in generated.split("\n")[1:-1] if line]
    return sum(line in known for line in lines), len(lines)

