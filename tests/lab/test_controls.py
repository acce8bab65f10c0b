"""Control values read back from an address: what fits is used, anything else falls back to the default."""

import pytest

from kaibo.lab.controls import Choice, LogSlider, Slider, Text

STEPS = Slider(5, 300, 5, default=50)
START = Slider(-1.5, 2.5, 0.01, default=-1.0)
RATE = LogSlider(0.001, 3.0, default=0.1)
OPTIMIZER = Choice(("sgd", "momentum", "adam"), default="sgd")
EXPRESSION = Text("a*b", max_length=20)


@pytest.mark.parametrize(("control", "text", "value"), [
    (STEPS, "70", 70), (STEPS, "72", 70), (STEPS, "300", 300), (STEPS, "301", None), (STEPS, "4", None),
    (STEPS, "ten", None), (STEPS, "nan", None), (STEPS, "inf", None), (STEPS, "", None),
    (START, "-0.9", -0.9), (START, "0.013", 0.01), (START, "-2", None),
    (RATE, "0.1", 0.1), (RATE, "0.3", 0.32), (RATE, "1", 1.0), (RATE, "1e-5", None), (RATE, "100", None),
    (OPTIMIZER, "adam", "adam"), (OPTIMIZER, "Adam", None), (OPTIMIZER, "", None),
    (EXPRESSION, "(a+b).tanh()", "(a+b).tanh()"), (EXPRESSION, "", ""), (EXPRESSION, "a" * 20, "a" * 20),
    (EXPRESSION, "a" * 21, None),  # longer than the field takes: the default, and the parser never sees it
])
def test_parse(control: object, text: str, value: object) -> None:
    assert control.parse(text) == value


def test_whole_number_sliders_give_integers() -> None:
    assert isinstance(STEPS.parse("70"), int)
    assert isinstance(START.parse("1"), float)


def test_log_slider_shows_the_values_it_uses() -> None:
    assert RATE.values[:4] == (0.001, 0.0013, 0.0016, 0.002)
    assert all(len(f"{v:.2g}") <= 6 and float(f"{v:.2g}") == v for v in RATE.values)
    assert RATE.values.index(0.1) == 20 and RATE.values.index(1.0) == 30
    assert LogSlider(0.001, 3.0, default=0.11).default == 0.1  # the default snaps to the grid


def test_labels_come_from_the_catalogue_or_a_shared_key_with_the_name() -> None:
    asked = []

    def words(key: str, **fields: object) -> str:
        asked.append((key, fields))
        return f"{key} {fields}"

    START.widget("w", -1.0, words)
    Slider(-5, 5, 0.1, default=1.0, label="variable").widget("w1", 0.5, words)
    EXPRESSION.widget("expr", "a*b", words)
    assert asked == [("control.w", {}), ("control.variable", {"name": "w1"}), ("control.expr", {})]
