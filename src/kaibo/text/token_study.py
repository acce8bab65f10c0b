"""What lesson 10 measures about tokens: one text cut three ways, and BPE's vocabulary against its length.

BPE merges are learnt in order, so the tokenizer with the first n merges is exactly the one that training
to a vocabulary of 256 + n would give: one training to the largest size serves every smaller one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kaibo.errors import InputError
from kaibo.text.bpe import BYTES, BPETokenizer
from kaibo.text.char_tokenizer import CharTokenizer
from kaibo.text.corpus import generate_corpus
from kaibo.text.morphemes import morphemes

LARGEST = 1024          # the corpus BPE is trained this far once; smaller vocabularies are its prefixes
CORPUS_SENTENCES = 2000


@cache
def corpus_bpe(lang: str) -> BPETokenizer:
    """A byte-level BPE with LARGEST tokens learnt on the bundled corpus in `lang` (GPT-2's split;
    a few seconds, once per process)."""
    return BPETokenizer.train(generate_corpus(sentences=CORPUS_SENTENCES).text(lang), LARGEST, "gpt2")


def with_vocabulary(tokenizer: BPETokenizer, vocab_size: int) -> BPETokenizer:
    """The same tokenizer stopped after vocab_size − 256 merges."""
    if not BYTES <= vocab_size <= tokenizer.vocab_size:
        raise InputError("text.error.vocab_size", got=repr(vocab_size), low=BYTES, high=tokenizer.vocab_size)
    return BPETokenizer(tokenizer.merges[:vocab_size - BYTES], tokenizer.pretokenize)


def compression(tokenizer: BPETokenizer, text: str, sizes: list[int]) -> list[tuple[int, int]]:
    """(vocabulary size, tokens of `text`) for each size: how the same text shortens as merges are added."""
    return [(size, len(with_vocabulary(tokenizer, size).encode(text))) for size in sizes]


@dataclass(frozen=True)
class ThreeWays:
    """A text as characters (with the characters a char model does not know), BPE tokens and morphemes."""

    chars: list[tuple[int | None, str]]     # (id in the char tokenizer or None if unknown, the character)
    bpe: list[tuple[int, str]]              # (id, label)
    morphemes: list[tuple[str, str]]        # (surface, part of speech)
    utf8_bytes: int


def three_ways(text: str, chars: CharTokenizer, bpe: BPETokenizer) -> ThreeWays:
    return ThreeWays([(chars.ids.get(ch), ch) for ch in text], bpe.tokens(text),
                     [(m.surface, m.part_of_speech) for m in morphemes(text)] if text else [],
                     len(text.encode("utf-8")))
