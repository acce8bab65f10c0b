"""Lesson 2's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, whatever the settings (no step taken at all in float32, f(x) = 0, the smallest network), and the
notes that depend on the numbers appear exactly where the numbers call for them."""

import re
from html import unescape
from types import SimpleNamespace

import numpy as np
import pytest

from kaibo.i18n import t
from kaibo.lab.page import Lesson
from tests.lab.test_pages import load

# (language, function, x, h marked, largest hidden width, dtype and h of the gradient check, the notes shown:
# "tie" several h tie for the smallest error, "unchanged" f(x+h) = f(x) somewhere, "same" the two differences
# coincide); the defaults run in both languages in tests/lab/test_pages.py.
STATES = [
    ("ja", "tanh", 0.0, 1e-5, 16, "float32", 1e-8, {"tie", "same"}),  # f(x) = 0: error 0 for many h
    ("en", "network", -2.0, 1e-15, 16, "float32", 1e-12, {"unchanged"}),  # no parameter takes a step
    ("ja", "sigmoid", 2.0, 0.1, 20, "float64", 0.1, {"unchanged"}),   # the largest h everywhere
    ("en", "network", 0.3, 0.005, 25, "float32", 0.01, {"tie", "unchanged"}),  # the flat stretch at |f′|
    ("en", "exp", -2.0, 1e-10, 16, "float64", 1e-10, set()),
]
NOTES = {"tie": "best_tie", "unchanged": "unchanged.text", "same": "same_curves"}


@pytest.fixture(scope="module")
def app():
    return load("numerical_gradient")


def controls(**values: object) -> SimpleNamespace:
    """Stands in for a group of controls: the cells read only `.value`."""
    return SimpleNamespace(value=values)


def fixed_part(key: str, lang: str) -> str:
    """The longest line of a note's text between its blanks to fill: what the page shows whatever the numbers."""
    return max(re.split(r"\{\w+\}|\n", t(f"numerical_gradient.{key}", lang)), key=len).strip()


@pytest.mark.parametrize(("lang", "fn", "x", "h", "largest", "dtype", "check_h", "notes"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, fn: str, x: float, h: float, largest: int, dtype: str,
                                             check_h: float, notes: set[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    outputs, defs = app.run(defs={
        "lesson": Lesson("numerical_gradient"), "reset": None, "ui": controls(fn=fn, x=x, h=h),
        "cost_ui": controls(largest=largest), "again": SimpleNamespace(value=0),
        "check_ui": controls(dtype=dtype, check_h=check_h),
    })
    assert {s.dtype for s in defs["sweeps"].values()} == {"float64", "float32"}
    assert defs["sweeps"]["float64"].x == x
    assert [c.hidden for c in defs["costs"]][-1] == largest and defs["costs"][0].hidden == 1
    assert len(defs["check"].names) == 25 and defs["check"].numeric.dtype == np.float64
    assert sum(output is not None for output in outputs) >= 11
    page = unescape(re.sub(r"<[^>]+>", "", "".join(output.text for output in outputs if output is not None)))
    assert {note for note, key in NOTES.items() if fixed_part(key, lang) in page} == notes
