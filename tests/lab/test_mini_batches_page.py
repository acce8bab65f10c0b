"""Lesson 4's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, whatever the settings (a walker that diverges, the full batch chosen, the study run on its button
— a reduced study here, three batches an epoch)."""

from types import SimpleNamespace

import pytest

from kaibo.lab.page import Lesson
from kaibo.train import batch_size_study as study_lib
from tests.lab.test_pages import load

N = 442
DEFAULTS = {"batch": "16", "where": "start", "seed": 0, "lr": 0.1, "epochs": 3, "study_lr": "0.5",
            "study_epochs": "5"}
# (changes from the defaults, button pressed, what the page must have computed)
STATES = [
    ({}, False, {"walkers": ("one", "some", "all"), "study": False}),
    ({"batch": "1"}, False, {"walkers": ("one", "all"), "study": False}),
    ({"batch": str(N), "where": "minimum"}, False, {"walkers": ("one", "all"), "study": False}),
    ({"lr": 0.5, "seed": 3}, False, {"walkers": ("one", "some", "all"), "diverged": 1, "study": False}),
    ({"lr": 1.0, "batch": "4", "epochs": 1}, False, {"walkers": ("one", "some", "all"), "diverged": 4}),
    ({"study_lr": "0.1"}, True, {"walkers": ("one", "some", "all"), "study": True}),
]


class Controls(dict):
    """Stands in for the page's group of controls: cells read `.value`, and lay out `ui[name]` (here the value
    itself, which marimo shows as text)."""

    @property
    def value(self) -> dict:
        return self


@pytest.fixture(scope="module")
def app():
    return load("mini_batches")


@pytest.fixture
def reduced_study(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every epoch of the study cut to its first three batches: the page runs through in a fraction of a
    second, and the functions its code pane shows are untouched (the study imported `epoch_batches` by name)."""
    real = study_lib.epoch_batches
    monkeypatch.setattr(study_lib, "epoch_batches", lambda n, batch_size, rng: real(n, batch_size, rng)[:3])


@pytest.mark.usefixtures("reduced_study")
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("changes", "pressed", "expected"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, changes: dict, pressed: bool, expected: dict,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    values = DEFAULTS | changes
    outputs, defs = app.run(defs={"lesson": Lesson("mini_batches"), "reset": None,
                                  "ui": Controls(values),
                                  "run_study": SimpleNamespace(value=pressed)})
    assert defs["chosen"] == int(values["batch"])
    assert defs["noise"].at(N)[0] == 0.0
    kinds = defs["kinds"]
    assert tuple(kinds) == expected["walkers"]
    assert all(run.lr == values["lr"] and run.epochs == values["epochs"] for run in kinds.values())
    if "diverged" in expected:
        assert any(run.stopped_at is not None and run.batch_size == expected["diverged"] for run in kinds.values())
    shown_text = " ".join(str(getattr(output, "text", "")) for output in outputs if output is not None)
    ran = 'data-kaibo-value="best"' in shown_text
    assert ran == expected.get("study", False)
    assert sum(output is not None for output in outputs) >= 10
