"""BPE training recomputed by brute force (every pair recounted after every merge), the replayed encoding,
the GPT-2 split, and Japanese morphemes."""

from __future__ import annotations

from collections import Counter

import pytest

from kaibo.text.bpe import BPETokenizer, bpe_training_steps
from kaibo.text.morphemes import morphemes
from kaibo.text.pretokenize import pretokenize

SMALL = "low lower lowest newer wider 猫が好き、猫も犬も好き。aaaa"


def brute_force_merges(text: str, merges: int, how: str) -> list[tuple[tuple[int, int], int, list]]:
    """The textbook algorithm: count all pairs, merge the most frequent (ties: smallest), repeat."""
    chunks = [list(chunk.encode()) for chunk in pretokenize(text, how)]
    out = []
    for rank in range(merges):
        counts = Counter(pair for chunk in chunks for pair in zip(chunk, chunk[1:], strict=False))
        if not counts:
            break
        ranking = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        pair, count = ranking[0]
        new = 256 + rank
        for i, chunk in enumerate(chunks):
            merged, j = [], 0
            while j < len(chunk):
                if j + 1 < len(chunk) and (chunk[j], chunk[j + 1]) == pair:
                    merged.append(new)
                    j += 2
                else:
                    merged.append(chunk[j])
                    j += 1
            chunks[i] = merged
        out.append((pair, count, ranking[:5]))
    return out


@pytest.mark.parametrize("how", ["none", "gpt2"])
def test_training_steps_equal_the_brute_force_algorithm(how: str) -> None:
    steps = list(bpe_training_steps(SMALL, 40, how, top=5))
    expected = brute_force_merges(SMALL, 40, how)
    assert len(steps) == len(expected)
    for step, (pair, count, ranking) in zip(steps, expected, strict=True):
        assert (step.pair, step.count) == (pair, count), step.rank
        assert step.top_pairs == ranking, step.rank


def test_first_merges_on_a_known_text() -> None:
    steps = list(bpe_training_steps("aaab aaab", 3))
    # "aaa" holds "aa" twice (counted twice, merged once); then a tie at 2 goes to the smaller pair, (a, b)
    assert [(s.label, s.count) for s in steps] == [("aa", 4), ("ab", 2), ("aaab", 2)]
    assert [s.tokens_after for s in steps] == [7, 5, 3]


def test_training_stops_when_no_pair_is_left() -> None:
    assert len(list(bpe_training_steps("ab", 10))) == 1
    assert BPETokenizer.train("ab", 300).vocab_size == 257


def test_replayed_encoding_ends_at_encode_and_shortens_step_by_step() -> None:
    tokenizer = BPETokenizer.train(SMALL * 3, 300)
    steps = tokenizer.encode_steps("lower 猫も好き")
    assert steps[0] == (-1, list("lower 猫も好き".encode()))
    assert steps[-1][1] == tokenizer.encode("lower 猫も好き")
    lengths = [len(tokens) for _, tokens in steps]
    assert lengths == sorted(lengths, reverse=True) and len(set(lengths)) == len(lengths)
    ranks = [rank for rank, _ in steps]
    assert ranks == sorted(ranks)


def test_encoding_a_training_text_gives_the_training_token_count() -> None:
    steps = list(bpe_training_steps(SMALL * 2, 30))
    tokenizer = BPETokenizer([s.pair for s in steps])
    assert len(tokenizer.encode(SMALL * 2)) == steps[-1].tokens_after


@pytest.mark.parametrize("text, chunks", [
    ("The cat's hat, 2024!", ["The", " cat", "'s", " hat", ",", " 2024", "!"]),
    ("猫が好きです。犬も", ["猫が好きです", "。", "犬も"]),
    ("a  b\n\nc_d", ["a", " ", " b", "\n", "\n", "c", "_", "d"]),     # as GPT-2: whitespace before a word splits
])
def test_gpt2_split(text: str, chunks: list[str]) -> None:
    assert pretokenize(text, "gpt2") == chunks


def test_japanese_morphemes() -> None:
    split = morphemes("猫が好きです。")
    assert [m.surface for m in split] == ["猫", "が", "好き", "です", "。"]
    assert [m.part_of_speech for m in split][:2] == ["名詞", "助詞"]


def reference_tokens_per_character(text: str, vocab_size: int, use_regex: bool) -> float:
    """The `tokenizers` library's byte-level BPE trained on the same text with the same vocabulary size."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    reference = Tokenizer(models.BPE())
    reference.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=use_regex)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    reference.train_from_iterator([text], trainer)
    assert reference.get_vocab_size() == vocab_size
    return len(reference.encode(text).ids) / len(text)


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("how", ["none", "gpt2"])
def test_compression_is_within_three_percent_of_the_tokenizers_library(lang: str, how: str) -> None:
    from kaibo.text.corpus import generate_corpus

    text = generate_corpus(sentences=1000).text(lang)
    ours = BPETokenizer.train(text, 600, how)
    assert ours.vocab_size == 600
    ratio = len(ours.encode(text)) / len(text)
    reference = reference_tokens_per_character(text, 600, use_regex=how == "gpt2")
    assert abs(ratio / reference - 1) < 0.03, (ratio, reference)
