"""Lesson 6's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, and what it computed is what the library gives for those settings (a neuron at step 0, data moved
along the border, each activation of the bias-free network)."""

from __future__ import annotations

import pytest

from kaibo.lab.page import Lesson
from tests.lab.test_mini_batches_page import Controls
from tests.lab.test_pages import load

DEFAULTS = {"shift1": 1.5, "shift2": 1.0, "optimizer": "sgd", "lr": 0.5, "steps": 200, "data": "blobs",
            "activation": "relu"}
# (language, changes from the defaults, the step drawn, whether a line through the origin sorts every point,
# p at the origin). Each state in one language: tests/lab/test_pages.py runs the defaults in both.
STATES = [
    ("ja", {}, 200, False, 0.5),
    ("en", {"shift1": 0.0, "shift2": 0.0, "activation": "tanh"}, 0, True, 0.5),
    ("ja", {"shift1": 2.0, "shift2": -2.0, "data": "circles", "activation": "gelu"}, 17, True, 0.5),
    ("en", {"shift1": 2.5, "shift2": 2.5, "optimizer": "adam", "lr": 0.1, "steps": 10, "activation": "sigmoid"},
     300, False, None),
]


@pytest.fixture(scope="module")
def app():
    return load("bias")


@pytest.mark.parametrize(("lang", "changes", "step", "separable", "p_origin"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, changes: dict, step: int, separable: bool,
                                             p_origin: float | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    values = DEFAULTS | changes
    outputs, defs = app.run(defs={"lesson": Lesson("bias"), "reset": None, "ui": Controls(values),
                                  "step_ui": Controls(step=step)})
    runs = defs["runs"]
    assert defs["s"] == min(step, values["steps"])  # a step past the end is drawn at the last one
    assert runs["with"].steps == values["steps"] and runs["with"].optimizer == values["optimizer"]
    assert (runs["without"].b == 0).all()
    assert (defs["best"].accuracy == 1.0) == separable
    at_origin = defs["origin"]["without"]["p1"]
    assert at_origin == p_origin if p_origin is not None else at_origin != 0.5
    assert defs["direction"] in ("up", "down", "still")
    assert sum(output is not None for output in outputs) >= 12
