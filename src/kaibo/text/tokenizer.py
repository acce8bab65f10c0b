"""What every tokenizer shares: text ↔ ids, each token's bytes and a readable label, saving as JSON.

A tokenizer cuts text into tokens and numbers them 0 … vocab_size − 1; the model only ever sees those
numbers. Every token is a string of bytes of the text's UTF-8 encoding. Some tokens are not whole characters
(a byte-level BPE may keep 2 of the 3 bytes of "あ" together): `token_label` writes those bytes as hex in
angle brackets, "<E3 81>", instead of a broken glyph, and makes whitespace visible ("␣" for a space, "↵"
for a newline, "⇥" for a tab).
"""

from __future__ import annotations

import json
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from kaibo.atomic import make_ordinary
from kaibo.errors import CheckpointError

VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥", "\r": "␍"}


def _utf8_length(lead: int) -> int:
    """How many bytes the character starting with byte `lead` takes (0: not a valid first byte)."""
    if lead < 0x80:
        return 1
    if 0xC2 <= lead < 0xE0:
        return 2
    if 0xE0 <= lead < 0xF0:
        return 3
    if 0xF0 <= lead < 0xF5:
        return 4
    return 0


def label_bytes(data: bytes) -> str:
    """`data` as readable text: whole UTF-8 characters as themselves (whitespace made visible, other control
    characters as hex), and every run of bytes that is not a whole character as "<E3 81>"."""
    out: list[str] = []
    loose: list[int] = []                      # bytes waiting to be written as one <…> group

    def flush() -> None:
        if loose:
            out.append("<" + " ".join(f"{b:02X}" for b in loose) + ">")
            loose.clear()

    i = 0
    while i < len(data):
        size = _utf8_length(data[i])
        try:
            char = data[i:i + size].decode("utf-8") if size and i + size <= len(data) else None
        except UnicodeDecodeError:
            char = None
        if char is None:
            loose.append(data[i])
            i += 1
            continue
        flush()
        out.append(VISIBLE.get(char) or (f"<{ord(char):02X}>" if ord(char) < 0x20 or ord(char) == 0x7F else char))
        i += size
    flush()
    return "".join(out)


class Tokenizer(ABC):
    """Base of `CharTokenizer` and `BPETokenizer`."""

    kind: ClassVar[str]

    @property
    @abstractmethod
    def vocab_size(self) -> int:
        """How many different tokens there are: the ids are 0 … vocab_size − 1."""

    @abstractmethod
    def encode(self, text: str) -> list[int]:
        """The ids of the tokens of `text`, in order."""

    @abstractmethod
    def decode(self, ids: Sequence[int]) -> str:
        """The text of `ids`; bytes that do not form whole characters become U+FFFD (never an error)."""

    @abstractmethod
    def token_bytes(self, token_id: int) -> bytes:
        """The UTF-8 bytes token `token_id` stands for."""

    @abstractmethod
    def to_dict(self) -> dict:
        """Everything needed to rebuild the tokenizer, JSON-able, with "kind"."""

    def token_label(self, token_id: int) -> str:
        """The token as readable text (see `label_bytes`)."""
        return label_bytes(self.token_bytes(token_id))

    def tokens(self, text: str) -> list[tuple[int, str]]:
        """(id, label) for each token of `text`: what a lesson draws as chips."""
        return [(i, self.token_label(i)) for i in self.encode(text)]


def tokenizer_from_dict(data: object) -> Tokenizer:
    """A tokenizer from `to_dict`'s output; anything else is refused with a message."""
    from kaibo.text.bpe import BPETokenizer
    from kaibo.text.char_tokenizer import CharTokenizer

    kinds: dict[str, type] = {"char": CharTokenizer, "bpe": BPETokenizer}
    if not isinstance(data, dict) or data.get("kind") not in kinds:
        found = data.get("kind") if isinstance(data, dict) else type(data).__name__
        raise CheckpointError("text.error.tokenizer_kind", found=repr(found), known=", ".join(kinds))
    return kinds[data["kind"]].from_dict(data)


def save_tokenizer(tokenizer: Tokenizer, path: str | os.PathLike) -> Path:
    """Write the tokenizer as JSON, atomically (a new file renamed over the old one when complete)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        json.dump(tokenizer.to_dict(), file, ensure_ascii=False)
    make_ordinary(temporary)
    os.replace(temporary, path)
    return path


def load_tokenizer(path: str | os.PathLike) -> Tokenizer:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError("text.error.tokenizer_missing", path=str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError("text.error.tokenizer_json", path=str(path), detail=str(error)) from error
    return tokenizer_from_dict(data)
