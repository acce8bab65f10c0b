"""Training a GPT on a long array of token ids: random windows, AdamW, evaluation on fixed windows.

Each step takes `batch_size` windows of `block_size + 1` consecutive ids at random places of the training
ids: the model reads the first `block_size` of each and is scored, at every position, on the id that follows
(the targets are the same window shifted by one). The loss is the mean cross-entropy −log p(next id).

Evaluation uses fixed windows spread evenly over each split, the same at every evaluation and for anyone who
evaluates the same model on the same ids: so a saved checkpoint's validation loss can be reproduced.
Everything random comes from one seeded generator whose state is saved with the checkpoint, so a resumed run
goes on exactly as the uninterrupted one would have.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from kaibo.engine import grad_mode, optim
from kaibo.engine.optim.clip import clip_grad_norm_
from kaibo.engine.random import generator
from kaibo.errors import InputError
from kaibo.models.gpt import GPT

EVAL_WINDOWS = 200      # at most this many windows per split are evaluated: enough for 2 decimals, quick


@dataclass(frozen=True)
class TrainSettings:
    """nanoGPT's names. weight_decay applies to matrices only (not biases, LayerNorm or position tables)."""

    batch_size: int = 12
    learning_rate: float = 1e-3
    max_iters: int = 2000
    eval_interval: int = 250
    weight_decay: float = 0.1
    beta2: float = 0.99
    grad_clip: float = 1.0
    warmup_iters: int = 100
    min_lr_ratio: float = 0.1
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("batch_size", "max_iters", "eval_interval"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError("train.error.count", name=name, got=repr(value))
        if not (isinstance(self.learning_rate, (int, float)) and math.isfinite(self.learning_rate)
                and self.learning_rate > 0):
            raise InputError("train.error.learning_rate", got=repr(self.learning_rate))

    def lr_at(self, step: int) -> float:
        """Linear warm-up, then a cosine down to min_lr_ratio × learning_rate at max_iters."""
        if step < self.warmup_iters:
            return self.learning_rate * (step + 1) / self.warmup_iters
        progress = min(1.0, (step - self.warmup_iters) / max(1, self.max_iters - self.warmup_iters))
        floor = self.min_lr_ratio * self.learning_rate
        return floor + 0.5 * (1 + math.cos(math.pi * progress)) * (self.learning_rate - floor)


def split_ids(ids: np.ndarray, block_size: int, val_fraction: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """The first 90% for training and the last 10% for validation, refused if either is shorter than a window."""
    ids = np.asarray(ids, dtype=np.int64)
    cut = int(len(ids) * (1 - val_fraction))
    train, val = ids[:cut], ids[cut:]
    if min(len(train), len(val)) < block_size + 1:
        raise InputError("train.error.too_short", tokens=len(ids), block_size=block_size,
                         needed=int(math.ceil((block_size + 1) / val_fraction)))
    return train, val


def random_windows(ids: np.ndarray, block_size: int, batch_size: int, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(x, y), each (batch_size, block_size): windows at random starts, y = x shifted by one."""
    starts = rng.integers(0, len(ids) - block_size, size=batch_size)
    rows = starts[:, None] + np.arange(block_size + 1)[None, :]
    windows = ids[rows]
    return windows[:, :-1], windows[:, 1:]


def fixed_windows(ids: np.ndarray, block_size: int, count: int = EVAL_WINDOWS) -> tuple[np.ndarray, np.ndarray]:
    """Up to `count` windows at evenly spaced starts (without overlap when the split is short enough)."""
    last = len(ids) - block_size - 1
    starts = np.unique(np.linspace(0, last, num=min(count, last // block_size + 1)).round().astype(np.int64))
    rows = starts[:, None] + np.arange(block_size + 1)[None, :]
    windows = ids[rows]
    return windows[:, :-1], windows[:, 1:]


def evaluate(model: GPT, ids: np.ndarray, batch_size: int = 32) -> float:
    """Mean cross-entropy over the fixed windows of `ids`, in eval mode, without gradients."""
    x, y = fixed_windows(ids, model.config.block_size)
    was_training = model.training
    model.eval()
    total = 0.0
    try:
        with grad_mode.no_grad(), np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, len(x), batch_size):
                xb, yb = x[start:start + batch_size], y[start:start + batch_size]
                total += float(model.loss(model(xb), yb).data) * len(xb)
    finally:
        model.train(was_training)
    return total / len(x)


def make_optimizer(model: GPT, settings: TrainSettings) -> optim.AdamW:
    """AdamW with weight decay on the matrices only, as nanoGPT: biases, LayerNorm weights and position
    tables keep their size."""
    decayed, plain = [], []
    for name, param in model.named_parameters():
        (decayed if param.data.ndim >= 2 and "wpe" not in name else plain).append(param)
    groups = [{"params": decayed, "weight_decay": settings.weight_decay}, {"params": plain, "weight_decay": 0.0}]
    return optim.AdamW(groups, lr=settings.learning_rate, betas=(0.9, settings.beta2))


@dataclass
class Evaluation:
    step: int
    train_loss: float
    val_loss: float
    seconds: float


@dataclass
class LanguageModelTraining:
    """A training run that can be stepped, evaluated, paused and resumed.

    `rng` draws the batches; `step` counts the optimizer steps done; `history` holds every evaluation.
    """

    model: GPT
    train_ids: np.ndarray
    val_ids: np.ndarray
    settings: TrainSettings
    optimizer: optim.AdamW = field(init=False)
    rng: np.random.Generator = field(init=False)
    step: int = 0
    seconds: float = 0.0
    history: list[Evaluation] = field(default_factory=list)
    last_loss: float = float("nan")

    def __post_init__(self) -> None:
        self.optimizer = make_optimizer(self.model, self.settings)
        self.rng = np.random.default_rng(self.settings.seed)

    def train_step(self) -> float:
        """One optimizer step on a random batch; returns its loss (non-finite: the weights are left as they were)."""
        s, model = self.settings, self.model
        started = time.perf_counter()
        x, y = random_windows(self.train_ids, model.config.block_size, s.batch_size, self.rng)
        model.train()
        with np.errstate(over="ignore", invalid="ignore"):      # a diverging run is reported, not warned about
            loss = model.loss(model(x), y)
            self.last_loss = float(loss.data)
            if not math.isfinite(self.last_loss):
                return self.last_loss
            self.optimizer.zero_grad()
            loss.backward()
        clip_grad_norm_(model.parameters(), s.grad_clip)
        for group in self.optimizer.param_groups:
            group["lr"] = s.lr_at(self.step)
        self.optimizer.step()
        self.step += 1
        self.seconds += time.perf_counter() - started
        return self.last_loss

    def evaluate(self) -> Evaluation:
        result = Evaluation(self.step, evaluate(self.model, self.train_ids), evaluate(self.model, self.val_ids),
                            round(self.seconds, 3))
        self.history.append(result)
        return result

    def run(self, on_step: Callable[[LanguageModelTraining], None] | None = None,
            on_eval: Callable[[LanguageModelTraining, Evaluation], None] | None = None) -> bool:
        """Train to max_iters, evaluating every eval_interval steps and at the end. Returns False if a loss
        became non-finite (training stops there; the last evaluation's weights were the last good ones)."""
        s = self.settings
        while self.step < s.max_iters:
            if not math.isfinite(self.train_step()):
                return False
            if on_step is not None:
                on_step(self)
            if self.step % s.eval_interval == 0 or self.step == s.max_iters:
                result = self.evaluate()
                if not (math.isfinite(result.train_loss) and math.isfinite(result.val_loss)):
                    return False
                if on_eval is not None:
                    on_eval(self, result)
        return True

    # ---- what a checkpoint keeps to go on later ---------------------------------------------------------

    def optimizer_state(self) -> dict[str, np.ndarray]:
        """Adam's moments by weight name (`<name>.exp_avg`, `<name>.exp_avg_sq`)."""
        names = {id(p): name for name, p in self.model.named_parameters()}
        out = {}
        for param, state in self.optimizer.state.items():
            if state:
                out[names[id(param)] + ".exp_avg"] = state["exp_avg"]
                out[names[id(param)] + ".exp_avg_sq"] = state["exp_avg_sq"]
        return out

    def restore(self, optimizer_state: dict[str, np.ndarray], progress: dict) -> None:
        """Go on from a saved run: Adam's moments, the step, the history and the batch generator's state."""
        for name, param in self.model.named_parameters():
            if name + ".exp_avg" in optimizer_state:
                self.optimizer.state[param] = {"step": int(progress["step"]),
                                               "exp_avg": optimizer_state[name + ".exp_avg"].copy(),
                                               "exp_avg_sq": optimizer_state[name + ".exp_avg_sq"].copy()}
        self.step = int(progress["step"])
        self.seconds = float(progress.get("seconds", 0.0))
        self.history = [Evaluation(**entry) for entry in progress.get("history", [])]
        self.rng.bit_generator.state = progress["rng"]
        generator().bit_generator.state = progress["engine_rng"]

    def progress(self) -> dict:
        """The JSON-able part of the run's state (what `restore` takes back)."""
        return {"step": self.step, "seconds": round(self.seconds, 3), "rng": self.rng.bit_generator.state,
                "engine_rng": generator().bit_generator.state,      # dropout draws from the engine's generator
                "history": [dataclasses.asdict(e) for e in self.history]}
