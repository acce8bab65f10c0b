"""Lesson 10's page in states a learner can reach, run outside the browser: every cell runs through, and what
it computed is what the library gives (three ways of cutting, the BPE step, the neighbours), including a
sentence with characters the model never saw, an empty sentence, and a character picked past the end."""

from __future__ import annotations

import pytest

from kaibo.lab.page import Lesson
from kaibo.text import token_study
from tests.lab.test_mini_batches_page import Controls
from tests.lab.test_pages import load

DEFAULTS = {"model": "ja", "text": "由紀は白い猫を飼っています。🐱", "vocab": "400", "merge": 1, "pick": 1}
# (language, changes from the defaults, the characters the char tokenizer does not know)
STATES = [
    ("ja", {}, ["🐱"]),
    ("en", {"model": "en", "text": "Yuki keeps a white cat named Shiro. 🐱", "vocab": "256", "merge": 40,
            "pick": 60}, ["🐱"]),
    # the Japanese corpus has no spaces and no full-width question mark
    ("ja", {"text": "猫と犬、どちらが好き？ 1234", "vocab": "900", "merge": 12, "pick": 3}, ["？", " "]),
    ("en", {"model": "en", "text": "", "merge": 5}, []),
    ("ja", {"text": "🐱🐶", "pick": 2}, ["🐱", "🐶"]),
]


@pytest.fixture(scope="module")
def app():
    return load("tokens")


@pytest.mark.parametrize(("lang", "changes", "unknown"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, changes: dict, unknown: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    values = DEFAULTS | changes
    outputs, defs = app.run(defs={"lesson": Lesson("tokens"), "reset": None, "ui": Controls(values)})
    assert defs["unknown"] == unknown
    ways = defs["ways"]
    assert len(ways.chars) == len(values["text"])
    bpe = token_study.with_vocabulary(token_study.corpus_bpe(values["model"]), int(values["vocab"]))
    assert [token_id for token_id, _ in ways.bpe] == bpe.encode(values["text"])
    assert defs["step"].rank == min(values["merge"], 40) - 1 and defs["step"].new_id == 256 + defs["step"].rank
    known = defs["known"]
    if known:
        assert defs["picked"] == known[min(values["pick"], len(known)) - 1] and defs["lookup_gap"] == 0.0
        assert len(defs["near"]) == 8 and defs["near"][0][1] >= defs["near"][-1][1]
    assert defs["shares"]["digits"][0] > defs["shares"]["digits"][1]     # the digits cluster after training
    assert sum(output is not None for output in outputs) >= 10
