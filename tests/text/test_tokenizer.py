"""What both tokenizers promise: round trips (hand-picked and property-based), readable labels for every
token (bytes that are not whole characters as <E3 81>), JSON save/load, and clear refusals."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaibo.errors import CheckpointError, InputError
from kaibo.text.bpe import BPETokenizer
from kaibo.text.char_tokenizer import CharTokenizer
from kaibo.text.tokenizer import label_bytes, load_tokenizer, save_tokenizer, tokenizer_from_dict

TRAINING = "猫が好きです。犬も好きです。The cat sat on the mat; the cat's hat. 🐱🐶 café\n" * 30
BPE = BPETokenizer.train(TRAINING, 400)
BPE_GPT2 = BPETokenizer.train(TRAINING, 400, "gpt2")
CHARS = CharTokenizer.train(TRAINING)

HAND_PICKED = ["", "a", "猫", "the cat sat", "こんにちは、世界！", "🐱🐶🦊", "e\u0301 (e + combining accent)",
               "line\r\nbreak\ttab", "\x00nul\x7f", "mixed: 日本語 English русский العربية", "ｶﾀｶﾅ①Ⅳ²"]


@pytest.mark.parametrize("tokenizer", [BPE, BPE_GPT2], ids=["bpe none", "bpe gpt2"])
@pytest.mark.parametrize("text", HAND_PICKED)
def test_bpe_round_trips_any_text(tokenizer: BPETokenizer, text: str) -> None:
    assert tokenizer.decode(tokenizer.encode(text)) == text


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_bpe_round_trips_generated_text(text: str) -> None:
    for tokenizer in (BPE, BPE_GPT2):
        assert tokenizer.decode(tokenizer.encode(text)) == text


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=sorted(set(TRAINING)), max_size=40))
def test_char_tokenizer_round_trips_text_of_seen_characters(text: str) -> None:
    ids = CHARS.encode(text)
    assert CHARS.decode(ids) == text and len(ids) == len(text)


def test_char_tokenizer_numbers_the_sorted_characters() -> None:
    tokenizer = CharTokenizer.train("banana")
    assert tokenizer.chars == ["a", "b", "n"] and tokenizer.encode("nab") == [2, 0, 1]
    assert tokenizer.unknown("bandana!") == ["d", "!"]


def test_char_tokenizer_refuses_an_unseen_character_by_name() -> None:
    with pytest.raises(InputError) as caught:
        CHARS.encode("猫と鳥")
    message = caught.value.message("ja")
    assert "と" in message and "U+3068" in message and "2" in message


@pytest.mark.parametrize("data, label", [
    (b"a", "a"), (b" ", "␣"), (b"\n", "↵"), (b"\t", "⇥"), (b"\x00", "<00>"),
    ("あ".encode(), "あ"), (b"\xe3", "<E3>"), (b"\xe3\x81", "<E3 81>"), (b"\x81\x82", "<81 82>"),
    ("猫".encode() + b"\xe3\x81", "猫<E3 81>"), (b"\x82" + "です".encode(), "<82>です"),
    ("🐱".encode()[:3], "<F0 9F 90>"), (b"\xff", "<FF>"), (b"\xc0\x80", "<C0 80>"),
])
def test_labels_show_bytes_that_are_not_whole_characters(data: bytes, label: str) -> None:
    assert label_bytes(data) == label


def test_every_bpe_token_has_a_label_without_a_broken_glyph() -> None:
    for token_id in range(BPE.vocab_size):
        assert "\ufffd" not in BPE.token_label(token_id)
    partial = [i for i in range(BPE.vocab_size) if "<" in BPE.token_label(i) and i >= 256]
    assert partial, "this training text should produce at least one merge inside a character"


@pytest.mark.parametrize("tokenizer", [CHARS, BPE, BPE_GPT2], ids=["char", "bpe none", "bpe gpt2"])
def test_save_and_load_give_the_same_tokenizer(tokenizer, tmp_path) -> None:
    path = save_tokenizer(tokenizer, tmp_path / "tokenizer.json")
    loaded = load_tokenizer(path)
    assert type(loaded) is type(tokenizer) and loaded.to_dict() == tokenizer.to_dict()
    assert loaded.encode(TRAINING[:80]) == tokenizer.encode(TRAINING[:80])
    assert json.loads(path.read_text(encoding="utf-8"))["kind"] == tokenizer.kind


@pytest.mark.parametrize("data, key", [
    ([1, 2], "text.error.tokenizer_kind"),
    ({"kind": "wordpiece"}, "text.error.tokenizer_kind"),
    ({"kind": "char", "chars": ["a", "a"]}, "text.error.tokenizer_malformed"),
    ({"kind": "char", "chars": ["ab"]}, "text.error.tokenizer_malformed"),
    ({"kind": "bpe", "merges": [[1, 256]]}, "text.error.tokenizer_malformed"),    # 256 does not exist yet
    ({"kind": "bpe", "merges": [[1, 2]], "pretokenize": "words"}, "text.error.tokenizer_malformed"),
])
def test_malformed_tokenizers_are_refused(data, key) -> None:
    with pytest.raises(CheckpointError) as caught:
        tokenizer_from_dict(data)
    assert caught.value.key == key


def test_a_missing_or_broken_file_is_refused(tmp_path) -> None:
    with pytest.raises(CheckpointError):
        load_tokenizer(tmp_path / "none.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(CheckpointError) as caught:
        load_tokenizer(tmp_path / "bad.json")
    assert caught.value.key == "text.error.tokenizer_json"


@pytest.mark.parametrize("call, key", [
    (lambda: BPETokenizer.train("abc", 255), "text.error.vocab_size"),
    (lambda: BPETokenizer.train("abc", 10**6), "text.error.vocab_size"),
    (lambda: BPETokenizer.train("", 300), "text.error.empty_training_text"),
    (lambda: BPETokenizer.train("abc", 300, "words"), "text.error.pretokenize"),
    (lambda: CharTokenizer.train(""), "text.error.empty_training_text"),
])
def test_bad_training_arguments_are_refused(call, key) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.key == key
