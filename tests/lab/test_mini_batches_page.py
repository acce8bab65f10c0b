"""Lesson 4's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, whatever the settings (a walker that diverges, the full batch chosen, the study run on its button
— a reduced study here, three batches an epoch)."""

from types import SimpleNamespace

import pytest

from kaibo.i18n import t
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


def run_page(app, lang: str, changes: dict, pressed: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[list, dict, str]:
    """The page's outputs, its definitions and all its text, run in `lang` with these changes."""
    monkeypatch.setenv("KAIBO_LANG", lang)
    outputs, defs = app.run(defs={"lesson": Lesson("mini_batches"), "reset": None,
                                  "ui": Controls(DEFAULTS | changes),
                                  "run_study": SimpleNamespace(value=pressed)})
    return outputs, defs, " ".join(str(getattr(output, "text", "")) for output in outputs if output is not None)


def text(key: str, lang: str, **args: object) -> str:
    return t(f"mini_batches.{key}", lang, **args)


@pytest.mark.usefixtures("reduced_study")
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("changes", "pressed", "expected"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, changes: dict, pressed: bool, expected: dict,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    values = DEFAULTS | changes
    outputs, defs, shown_text = run_page(app, lang, changes, pressed, monkeypatch)
    assert defs["chosen"] == int(values["batch"])
    assert defs["noise"].at(N)[0] == 0.0
    kinds = defs["kinds"]
    assert tuple(kinds) == expected["walkers"]
    assert all(run.lr == values["lr"] and run.epochs == values["epochs"] for run in kinds.values())
    if "diverged" in expected:
        assert any(run.stopped_at is not None and run.batch_size == expected["diverged"] for run in kinds.values())
    ran = 'data-kaibo-value="best"' in shown_text
    assert ran == expected.get("study", False)
    assert sum(output is not None for output in outputs) >= 10


@pytest.mark.usefixtures("reduced_study")
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_summary_draws_no_conclusion_from_a_study_not_yet_run(app, lang: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before = run_page(app, lang, {}, False, monkeypatch)[2]
    assert text("closing.waiting", lang) in before
    assert text("closing.updates", lang) not in before and text("closing.seeds", lang) not in before
    after = run_page(app, lang, {"study_epochs": "10"}, True, monkeypatch)[2]  # the reduced study: 30 updates
    assert text("closing.waiting", lang) not in after
    assert (text("closing.updates", lang) in after) != (text("closing.seeds", lang) in after)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_paths_prose_follows_a_walker_that_diverged(app, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The η = 0.5 preset: B = 1 diverges, and the text says where, from its run, and claims nothing of a
    walker that did not finish (no jitter at the bottom, no steps it never took)."""
    jitter = text("verdict.one_jitters", lang).split("{")[0]
    assert jitter in run_page(app, lang, {}, False, monkeypatch)[2]  # at the defaults B = 1 ends at the bottom
    _, defs, shown_text = run_page(app, lang, {"lr": 0.5}, False, monkeypatch)
    one = defs["kinds"]["one"]
    assert one.stopped_at is not None and one.steps == one.stopped_at - 1
    assert text("outcome.diverged", lang, b=1, step=one.stopped_at, last=one.steps) in shown_text
    assert text("verdict.diverged", lang, lr=0.5) in shown_text
    assert text("closing.rate_seen", lang, b=1, lr=0.5) in shown_text
    assert jitter not in shown_text  # said only of a walk that ended
    full = defs["kinds"]["all"]
    assert text("verdict.full_there", lang, full=full.steps) in shown_text  # 3 steps, at the bottom
