"""Reading a learner's own text file to train on, with a clear message for every way it can be unusable.

Refused, each with its own message: a path that does not exist or is a folder, an empty file (or only
whitespace), a binary file (NUL bytes, or mostly bytes that are not text), and a file that is not UTF-8.
A Japanese file saved as Shift_JIS (cp932, the Windows default in Japan) is recognised and named, with the
option that reads it (`--encoding shift_jis`). A UTF-8 byte-order mark is dropped, and Windows line ends
(\\r\\n) become \\n, so the same text saved on two systems trains the same model.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from kaibo.errors import InputError

SNIFF = 1 << 16     # bytes looked at to tell text from binary


def _looks_binary(data: bytes) -> bool:
    sample = data[:SNIFF]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\f\x1b")
    return control > 0.1 * len(sample)


def _looks_shift_jis(data: bytes) -> bool:
    """Decodes as cp932 and holds Japanese (kana or kanji) — then it is almost surely Shift_JIS text."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return False
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def read_text_file(path: str | os.PathLike, encoding: str | None = None) -> str:
    """The text of `path` (UTF-8 unless `encoding` is given), with \\r\\n as \\n and no byte-order mark."""
    path = Path(path)
    if path.is_dir():
        raise InputError("corpus.error.folder", path=str(path))
    if not path.is_file():
        raise InputError("corpus.error.missing", path=str(path))
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError("corpus.error.unknown_encoding", encoding=encoding) from None
    data = path.read_bytes()
    if not data.strip():
        raise InputError("corpus.error.empty", path=str(path))
    if _looks_binary(data):
        raise InputError("corpus.error.binary", path=str(path))
    try:
        text = data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as error:
        if encoding is None and _looks_shift_jis(data):
            raise InputError("corpus.error.shift_jis", path=str(path)) from error
        line = data[:error.start].count(b"\n") + 1
        raise InputError("corpus.error.not_text", path=str(path), encoding=encoding or "UTF-8", line=line) from error
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    if not text.strip():
        raise InputError("corpus.error.empty", path=str(path))
    return text
