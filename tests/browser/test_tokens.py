"""Lesson 10 in the browser: the readouts are the library's counts for the sentence; the vocabulary choice
redraws the compression curve and the BPE count; the step slider redraws the pair counts with the library's
merge; a typed sentence is cut again (a character the model never saw is counted); the self-check reads the
page; the English page keeps the view and reads its own numbers. One page load per language."""

from __future__ import annotations

from playwright.sync_api import expect

from kaibo.i18n import t
from kaibo.text import token_study
from kaibo.text.bpe import BPETokenizer, bpe_training_steps
from kaibo.text.corpus import generate_corpus
from kaibo.train.lm_checkpoint import load_checkpoint
from tests.browser.lab import Lab

SLUG = "tokens"
COMPRESSION, PAIRS, VECTORS = 0, 1, 2     # the figures, in page order


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def bpe_count(lang: str, text: str, vocab: int) -> str:
    return str(len(token_study.with_vocabulary(token_study.corpus_bpe(lang), vocab).encode(text)))


def merge_of(lang: str, text: str, n: int) -> tuple[str, int]:
    """The pair merged at step n of the page's small text, as the page labels it, and its count."""
    lines = generate_corpus(sentences=30).text(lang).splitlines()[:30]
    small = text + "\n" + "\n".join(line for line in lines if line)
    steps = list(bpe_training_steps(small, 40, "none", top=8))
    tokenizer = BPETokenizer([s.pair for s in steps[:n]])
    a, b = steps[n - 1].pair
    return f"{tokenizer.token_label(a)} + {tokenizer.token_label(b)}", steps[n - 1].count


def test_cutting_merging_and_looking_up_tokens(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="トークン", exact=True)).to_be_visible()
    text = lesson("example", "ja")
    lab.wait_value("char_count", str(len(text)))
    assert lab.value("bpe_count") == bpe_count("ja", text, 400)
    assert lab.value("unknown_count") == "1"                       # the emoji: never in the corpus
    assert lab.value("utf8_bytes") == str(len(text.encode()))
    chars = load_checkpoint("bundled:ja").tokenizer
    assert lab.value("picked_id") == str(chars.ids[text[0]]) and lab.value("lookup_gap") == "0"
    pair, count = merge_of("ja", text, 1)
    assert lab.value("merge_pair") == pair and lab.value("merge_count") == str(count)
    assert lab.value("share_trained") != lab.value("share_random")
    lab.shot("default")
    compression, pairs, vectors = (lab.fingerprint(n) for n in (COMPRESSION, PAIRS, VECTORS))

    lab.choose(lesson("control.vocab", "ja"), lesson("option.vocab.900", "ja"))
    lab.wait_query(vocab="900")
    lab.wait_value("bpe_count", bpe_count("ja", text, 900))
    lab.wait_changed(COMPRESSION, compression)

    lab.slide(lesson("control.merge", "ja"), 9)                     # merge 1 → 10
    lab.wait_query(merge="10")
    pair, count = merge_of("ja", text, 10)
    lab.wait_value("merge_pair", pair)
    assert lab.value("merge_count") == str(count) and lab.value("new_id") == "265"
    lab.wait_changed(PAIRS, pairs)

    field = page.locator("marimo-text input")
    field.fill("猫と犬が好きです！")
    field.press("Enter")
    lab.wait_value("char_count", "9")
    assert lab.value("unknown_count") == "1"                        # the full-width ！ is not in the corpus
    lab.wait_changed(VECTORS, vectors)
    right, wrong = ("yes", "no") if int(lab.value("bpe_count")) < 9 else ("no", "yes")
    lab.self_check("shorter", lesson(f"check.shorter.{wrong}", "ja"), lesson(f"check.shorter.{right}", "ja"),
                   lesson("check.shorter.where", "ja"))
    lab.self_check("new_id", lesson("check.new_id.from_zero", "ja"), lesson("check.new_id.after_bytes", "ja"),
                   lesson("check.new_id.where", "ja"))
    lab.shot("typed")

    japanese = lab.value("bpe_count")
    page.get_by_role("link", name="English").first.click()
    page.get_by_role("heading", name="Tokens", exact=True).wait_for()
    page.locator("[data-kaibo-value]").first.wait_for()
    lab.settle()
    # The learner's sentence and settings are kept; the model left at its default follows the page's language.
    assert lab.query()["vocab"] == "900" and lab.query()["merge"] == "10" and "model" not in lab.query()
    lab.wait_value("bpe_count", bpe_count("en", "猫と犬が好きです！", 900))
    assert lab.value("char_count") == "9" and lab.value("unknown_count") == "9"   # the English model knows no kanji
    expect(page.get_by_text(lesson("no_known", "en"))).to_be_visible()
    lab.shot("english")
    lab.choose(lesson("control.model", "en"), lesson("option.model.ja", "en"))
    lab.wait_query(model="ja")
    lab.wait_value("bpe_count", japanese)
    assert lab.value("unknown_count") == "1"
