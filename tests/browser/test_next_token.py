"""Lesson 11 in the browser: the readouts are the library's (candidates kept, the greedy loop, the loss on the
sentence); top-k and the temperature redraw the distribution (greedy keeps one candidate); a typed sentence
is measured; the race trains on its button and the cross-entropy model ends lower; the self-check reads the
page; the English page opens with its own model. One page load per language."""

from __future__ import annotations

import numpy as np
from playwright.sync_api import expect

from kaibo.i18n import t
from kaibo.lab.exhibits import shown
from kaibo.train.generation import Sampling, generate
from kaibo.train.lm_checkpoint import load_checkpoint
from kaibo.train.next_token_study import find_loop
from tests.browser.lab import Lab

SLUG = "next_token"
DISTRIBUTION = 0     # the first figure of the page


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def test_candidates_loops_loss_and_the_race(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    page = lab.page
    expect(page.get_by_role("heading", name="次のトークンの予測", exact=True)).to_be_visible()
    checkpoint = load_checkpoint("bundled:ja")
    lab.wait_value("vocab", str(checkpoint.tokenizer.vocab_size))
    assert lab.value("kept") == str(checkpoint.tokenizer.vocab_size)    # temperature 0.8 cuts nothing off
    ids, _ = generate(checkpoint.model, checkpoint.tokenizer.encode("由紀は"), 500, Sampling(0.0))
    loop = find_loop(ids, min_repeats=2)
    assert lab.value("loop_start") == str(loop.start) and lab.value("loop_length") == str(loop.length)
    sentence = np.array([checkpoint.tokenizer.encode(lesson("example_sentence", "ja"))])
    loss = float(checkpoint.model.trace(sentence[:, :-1], sentence[:, 1:])["loss"])
    assert lab.value("loss_trace") == shown(loss)
    lab.shot("default")
    distribution = lab.fingerprint(DISTRIBUTION)

    lab.choose(lesson("control.top_k", "ja"), lesson("option.top_k.5", "ja"))
    lab.wait_query(top_k="5")
    lab.wait_value("kept", "5")
    distribution = lab.wait_changed(DISTRIBUTION, distribution)

    lab.slide(lesson("control.temperature", "ja"), -8)                    # 0.8 → 0: greedy
    lab.wait_query(temperature="0")
    lab.wait_value("kept", "1")
    assert lab.value("chosen_p") == "1" and lab.value("chosen") == lab.value("top_raw")
    lab.wait_changed(DISTRIBUTION, distribution)

    field = page.locator("marimo-text input").nth(1)
    field.fill("健は医者です。")
    field.press("Enter")
    typed = np.array([checkpoint.tokenizer.encode("健は医者です。")])
    lab.wait_value("loss_trace", shown(float(checkpoint.model.trace(typed[:, :-1], typed[:, 1:])["loss"])))

    page.get_by_role("button", name=lesson("race_button", "ja")).click()
    page.locator('[data-kaibo-value="race_ce"]').wait_for(timeout=120_000)
    lab.settle()
    assert float(lab.value("race_ce")) < float(lab.value("race_se"))
    lab.self_check("pushes", lesson("check.pushes.squared_error", "ja"), lesson("check.pushes.cross_entropy", "ja"),
                   lesson("check.pushes.where", "ja"))
    lab.self_check("greedy", lesson("check.greedy.varies", "ja"), lesson("check.greedy.loops", "ja"),
                   lesson("check.greedy.where", "ja"))
    lab.shot("race")

    page.get_by_role("link", name="English").first.click()
    page.get_by_role("heading", name="Next-token prediction", exact=True).wait_for()
    page.locator("[data-kaibo-value]").first.wait_for()
    lab.settle()
    assert lab.query()["top_k"] == "5" and lab.query()["temperature"] == "0"
    english = load_checkpoint("bundled:en")
    lab.wait_value("vocab", str(english.tokenizer.vocab_size))          # the English model, by default
    assert lab.value("kept") == "1"
    lab.shot("english")
