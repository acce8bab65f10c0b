"""Lesson 11's page in states a learner can reach, run outside the browser: every cell runs through, and what
it computed is what the library gives (the sampled steps, the greedy loop, the loss on the sentence), with a
prompt holding characters the model does not know, greedy settings, a sentence it cannot read, and the race
run on its button (reduced to a few steps here)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from kaibo.lab.page import Lesson
from kaibo.train import next_token_study as study
from kaibo.train.lm_checkpoint import load_checkpoint
from tests.lab.test_mini_batches_page import Controls
from tests.lab.test_pages import load

DEFAULTS = {"model": "ja", "prompt": "由紀は", "temperature": 0.8, "top_k": "off", "top_p": "off", "seed": 0,
            "step": 1, "sentence": "由紀は京都に住んでいます。"}
# (language, changes from the defaults, race button pressed, whether the loss can be measured)
STATES = [
    ("ja", {}, False, True),
    ("en", {"model": "en", "prompt": "Yuki🐱", "temperature": 0.0, "step": 40, "sentence": "Yuki lives in Kyoto."},
     True, True),
    ("ja", {"top_k": "5", "top_p": "0.9", "seed": 3, "step": 7, "sentence": "由紀は🐱"}, False, False),
    ("en", {"model": "en", "prompt": "", "temperature": 2.0, "sentence": "Y"}, False, False),
]


@pytest.fixture(scope="module")
def app():
    return load("next_token")


@pytest.fixture
def quick_race(monkeypatch: pytest.MonkeyPatch) -> None:
    """The race cut to 4 steps (its defaults changed; the function, and so the code pane, stay the same)."""
    monkeypatch.setattr(study.loss_race, "__defaults__", (4, 2, 0))


@pytest.mark.usefixtures("quick_race")
@pytest.mark.parametrize(("lang", "changes", "pressed", "measurable"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, changes: dict, pressed: bool, measurable: bool,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    values = DEFAULTS | changes
    outputs, defs = app.run(defs={"lesson": Lesson("next_token"), "reset": None, "ui": Controls(values),
                                  "run_race": SimpleNamespace(value=pressed)})
    checkpoint = load_checkpoint(f"bundled:{values['model']}")
    prompt = defs["prompt"]
    assert prompt and not checkpoint.tokenizer.unknown(prompt)
    assert defs["unknown"] == checkpoint.tokenizer.unknown(values["prompt"])
    if values["temperature"] == 0.0:
        assert defs["step"].probability == 1.0
    adjusted = defs["adjusted"]
    assert abs(adjusted.sum() - 1) < 1e-9 and (adjusted > 0).sum() <= (int(values["top_k"]) if values["top_k"] != "off"
                                                                        else checkpoint.tokenizer.vocab_size)
    assert defs["loop"] is not None and defs["loop"].length <= checkpoint.model.config.block_size * 2
    if measurable:
        ids = np.array([checkpoint.tokenizer.encode(values["sentence"])])
        assert defs["sentence_loss"] == pytest.approx(float(checkpoint.model.trace(ids[:, :-1], ids[:, 1:])["loss"]))
    else:
        assert defs["sentence_loss"] is None
    assert defs["low"]["cross_entropy_push"] > defs["low"]["squared_error_push"]
    assert sum(output is not None for output in outputs) >= 10
