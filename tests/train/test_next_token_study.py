"""Lesson 11's measurements: loops found where they are, the loss position by position equal to the model's,
the two losses' push from the engine against the formulas, the race, and the corpus line count."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.engine import manual_seed
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.text.char_tokenizer import CharTokenizer
from kaibo.train.next_token_study import Loop, corpus_line_share, find_loop, loss_and_push, loss_race, position_losses


@pytest.mark.parametrize("ids, loop", [
    ([1, 2, 3, 4, 5], None),
    ([9, 1, 2, 1, 2, 1, 2], Loop(1, 2, 3.0)),
    ([5, 5, 5, 5], Loop(0, 1, 4.0)),
    ([7, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1], Loop(1, 3, 10 / 3)),
    ([1, 2, 1, 2, 3], None),
])
def test_find_loop(ids: list[int], loop: Loop | None) -> None:
    assert find_loop(ids) == loop


def test_position_losses_average_to_the_models_loss() -> None:
    tokenizer = CharTokenizer.train("abcdefgh")
    manual_seed(0)
    model = GPT(GPTConfig(vocab_size=8, block_size=6, n_layer=1, n_head=2, n_embd=8))
    rows, loss = position_losses(model, tokenizer, "abcdefgh")       # cropped to the context: 6 predictions
    assert len(rows) == 6 and [r.target for r in rows] == list("bcdefg")
    assert abs(np.mean([r.loss for r in rows]) - loss) < 1e-6
    assert all(abs(r.loss + np.log(r.probability)) < 1e-9 for r in rows)


@pytest.mark.parametrize("p", [0.001, 0.1, 0.5, 0.99])
def test_push_of_both_losses_matches_the_formulas(p: float) -> None:
    """−∂CE/∂z_t = 1 − p; −∂SE/∂z_t = −2p[(p − 1)(1 − p) − Σ_{j≠t} p_j²] with the rest spread evenly."""
    vocab = 50
    rest = (1 - p) / (vocab - 1)
    measured = loss_and_push(p, vocab)
    assert measured["cross_entropy"] == pytest.approx(-np.log(p))
    assert measured["cross_entropy_push"] == pytest.approx(1 - p)
    assert measured["squared_error"] == pytest.approx((1 - p) ** 2 + (vocab - 1) * rest ** 2)
    assert measured["squared_error_push"] == pytest.approx(-2 * p * ((p - 1) * (1 - p) - (vocab - 1) * rest ** 2))


def test_the_race_starts_together_and_cross_entropy_ends_lower() -> None:
    rng = np.random.default_rng(0)
    ids = np.where(rng.random(6000) < 0.85, np.arange(6000) % 7, rng.integers(0, 7, 6000))
    race = loss_race(ids[:5400], ids[5400:], 7, steps=60, every=30)
    assert race.steps == [0, 30, 60]
    assert race.cross_entropy[0] == race.squared_error[0]
    assert race.cross_entropy[-1] < race.squared_error[-1]


def test_corpus_line_share_counts_whole_lines_only() -> None:
    corpus = "Yuki lives in Kyoto.\nKen is a cook.\n"
    generated = "Yuki\nKen is a cook.\nYuki lives in Osaka.\n\nYuki lives in Kyoto.\nKen is"
    assert corpus_line_share(generated, corpus) == (2, 3)
