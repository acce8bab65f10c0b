"""The controls of a lesson page, declared once with their range and default; their values live in the address.

A lesson names each control and says what it is:

    lr=LogSlider(0.001, 3.0, default=0.1)
    optimizer=Choice(("sgd", "momentum", "adam"), default="sgd")
    steps=Slider(5, 200, step=5, default=50)
    expr=Text("(a*b + c).tanh() * a", max_length=400)

`Lesson.controls` (kaibo.lab.page) turns these into marimo widgets. A widget starts at the value in the
address (`?lr=0.3`) when that value can be used, else at its default: a value that is mistyped, out of
range or not one of the options is a suggestion that did not fit, never an error page. Labels come from
the lesson's catalogue: `<slug>.control.<name>`, and for a choice `<slug>.option.<name>.<option>`. Controls
made for names the lesson cannot list in advance (a slider for each variable of a typed expression) share
one label, `Slider(…, label="variable")`: the key `<slug>.control.variable` with `{name}` filled in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import marimo as mo

Words = Callable[..., str]  # the lesson's own catalogue: key without the slug (and its fields) → text


@dataclass(frozen=True)
class Slider:
    """Evenly spaced values from `start` to `stop`; whole numbers when start, step and default are."""

    start: float
    stop: float
    step: float = 1
    default: float = field(kw_only=True)
    label: str = field(default="", kw_only=True)  # a shared label key (see the module's docstring)

    def parse(self, text: str) -> float | None:
        value = _number(text)
        if value is None or not self.start <= value <= self.stop:
            return None
        snapped = self.start + round((value - self.start) / self.step) * self.step
        return int(round(snapped)) if self._whole else round(snapped, 10)

    @property
    def _whole(self) -> bool:
        return all(float(v).is_integer() for v in (self.start, self.step, self.default))

    def widget(self, name: str, value: Any, text: Words) -> mo.ui.slider:
        label = text(f"control.{self.label}", name=name) if self.label else text(f"control.{name}")
        return mo.ui.slider(self.start, self.stop, step=self.step, value=value, show_value=True, label=label)


@dataclass(frozen=True)
class LogSlider:
    """Values spread evenly on a log scale, `per_decade` of them in each factor of ten, rounded to two
    significant digits (0.1, 0.13, 0.16, 0.2, 0.25, …) so that the value shown is the value used."""

    low: float
    high: float
    default: float
    per_decade: int = 10
    values: tuple[float, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        first, last = (round(math.log10(v) * self.per_decade) for v in (self.low, self.high))
        grid = sorted({float(f"{10 ** (k / self.per_decade):.2g}") for k in range(first, last + 1)})
        object.__setattr__(self, "values", tuple(grid))
        object.__setattr__(self, "default", self._nearest(self.default))

    def _nearest(self, value: float) -> float:
        return min(self.values, key=lambda v: abs(math.log(v / value)))

    def parse(self, text: str) -> float | None:
        value = _number(text)
        if value is None or not self.values[0] <= value <= self.values[-1]:
            return None
        return self._nearest(value)

    def widget(self, name: str, value: Any, text: Words) -> mo.ui.slider:
        return mo.ui.slider(steps=list(self.values), value=value, show_value=True,
                            label=text(f"control.{name}"))


@dataclass(frozen=True)
class Choice:
    """One of a few named options, shown side by side as radio buttons."""

    options: tuple[str, ...]
    default: str

    def parse(self, text: str) -> str | None:
        return text if text in self.options else None

    def widget(self, name: str, value: Any, text: Words) -> mo.ui.radio:
        labels = {text(f"option.{name}.{option}"): option for option in self.options}
        chosen = next(label for label, option in labels.items() if option == value)
        return mo.ui.radio(labels, value=chosen, inline=True, label=text(f"control.{name}"))


@dataclass(frozen=True)
class Text:
    """A line of text the learner types (an expression). It is taken when the learner presses Enter or
    leaves the field, not at every key, so a half-typed text is never computed. An address value longer
    than `max_length` is not used (the widget itself stops typing there)."""

    default: str
    max_length: int = 400

    def parse(self, text: str) -> str | None:
        return text if len(text) <= self.max_length else None

    def widget(self, name: str, value: Any, text: Words) -> mo.ui.text:
        return mo.ui.text(value=value, max_length=self.max_length, label=text(f"control.{name}"),
                          full_width=True)


Control = Slider | LogSlider | Choice | Text


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
