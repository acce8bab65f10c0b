"""The shared formatters of the lab pages and the code pane's source."""

import inspect

import pytest

from kaibo.lab import exhibits
from kaibo.lab.exhibits import about, percent, shown, tex
from kaibo.train import descent


@pytest.mark.parametrize(("value", "text"), [
    (0.3891, "0.3891"),
    (3.61845, "3.618"),
    (1.6549e-10, "1.655 × 10⁻¹⁰"),      # never 1.655e-10 where a learner reads it
    (-2.5e-5, "-2.5 × 10⁻⁵"),
    (1.234e20, "1.234 × 10²⁰"),
    (0.0, "0"),
    (50, "50"),
    ("never", "never"),
])
def test_shown(value, text) -> None:
    assert shown(value) == text


@pytest.mark.parametrize(("value", "text"), [(0.5, "0.5"), (-0.55, "(-0.55)"), (1.2e-5, "1.2 \\times 10^{-5}")])
def test_tex(value, text) -> None:
    assert tex(value) == text


def test_the_code_pane_reads_a_source_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the pane shows stays the source that was loaded, even if the file changes afterwards.
    first = exhibits.source(descent.walk)
    assert first[0] == inspect.getsource(descent.walk) and first[1] == inspect.getsourcelines(descent.walk)[1]
    monkeypatch.setattr(inspect, "getsourcelines", lambda obj: (["edited\n"], 1))
    assert exhibits.source(descent.walk) == first


@pytest.mark.parametrize(("value", "text"), [(0.8571, "85.7%"), (1.0, "100.0%"), (0.0, "0.0%"),
                                             (float("nan"), "–"), (float("inf"), "–")])
def test_percent(value: float, text: str) -> None:
    assert percent(value) == text


@pytest.mark.parametrize(("value", "text"), [(128.7, "130"), (5.249, "5.2"), (0.7151, "0.72"), (2.0, "2")])
def test_about(value: float, text: str) -> None:
    assert about(value) == text
