"""Lesson 10's measurements: a smaller BPE is the beginning of a larger one, more vocabulary never makes a
text longer, and the three ways of cutting cover the text."""

from __future__ import annotations

import pytest

from kaibo.errors import InputError
from kaibo.text.bpe import BPETokenizer
from kaibo.text.char_tokenizer import CharTokenizer
from kaibo.text.token_study import compression, three_ways, with_vocabulary

TEXT = "由紀は白い猫を飼っています。健は犬を飼っています。Yuki has a cat. " * 8
BIG = BPETokenizer.train(TEXT, 330, "gpt2")


def test_a_smaller_vocabulary_is_the_same_as_training_to_it() -> None:
    assert with_vocabulary(BIG, 290).merges == BPETokenizer.train(TEXT, 290, "gpt2").merges
    with pytest.raises(InputError):
        with_vocabulary(BIG, BIG.vocab_size + 1)


def test_more_vocabulary_never_lengthens_a_text() -> None:
    sizes = [256, 270, 290, BIG.vocab_size]
    curve = compression(BIG, "由紀は猫を飼っています。", sizes)
    assert [size for size, _ in curve] == sizes
    counts = [tokens for _, tokens in curve]
    assert counts == sorted(counts, reverse=True) and counts[0] == len("由紀は猫を飼っています。".encode())


def test_three_ways_cover_the_text_and_flag_unknown_characters() -> None:
    chars = CharTokenizer.train("由紀は猫が好き")
    ways = three_ways("由紀は犬が好き🐶", chars, BIG)
    assert "".join(ch for _, ch in ways.chars) == "由紀は犬が好き🐶"
    assert [ch for token_id, ch in ways.chars if token_id is None] == ["犬", "🐶"]
    assert BIG.decode([token_id for token_id, _ in ways.bpe]) == "由紀は犬が好き🐶"
    assert "".join(surface for surface, _ in ways.morphemes) == "由紀は犬が好き🐶"
    assert ways.utf8_bytes == len("由紀は犬が好き🐶".encode())
