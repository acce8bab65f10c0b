"""Choosing the next token: temperature, top-k and top-p on worked examples; generation crops to the context,
is reproducible by seed, and greedy always takes the most probable."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.engine import manual_seed
from kaibo.errors import InputError
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.train.generation import Sampling, generate, next_token_probs

LOGITS = np.log(np.array([0.5, 0.25, 0.15, 0.1]))    # softmax gives back these probabilities


@pytest.mark.parametrize("sampling, expected", [
    (Sampling(1.0), [0.5, 0.25, 0.15, 0.1]),
    (Sampling(0.0), [1, 0, 0, 0]),
    (Sampling(1.0, top_k=2), [2 / 3, 1 / 3, 0, 0]),
    (Sampling(1.0, top_p=0.5), [1, 0, 0, 0]),                  # 0.5 alone reaches 0.5
    (Sampling(1.0, top_p=0.6), [2 / 3, 1 / 3, 0, 0]),          # 0.5 < 0.6, so the second joins
    (Sampling(1.0, top_p=0.85), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0]),     # 0.75 < 0.85: the third joins
    (Sampling(1.0, top_p=1.0), [0.5, 0.25, 0.15, 0.1]),
    (Sampling(1.0, top_k=3, top_p=0.6), [2 / 3, 1 / 3, 0, 0]),
    (Sampling(0.5), np.array([0.25, 0.0625, 0.0225, 0.01]) / 0.345),   # p^(1/τ), renormalised
    (Sampling(2.0), np.sqrt([0.5, 0.25, 0.15, 0.1]) / np.sqrt([0.5, 0.25, 0.15, 0.1]).sum()),
])
def test_next_token_probs_worked_examples(sampling: Sampling, expected) -> None:
    np.testing.assert_allclose(next_token_probs(LOGITS, sampling), expected, rtol=1e-12, atol=1e-15)


def test_next_token_probs_works_on_a_batch_and_on_ties() -> None:
    logits = np.array([[1.0, 3.0, 3.0], [0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(next_token_probs(logits, Sampling(0.0)), [[0, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(next_token_probs(logits, Sampling(1.0, top_k=1)), [[0, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize("kwargs, key", [
    (dict(temperature=-1.0), "generation.error.temperature"),
    (dict(temperature=float("nan")), "generation.error.temperature"),
    (dict(top_k=0), "generation.error.top_k"),
    (dict(top_p=0.0), "generation.error.top_p"),
    (dict(top_p=1.5), "generation.error.top_p"),
])
def test_sampling_refusals(kwargs, key) -> None:
    with pytest.raises(InputError) as caught:
        Sampling(**kwargs)
    assert caught.value.key == key


@pytest.fixture(scope="module")
def model() -> GPT:
    manual_seed(0)
    return GPT(GPTConfig(vocab_size=9, block_size=5, n_layer=1, n_head=2, n_embd=8))


def test_generation_crops_to_the_context_and_is_reproducible(model: GPT) -> None:
    ids, steps = generate(model, [1, 2, 3], 8, Sampling(1.0), seed=3, show=3)
    assert len(ids) == 11 and ids[:3] == [1, 2, 3] and len(steps) == 8     # 11 tokens > block_size 5: cropped
    assert generate(model, [1, 2, 3], 8, Sampling(1.0), seed=3)[0] == ids
    for step, chosen in zip(steps, ids[3:], strict=True):
        assert step.chosen == chosen and len(step.candidates) == 3
        assert step.candidates[0][1] >= step.candidates[1][1] >= step.candidates[2][1]
    # step 6 sees only the last 5 ids: recompute its distribution by hand
    context = np.array([ids[3 + 5 - 5:3 + 5]])
    probs = next_token_probs(model(context)[0, -1].data, Sampling(1.0))
    assert steps[5].probability == pytest.approx(probs[steps[5].chosen])


def test_greedy_takes_the_most_probable_each_time(model: GPT) -> None:
    ids, steps = generate(model, [4], 6, Sampling(0.0), show=1)
    for step in steps:
        assert step.probability == 1.0 and step.candidates[0][0] == step.chosen
    assert generate(model, [4], 6, Sampling(0.0), seed=99)[0] == ids


def test_generation_refusals(model: GPT) -> None:
    with pytest.raises(InputError):
        generate(model, [], 3)
    with pytest.raises(InputError):
        generate(model, [1], -1)
