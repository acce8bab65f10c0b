"""Lesson 2's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, whatever the settings (no step taken at all in float32, f(x) = 0, the smallest network)."""

from types import SimpleNamespace

import numpy as np
import pytest

from kaibo.lab.page import Lesson
from tests.lab.test_pages import load

# (language, function, x, h marked, largest hidden width, dtype and h of the gradient check); the defaults run
# in both languages in tests/lab/test_pages.py.
STATES = [
    ("ja", "tanh", 0.0, 1e-5, 16, "float32", 1e-8),       # f(x) = 0: 1e-10 no worse; some parameters take no step
    ("en", "network", -2.0, 1e-15, 16, "float32", 1e-12),  # in float32 no parameter takes a step
    ("ja", "sigmoid", 2.0, 0.1, 20, "float64", 0.1),      # the largest h everywhere
    ("en", "network", 0.3, 0.005, 25, "float32", 0.01),
    ("en", "exp", -2.0, 1e-10, 16, "float64", 1e-10),
]


@pytest.fixture(scope="module")
def app():
    return load("numerical_gradient")


def controls(**values: object) -> SimpleNamespace:
    """Stands in for a group of controls: the cells read only `.value`."""
    return SimpleNamespace(value=values)


@pytest.mark.parametrize(("lang", "fn", "x", "h", "largest", "dtype", "check_h"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, fn: str, x: float, h: float, largest: int, dtype: str,
                                             check_h: float, monkeypatch: pytest.MonkeyPatch) -> None:
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
