"""Lesson 5's page in states a learner can reach, run outside the browser: every cell runs through, and what
the prose says follows the numbers of that state (a straight line's ceiling, vanishing or exploding, dead
units only for ReLU), in both languages."""

import pytest

from kaibo.i18n import t
from kaibo.lab.page import Lesson
from kaibo.train.gradient_flow import NONLINEAR
from tests.lab.test_mini_batches_page import Controls
from tests.lab.test_pages import load

DEFAULTS = {"data": "xor", "layers": "3", "activation": "relu", "deep": "sigmoid", "depth": 8, "gain": 1.0}
# (language, changes from the defaults, the verdict on the deep network, the key of section 2's verdict, whether
# section 1 explains a trained line below the best line's accuracy); each state is run in one language, and
# both languages come round.
STATES = [
    ("ja", {}, "vanish", "separate_bent", True),     # XOR: the linear network stays near ½ everywhere
    ("en", {}, "vanish", "separate_bent", True),
    ("ja", {"data": "spirals", "activation": "none", "layers": "2"}, "vanish", "separate_none", False),
    ("en", {"data": "blobs", "activation": "sigmoid", "deep": "relu", "gain": 2.5, "depth": 12}, "steady",
     "separate_line_enough", False),
    ("ja", {"data": "moons", "deep": "relu", "gain": 16.0, "depth": 4}, "explode", "separate_bent", False),
    ("en", {"data": "circles", "activation": "gelu", "deep": "gelu", "gain": 0.25, "depth": 2}, "vanish",
     "separate_bent", True),
]


@pytest.fixture(scope="module")
def app():
    return load("activations")


def run_page(app, lang: str, changes: dict, monkeypatch: pytest.MonkeyPatch) -> tuple[dict, str]:
    monkeypatch.setenv("KAIBO_LANG", lang)
    controls = Controls(DEFAULTS | changes)  # each of the page's four groups reads its own names from it
    outputs, defs = app.run(defs={"lesson": Lesson("activations"), "reset": None, "data_ui": controls,
                                  "layers_ui": controls, "activation_ui": controls, "deep_ui": controls})
    assert sum(output is not None for output in outputs) >= 12
    return defs, " ".join(str(getattr(output, "text", "")) for output in outputs if output is not None)


def words(key: str, lang: str) -> str:
    """The first fixed stretch of a catalogue text (before its first placeholder)."""
    return t(f"activations.{key}", lang).split("{")[0].strip()[:30]


@pytest.mark.parametrize(("lang", "changes", "verdict", "separate", "below"), STATES)
def test_every_state_runs_and_says_what_its_numbers_show(app, lang: str, changes: dict, verdict: str, separate: str,
                                                         below: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    values = DEFAULTS | changes
    defs, text = run_page(app, lang, changes, monkeypatch)
    assert defs["layers"] == int(values["layers"]) and defs["gap"] < 1e-5
    assert defs["linear_accuracy"] <= defs["best"].accuracy
    assert set(defs["fits"]) == {"none", "relu", "tanh", "sigmoid", "gelu"}
    assert defs["fits"]["none"].accuracy <= defs["best"].accuracy
    flow = defs["flow"]
    assert (flow.activation, flow.depth, flow.gain) == (values["deep"], values["depth"], values["gain"])
    assert set(defs["flows"]) == set(NONLINEAR)
    assert defs["kind"] == verdict
    assert words(f"verdict.{verdict}", lang) in text
    assert words(separate, lang) in text
    assert (words("collapse_below", lang) in text) == below
    assert (words("dead.relu", lang) in text) == (values["deep"] == "relu")
    # the table has a row for each layer, the output side first
    assert text.index(f"<td>{values['depth']}</td>") < text.index("<td>1</td>")
