"""Reading a learner's text file: every refusal names the problem in ja and en; Shift_JIS is recognised."""

from __future__ import annotations

import pytest

from kaibo.errors import InputError
from kaibo.text.files import read_text_file

JAPANESE = "猫が好きです。\n犬も好きです。\n"


@pytest.mark.parametrize("content, encoding, key", [
    (b"", None, "corpus.error.empty"),
    (b" \n\t\n", None, "corpus.error.empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, None, "corpus.error.binary"),
    (JAPANESE.encode("shift_jis"), None, "corpus.error.shift_jis"),
    ("café\nnaïve\n".encode("latin-1"), None, "corpus.error.not_text"),
    (b"abc", "klingon", "corpus.error.unknown_encoding"),
])
def test_unusable_files_are_refused_by_name(tmp_path, content: bytes, encoding, key: str) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_text_file(path, encoding)
    assert caught.value.key == key
    assert str(path) in caught.value.message("ja") or key == "corpus.error.unknown_encoding"


def test_missing_file_and_folder(tmp_path) -> None:
    for path, key in [(tmp_path / "none.txt", "corpus.error.missing"), (tmp_path, "corpus.error.folder")]:
        with pytest.raises(InputError) as caught:
            read_text_file(path)
        assert caught.value.key == key


def test_the_line_of_the_bad_byte_is_named(tmp_path) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"line one\nline two\nbad \xff here\n")
    with pytest.raises(InputError) as caught:
        read_text_file(path)
    assert caught.value.params["line"] == 3


@pytest.mark.parametrize("content, encoding", [
    (JAPANESE.encode("utf-8"), None),
    (b"\xef\xbb\xbf" + JAPANESE.encode("utf-8"), None),                 # a byte-order mark
    (JAPANESE.replace("\n", "\r\n").encode("utf-8"), None),             # Windows line ends
    (JAPANESE.encode("shift_jis"), "shift_jis"),
    (JAPANESE.encode("cp932"), "cp932"),
])
def test_readable_files_give_the_same_text(tmp_path, content: bytes, encoding) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(content)
    assert read_text_file(path, encoding) == JAPANESE
