"""Lesson 1's page in states a learner can reach, run outside the browser: every cell runs through and
shows something, whatever the settings (a walk that diverges at its first step included)."""

from types import SimpleNamespace

import pytest

from kaibo.lab.page import Lesson
from kaibo.models.landscapes import get_landscape
from kaibo.train import descent
from tests.lab.test_pages import load

# (landscape, optimizer, lr, steps, start, step looked at)
STATES = [
    ("line", "sgd", 0.1, 50, (-1.0, 3.0), 0),  # the defaults: converges
    ("line", "sgd", 0.001, 300, (2.5, -0.5), 299),  # crawls
    ("line", "momentum", 3.2, 5, (2.5, 3.5), 4),  # diverges after one step: the step looked at is clamped
    ("hills", "sgd", 3.2, 50, (3.0, -1.0), 10),  # diverges at its first step: no step to show
    ("hills", "adam", 3.2, 300, (-2.0, 2.5), 150),  # Adam's jumps outside the view, back again
    ("hills", "momentum", 0.05, 100, (0.01, 0.3), 20),  # next to the saddle
    ("hills", "sgd", 0.1, 50, (0.0, 0.0), 0),  # exactly on the saddle: stalls
    ("hills", "sgd", 0.1, 50, (-1.5, 2.0), 49),  # into the local minimum
]


@pytest.fixture(scope="module")
def app():
    return load("gradient_descent")


def controls(**values: object) -> SimpleNamespace:
    """Stands in for a group of controls: the cells read only `.value`."""
    return SimpleNamespace(value=values)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("landscape", "optimizer", "lr", "steps", "start", "step"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, landscape: str, optimizer: str, lr: float,
                                             steps: int, start: tuple, step: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    land = get_landscape(landscape)
    ui = controls(landscape=landscape, optimizer=optimizer, lr=lr, steps=steps)
    outputs, defs = app.run(defs={
        "lesson": Lesson("gradient_descent"), "reset": None, "ui": ui, "land": land,
        "start_ui": controls(**dict(zip(land.param_names, start, strict=True))),
        "inspect_ui": controls(step=step),
    })
    run = defs["run"]
    assert (run.landscape, run.optimizer, run.lr, tuple(run.path[0])) == (landscape, optimizer, lr, start)
    assert run.outcome in descent.OUTCOMES
    assert 0 <= defs["shown_step"] <= max(run.steps - 1, 0)
    assert sum(output is not None for output in outputs) >= 8
