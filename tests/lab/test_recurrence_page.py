"""Lesson 9's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, whatever the settings (vanishing over 60 steps, exploding, a step past the end, the study run on
its button — a reduced study here, a few training steps per run)."""

from dataclasses import replace
from types import SimpleNamespace

import pytest

from kaibo.lab.page import Lesson
from kaibo.train import recurrence_study as study_lib
from tests.lab.test_mini_batches_page import Controls
from tests.lab.test_pages import load

DEFAULTS = {"length": 20, "radius": 0.6, "seed": 0, "study_steps": "300"}
# (language, changes from the defaults, step looked at, button pressed, the verdict the page must give); each
# state in one language (test_pages runs the defaults in both)
STATES = [
    ("ja", {}, 4, False, "vanish"),
    ("en", {"radius": 0.1, "length": 60}, 60, False, "vanish"),   # 10⁻⁴⁵ and smaller: still numbers in float64
    ("ja", {"radius": 3.0, "length": 60, "seed": 4}, 30, False, "explode"),
    ("en", {"radius": 1.0, "length": 5}, 40, False, "neither"),   # a step past the end shows the last one
    ("ja", {"study_steps": "1000", "seed": 2}, 3, True, "vanish"),
    ("en", {}, 12, True, "vanish"),
]


@pytest.fixture(scope="module")
def app():
    return load("recurrence")


@pytest.fixture
def reduced_study(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run of the study cut to three training steps (and labelled with the steps asked), so the page
    runs through in a moment; the functions its code pane shows are untouched."""
    real = study_lib.recurrence_study
    monkeypatch.setattr(study_lib, "recurrence_study",
                        lambda lengths, steps, seed=0: replace(real(lengths, 3, seed), steps=steps))


@pytest.mark.usefixtures("reduced_study")
@pytest.mark.parametrize(("lang", "changes", "step", "pressed", "verdict"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, changes: dict, step: int, pressed: bool, verdict: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    values = DEFAULTS | changes
    outputs, defs = app.run(defs={"lesson": Lesson("recurrence"), "reset": None, "ui": Controls(values),
                                  "step_ui": Controls(step=step), "run_study": SimpleNamespace(value=pressed)})
    rnn, gru = defs["rnn"], defs["gru"]
    assert defs["chosen"] == min(step, values["length"])
    assert len(rnn.norms) == len(gru.norms) == values["length"] + 1
    assert rnn.radius == pytest.approx(values["radius"]) and gru.radius == pytest.approx(values["radius"])
    assert (rnn.reach < 1e-2, rnn.reach > 1e2) == (verdict == "vanish", verdict == "explode")
    assert (defs["study"] is not None) == pressed
    if pressed:
        assert defs["study"].steps == int(values["study_steps"]) and defs["study"].seed == values["seed"]
    text = " ".join(str(getattr(output, "text", "")) for output in outputs if output is not None)
    assert ('data-kaibo-value="acc_gru_40"' in text) == pressed
    assert sum(output is not None for output in outputs) >= 12
