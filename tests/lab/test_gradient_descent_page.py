"""Lesson 1's page in states a learner can reach, run outside the browser: every cell runs through and
shows something, whatever the settings (a walk that diverges at its first step included)."""

from types import SimpleNamespace

import pytest

from kaibo.lab.page import Lesson
from kaibo.models.landscapes import get_landscape
from kaibo.train import descent
from tests.lab.test_pages import load

# (landscape, optimizer, schedule, lr, steps, start, step looked at (from 1), outcome)
STATES = [
    ("line", "sgd", "constant", 0.1, 50, (-1.0, 3.0), 1, "converged"),  # the defaults
    ("line", "sgd", "constant", 0.001, 300, (2.5, -0.5), 300, "crawling"),
    ("line", "sgd", "constant", 0.1, 20, (-1.0, 3.0), 20, "crawling"),  # nearly there: "more steps"
    ("line", "momentum", "constant", 0.1, 50, (-1.0, 3.0), 25, "settling"),  # swings round the minimum
    ("line", "adam", "cosine", 0.1, 50, (-1.0, 3.0), 50, "settling"),
    ("line", "sgd", "cosine", 1.0, 50, (-1.0, 3.0), 14, "converged"),  # the schedule's rescue
    ("line", "momentum", "constant", 3.2, 5, (2.5, 3.5), 4, "diverged"),  # one step made: the step is clamped
    ("line", "sgd", "constant", 1.6, 50, (-1.0, 3.0), 3, "diverged"),  # points outside the map, numbered
    ("hills", "sgd", "constant", 3.2, 50, (3.0, -1.0), 10, "diverged"),  # at its first step: no step to show
    ("hills", "adam", "constant", 3.2, 300, (-2.0, 2.5), 150, "converged"),  # Adam jumps out of view and back
    ("hills", "momentum", "constant", 0.05, 100, (0.01, 0.3), 20, "settling"),  # off the saddle, round the minimum
    ("hills", "sgd", "constant", 0.1, 50, (0.0, 0.0), 1, "stalled"),  # exactly on the saddle
    ("hills", "sgd", "constant", 0.1, 50, (0.0, 0.3), 50, "trapped"),  # slides into it along w₂
    ("hills", "sgd", "constant", 0.1, 50, (-1.5, 2.0), 49, "converged"),  # into the local minimum
]


@pytest.fixture(scope="module")
def app():
    return load("gradient_descent")


def controls(**values: object) -> SimpleNamespace:
    """Stands in for a group of controls: the cells read only `.value`."""
    return SimpleNamespace(value=values)


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("landscape", "optimizer", "schedule", "lr", "steps", "start", "step", "outcome"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, landscape: str, optimizer: str, schedule: str,
                                             lr: float, steps: int, start: tuple, step: int, outcome: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    land = get_landscape(landscape)
    ui = controls(landscape=landscape, optimizer=optimizer, schedule=schedule, lr=lr, steps=steps)
    outputs, defs = app.run(defs={
        "lesson": Lesson("gradient_descent"), "reset": None, "ui": ui, "land": land,
        "start_ui": controls(**dict(zip(land.param_names, start, strict=True))),
        "inspect_ui": controls(step=step),
    })
    run = defs["run"]
    assert (run.landscape, run.optimizer, run.schedule, run.lr, tuple(run.path[0])) == (
        landscape, optimizer, schedule, lr, start)
    assert run.outcome == outcome and outcome in descent.OUTCOMES
    assert defs["shown_step"] == min(step, run.steps)
    assert sum(output is not None for output in outputs) >= 8
