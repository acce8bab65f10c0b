"""Generating text with a language model: "predictive text, pressed again and again".

At each step the model gives a score (logit) for every token of the vocabulary; the scores become
probabilities, one token is chosen and appended, and the longer text goes back in. How the token is chosen:

- greedy: always the most probable (temperature 0) — the same text every time, and often a loop;
- temperature τ: probabilities from softmax(logits / τ); τ < 1 sharpens them, τ > 1 flattens them;
- top-k: only the k most probable tokens keep their probability (then renormalised);
- top-p (nucleus): only the smallest set of most probable tokens whose probabilities add up to at least p.

The model reads at most `block_size` tokens: a longer text is cropped to its last `block_size` tokens.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kaibo.engine import grad_mode
from kaibo.errors import InputError
from kaibo.models.gpt import GPT


@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen. temperature 0 means greedy; top_k / top_p None mean "no cut"."""

    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None

    def __post_init__(self) -> None:
        if isinstance(self.temperature, bool) or not isinstance(self.temperature, (int, float)) \
                or not math.isfinite(self.temperature) or self.temperature < 0:
            raise InputError("generation.error.temperature", got=repr(self.temperature))
        if self.top_k is not None and (isinstance(self.top_k, bool) or not isinstance(self.top_k, int)
                                       or self.top_k < 1):
            raise InputError("generation.error.top_k", got=repr(self.top_k))
        if self.top_p is not None and (isinstance(self.top_p, bool) or not isinstance(self.top_p, (int, float))
                                       or not 0 < self.top_p <= 1):
            raise InputError("generation.error.top_p", got=repr(self.top_p))

    @property
    def greedy(self) -> bool:
        return self.temperature == 0


def next_token_probs(logits: np.ndarray, sampling: Sampling) -> np.ndarray:
    """The distribution the next token is drawn from, (…, V) → (…, V), after temperature, top-k and top-p.

    Greedy (temperature 0) puts all the probability on the highest logit (the first, on a tie).
    """
    logits = np.asarray(logits, dtype=np.float64)
    if sampling.greedy:
        probs = np.zeros_like(logits)
        np.put_along_axis(probs, logits.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return probs
    scaled = logits / sampling.temperature
    probs = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    order = np.argsort(-probs, axis=-1, kind="stable")                  # most probable first
    ranked = np.take_along_axis(probs, order, axis=-1)
    keep = np.ones_like(ranked, dtype=bool)
    if sampling.top_k is not None:
        keep[..., sampling.top_k:] = False
    if sampling.top_p is not None:
        before = np.cumsum(ranked, axis=-1) - ranked                    # probability of the better-ranked ones
        keep &= before < sampling.top_p                                 # keep until the sum reaches p
    kept = np.zeros_like(probs)
    np.put_along_axis(kept, order, np.where(keep, ranked, 0.0), axis=-1)
    return kept / kept.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class GenerationStep:
    """One step: the distribution's best candidates (id, probability) and the id chosen with its probability."""

    candidates: list[tuple[int, float]]
    chosen: int
    probability: float


def generate(model: GPT, ids: list[int] | np.ndarray, max_new_tokens: int, sampling: Sampling = Sampling(),
             seed: int | None = None, show: int = 0,
             on_step: Callable[[GenerationStep], None] | None = None) -> tuple[list[int], list[GenerationStep]]:
    """`ids` followed by `max_new_tokens` generated ids, and the steps (each with its `show` best candidates
    from the distribution actually sampled). `on_step` is called after each step (to print as it goes).
    The model reads the last `block_size` ids at each step. Runs in eval mode, without gradients.
    """
    ids = [int(i) for i in np.asarray(ids).reshape(-1)]
    if not ids:
        raise InputError("generation.error.empty_prompt")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
        raise InputError("generation.error.count", got=repr(max_new_tokens))
    rng = np.random.default_rng(seed)
    block = model.config.block_size
    steps: list[GenerationStep] = []
    was_training = model.training
    model.eval()
    try:
        with grad_mode.no_grad():
            for _ in range(max_new_tokens):
                logits = model(np.array([ids[-block:]]))[0, -1].data           # (V,) after the last token
                probs = next_token_probs(logits, sampling)
                chosen = int(probs.argmax()) if sampling.greedy else int(rng.choice(len(probs), p=probs))
                best = np.argsort(-probs, kind="stable")[:show]
                step = GenerationStep([(int(i), float(probs[i])) for i in best], chosen, float(probs[chosen]))
                steps.append(step)
                ids.append(chosen)
                if on_step is not None:
                    on_step(step)
    finally:
        model.train(was_training)
    return ids, steps
