"""`BPETokenizer`: byte-level byte-pair encoding, learnt from a text (Sennrich et al., 2016; GPT-2's variant).

Start from the text's UTF-8 bytes: 256 possible tokens, ids 0–255, so any text at all can be written. Then
repeat: find the pair of neighbouring tokens that occurs most often, make it a new token (id 256, 257, …),
and replace it everywhere. After n merges the vocabulary has 256 + n tokens, frequent words and word pieces
have become single tokens, and the text needs fewer tokens. Encoding a new text replays the merges in the
order they were learnt. Ties (two pairs equally frequent) go to the smaller pair of ids, so training is
deterministic.

A merge can join bytes that are only part of a character: "あ" is E3 81 82 in UTF-8, and a token E3 81 is
possible. Such a token is shown as its bytes, "<E3 81>" (`token_label`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kaibo.errors import CheckpointError, InputError
from kaibo.text.pair_table import Pair, PairTable
from kaibo.text.pretokenize import PRETOKENIZERS, pretokenize
from kaibo.text.tokenizer import Tokenizer, label_bytes

BYTES = 256
LARGEST_VOCABULARY = 65_536


@dataclass(frozen=True)
class MergeStep:
    """One merge of training: the pair chosen and how often it occurred, the new token, and the most
    frequent pairs at that moment (the chosen one first), each with its count."""

    rank: int                       # 0 for the first merge
    pair: Pair
    count: int
    new_id: int
    label: str                      # the new token as text (see label_bytes)
    top_pairs: list[tuple[Pair, int]]
    tokens_after: int               # how many tokens the training text has after this merge


def _byte_chunks(text: str, how: str) -> list[list[int]]:
    return [list(chunk.encode("utf-8")) for chunk in pretokenize(text, how)]


def bpe_training_steps(text: str, merges: int, pretokenize: str = "none", top: int = 10) -> Iterator[MergeStep]:
    """Learn up to `merges` merges from `text`, yielding each step as it is made (fewer if no pair is left)."""
    if not text:
        raise InputError("text.error.empty_training_text")
    if pretokenize not in PRETOKENIZERS:
        raise InputError("text.error.pretokenize", got=repr(pretokenize), known=", ".join(PRETOKENIZERS))
    table = PairTable(_byte_chunks(text, pretokenize))
    vocab = [bytes([b]) for b in range(BYTES)]
    tokens = len(table.token)
    for rank in range(merges):
        best = table.most_frequent()
        if best is None:
            return
        pair, count = best
        top_pairs = table.top(top) if top else []
        new_id = BYTES + rank
        vocab.append(vocab[pair[0]] + vocab[pair[1]])
        tokens -= table.merge(pair, new_id)
        yield MergeStep(rank, pair, count, new_id, label_bytes(vocab[new_id]), top_pairs, tokens)


class BPETokenizer(Tokenizer):
    """ids 0–255 are the bytes; id 256 + i is merge i, `merges[i]` = the pair of ids it joins."""

    kind = "bpe"

    def __init__(self, merges: Sequence[Pair], pretokenize: str = "none") -> None:
        self.merges = [tuple(pair) for pair in merges]
        self.pretokenize = pretokenize
        self.vocab = [bytes([b]) for b in range(BYTES)]
        for a, b in self.merges:
            self.vocab.append(self.vocab[a] + self.vocab[b])

    @classmethod
    def train(cls, text: str, vocab_size: int, pretokenize: str = "none") -> BPETokenizer:
        """Learn vocab_size − 256 merges from `text` (fewer if the text runs out of pairs)."""
        if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) \
                or not BYTES <= vocab_size <= LARGEST_VOCABULARY:
            raise InputError("text.error.vocab_size", got=repr(vocab_size), low=BYTES, high=LARGEST_VOCABULARY)
        steps = bpe_training_steps(text, vocab_size - BYTES, pretokenize, top=0)
        return cls([step.pair for step in steps], pretokenize)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def _table(self, text: str) -> PairTable:
        return PairTable(_byte_chunks(text, self.pretokenize))

    def encode(self, text: str) -> list[int]:
        """The merges replayed in the order learnt, each wherever its pair occurs."""
        table = self._table(text)
        for rank, pair in enumerate(self.merges):
            if table.count(pair):
                table.merge(pair, BYTES + rank)
        return table.tokens()

    def encode_steps(self, text: str) -> list[tuple[int, list[int]]]:
        """How `text` is merged step by step: (rank of the merge, the tokens after it) for every merge that
        changed something, starting with (−1, the bytes). The last entry's tokens are `encode(text)`."""
        table = self._table(text)
        steps = [(-1, table.tokens())]
        for rank, pair in enumerate(self.merges):
            if table.count(pair):
                table.merge(pair, BYTES + rank)
                steps.append((rank, table.tokens()))
        return steps

    def decode(self, ids: Sequence[int]) -> str:
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")

    def token_bytes(self, token_id: int) -> bytes:
        return self.vocab[token_id]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "pretokenize": self.pretokenize, "merges": [list(p) for p in self.merges]}

    @classmethod
    def from_dict(cls, data: dict) -> BPETokenizer:
        merges, how = data.get("merges"), data.get("pretokenize", "none")
        ok = how in PRETOKENIZERS and isinstance(merges, list)
        if ok:
            for rank, pair in enumerate(merges):
                ok = ok and isinstance(pair, list) and len(pair) == 2 \
                    and all(isinstance(i, int) and 0 <= i < BYTES + rank for i in pair)
        if not ok:
            raise CheckpointError("text.error.tokenizer_malformed", kind=cls.kind)
        return cls([tuple(pair) for pair in merges], how)
