"""`CharTokenizer`: one token per character, numbered in sorted order.

The simplest way to turn text into numbers: "猫が好き" is 4 tokens, "cat" is 3. The vocabulary is the set of
characters of the training text, so it is small for English (~60) and a few hundred for everyday Japanese,
and a character the text never had has no id at all: it is refused by name (a byte-level BPE never fails so).
"""

from __future__ import annotations

from collections.abc import Sequence

from kaibo.errors import CheckpointError, InputError
from kaibo.text.tokenizer import Tokenizer


class CharTokenizer(Tokenizer):
    kind = "char"

    def __init__(self, chars: Sequence[str]) -> None:
        self.chars = list(chars)
        self.ids = {char: i for i, char in enumerate(self.chars)}

    @classmethod
    def train(cls, text: str) -> CharTokenizer:
        """Every distinct character of `text`, sorted by code point."""
        if not text:
            raise InputError("text.error.empty_training_text")
        return cls(sorted(set(text)))

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        try:
            return [self.ids[char] for char in text]
        except KeyError as missing:
            char = missing.args[0]
            raise InputError("text.error.unknown_char", char=char, code=f"U+{ord(char):04X}",
                             position=text.index(char) + 1) from None

    def unknown(self, text: str) -> list[str]:
        """The characters of `text` this tokenizer has no id for, each once, in order of appearance."""
        return list(dict.fromkeys(char for char in text if char not in self.ids))

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[i] for i in ids)

    def token_bytes(self, token_id: int) -> bytes:
        return self.chars[token_id].encode("utf-8")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "chars": self.chars}

    @classmethod
    def from_dict(cls, data: dict) -> CharTokenizer:
        chars = data.get("chars")
        if not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars) \
                or len(set(chars)) != len(chars) or not chars:
            raise CheckpointError("text.error.tokenizer_malformed", kind=cls.kind)
        return cls(chars)
