"""Lesson 7's page in states a learner can reach, run outside the browser: every cell runs through and shows
something, the run is built and configured as the controls say, a file is read or refused with the line named
(the points read before kept), and a diverged run is explained in both languages."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import pytest

from kaibo.data.toy2d import make_points
from kaibo.lab import path
from kaibo.lab.page import Lesson
from kaibo.lab.playground_widget import Playground
from kaibo.train.live_training import Divergence, LiveTraining, Settings
from tests.lab.test_mini_batches_page import Controls

SETUP = {"data": "moons", "points": 200, "noise": 0.1, "test": 0.3, "seed": 0, "layers": 2, "width": 8,
         "activation": "tanh", "loss": "cross_entropy"}
TRAINING = {"optimizer": "sgd", "lr": 0.1, "batch": 16, "l2": "0", "speed": 5}
GOOD_FILE = b"x1,x2,label\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n2,2,1\n-1,-1,0\n"
BAD_FILE = b"x1,x2,label\n0,0,0\n1,one,1\n"
# (language, setup changes, training changes, uploaded file, measure pressed, (training, test) points)
STATES = [
    ("en", {}, {}, None, True, (140, 60)),
    ("ja", {"data": "spirals", "points": 100, "layers": 0, "activation": "none", "loss": "squared_error"},
     {"optimizer": "adam", "lr": 0.01, "l2": "1e-2", "batch": 100}, None, False, (70, 30)),
    ("ja", {"data": "file"}, {}, ("mine.csv", GOOD_FILE), False, (4, 2)),
    ("en", {"data": "file"}, {}, ("bad.csv", BAD_FILE), False, (0, 0)),
    ("en", {"data": "empty", "layers": 4, "width": 16, "activation": "relu"}, {"lr": 10.0}, None, False, (0, 0)),
]


def load_module():
    spec = importlib.util.spec_from_file_location("kaibo_page_playground_module", path.page_file("playground"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def page():
    return load_module()


def upload_of(file: tuple[str, bytes] | None) -> SimpleNamespace:
    return SimpleNamespace(value=() if file is None else (SimpleNamespace(name=file[0], contents=file[1]),))


@pytest.mark.parametrize(("lang", "setup", "training", "file", "measure", "sizes"), STATES)
def test_every_cell_runs_and_builds_the_run_the_controls_say(page, lang: str, setup: dict, training: dict,
                                                            file: tuple | None, measure: bool, sizes: tuple,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    setup, training = SETUP | setup, TRAINING | training
    outputs, defs = page.app.run(defs={
        "lesson": Lesson("playground"), "reset": None, "setup": Controls(setup), "training": Controls(training),
        "upload": upload_of(file), "kept_file": {}, "measure": SimpleNamespace(value=measure)})
    run = defs["run"]
    assert (len(run.train), len(run.test)) == sizes
    assert run.hidden == (setup["width"],) * setup["layers"] and run.loss == setup["loss"]
    assert run.settings == Settings(lr=training["lr"], batch_size=training["batch"], l2=float(training["l2"]),
                                    optimizer=training["optimizer"])
    assert defs["playground"].widget.steps_per_frame == training["speed"]
    assert (defs["data_note"] is not None) == (setup["data"] == "file")
    assert sum(output is not None for output in outputs) >= 12


def test_a_refused_file_names_its_line_and_keeps_the_points_read_before(page, monkeypatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", "ja")
    kept: dict = {}
    shared = {"lesson": Lesson("playground"), "reset": None, "setup": Controls(SETUP | {"data": "file"}),
              "training": Controls(TRAINING), "kept_file": kept, "measure": SimpleNamespace(value=False)}
    page.app.run(defs=shared | {"upload": upload_of(("mine.csv", GOOD_FILE))})
    _, defs = page.app.run(defs=shared | {"upload": upload_of(("bad.csv", BAD_FILE))})
    assert len(defs["run"].train) + len(defs["run"].test) == 6          # the good file's points stay
    note = defs["data_note"].text
    assert "bad.csv" in note and "3 行目" in note and "one" in note


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("quantity", ["loss", "gradient", "weight", "train_loss"])
def test_every_divergence_is_explained_with_its_numbers(page, lang: str, quantity: str, monkeypatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    train, test = make_points("moons", 40, 0.1, 0).split(0.3, 0)
    run = LiveTraining(train, test, (4,))
    run.divergence = Divergence(12, quantity, "hidden.0.weight", float("inf"), 3.0, 9, (0.5, 40.0, 3.2e12))
    text = page.divergence_text(Lesson("playground"), run)
    assert all(part in text for part in ("12", "3.2 × 10¹²", "9"))
    assert ("hidden.0.weight" in text) == (quantity in ("gradient", "weight"))


def test_a_diverged_run_shows_no_worst_point(page, monkeypatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", "en")
    train, test = make_points("moons", 200, 0.1, 0).split(0.3, 0)
    run = LiveTraining(train, test, (16, 16, 16, 16), "relu", settings=Settings(lr=10.0))
    run.step(100)
    assert run.divergence is not None
    widget = Playground(run, {"lang": "en"}, lambda r: "")
    _, defs = page.app.run(defs={"lesson": Lesson("playground"), "reset": None, "setup": Controls(SETUP),
                                 "training": Controls(TRAINING | {"lr": 10.0}), "upload": upload_of(None),
                                 "kept_file": {}, "measure": SimpleNamespace(value=False), "run": run,
                                 "playground": SimpleNamespace(widget=widget)})
    assert defs["worst"] is None
