"""What a lesson page shows besides its words, the same way on every page (used as `lesson.<name>(…)`):

- `figure(name, chart, rows)`: an altair chart titled `<slug>.figure.<name>`, exportable as PNG or SVG from
  its "…" menu (drawn in the browser, so it works offline; the menu's "open in the Vega editor", which would
  go online, is removed), with the numbers behind it as a CSV download.
- `readout(**values)`: the numbers that matter, each labelled `<slug>.value.<name>` and marked
  `data-kaibo-value="<name>"` so the browser tests read exactly what the learner reads.
- `code(*functions)`: the real source of the library functions the page called (`inspect.getsource`, read
  once per process, so the pane shows the code that is running even if the file is edited meanwhile).
- `quiz(**questions)` and `check(quiz, **answers)`: the self-check at the end; the answers are computed by
  the lesson from the numbers on the page, and each choice is checked as soon as it is made; a wrong one
  says where on the page to look.

Two functions format numbers the same way on every page: `shown` in text and tables, `tex` in formulas.
Neither writes 1.2e-05: a learner reads 1.2 × 10⁻⁵.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

import altair as alt
import marimo as mo

import kaibo


class Exhibits:
    """Mixed into `kaibo.lab.page.Lesson`, which provides `slug`, `lang`, `t` and `text`."""

    slug: str
    lang: str
    t: Callable[..., str]
    text: Callable[..., str]

    def figure(self, name: str, chart: Any, rows: Sequence[Mapping[str, object]], *,
               datasets: Mapping[str, Sequence[object]] | None = None) -> mo.Html:
        """`chart` (altair) under its title, with an export menu in the page's language and a CSV of `rows`.

        Large data (a heat map's grid) should go in `datasets`, used in the chart as `alt.NamedData(name)`:
        it is then attached to the finished specification as it is, instead of being copied and checked
        value by value by altair on every redraw (measured: 0.5 s for a 61 × 61 grid, against 0.05 s).
        """
        # Not validated against the Vega-Lite schema here: that costs as much as building the chart, on every
        # redraw, and the browser tests draw every figure of every page in the states they visit.
        spec = chart.to_dict(validate=False)
        spec["usermeta"] = {"embedOptions": {
            "actions": {"export": True, "source": False, "compiled": False, "editor": False},
            "downloadFileName": f"kaibo-{self.slug}-{name}",
            "i18n": {"PNG_ACTION": self.text("page.export_png"), "SVG_ACTION": self.text("page.export_svg")},
        }}
        if datasets:
            spec.setdefault("datasets", {}).update(datasets)
        return mo.vstack([
            mo.md(f"**{escape(self.t(f'figure.{name}'))}**"),
            VegaLite(spec),
            mo.hstack([self.csv(name, rows), mo.md(f"<small>{escape(self.text('page.figure_hint'))}</small>")],
                      justify="start", align="center", gap=1.5),
        ])

    def csv(self, name: str, rows: Sequence[Mapping[str, object]]) -> mo.Html:
        """A download button for `rows` as CSV (columns in the order of the first row)."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
        return mo.download(buffer.getvalue().encode("utf-8"), filename=f"kaibo-{self.slug}-{name}.csv",
                           mimetype="text/csv", label=self.text("page.csv"))

    def readout(self, **values: object) -> mo.Html:
        """A small table of named numbers: floats to four significant digits, anything else as given."""
        rows = "".join(
            f'<tr><td>{escape(self.t(f"value.{name}"))}</td>'
            f'<td data-kaibo-value="{name}"><b>{escape(shown(value))}</b></td></tr>'
            for name, value in values.items()
        )
        return mo.Html(f'<table class="kaibo-readout">{rows}</table>')

    def code(self, *functions: Callable[..., Any] | type) -> mo.Html:
        """A folded pane with the source of each function or class, where it lives, and from which line."""
        parts = [mo.md(self.text("page.code_intro"))]
        root = Path(kaibo.__file__).parent.parent
        for obj in functions:
            text, first, where = source(obj)
            name = f"{obj.__module__}.{obj.__qualname__}"
            parts.append(mo.md(self.text("page.code_source", name=name, line=first,
                                            file=where.relative_to(root).as_posix())))
            parts.append(mo.md(f"```python\n{text}```"))
        return mo.accordion({self.text("page.code_title"): mo.vstack(parts)})

    def quiz(self, **questions: Sequence[str]) -> mo.ui.dictionary:
        """One set of radio buttons per question: `<slug>.check.<name>.q` asks, `.<option>` labels each option.

        Build it in a cell of its own (depending on `lesson` only), so a learner's answers survive when the
        controls change.
        """
        return mo.ui.dictionary({
            name: mo.ui.radio({self.t(f"check.{name}.{option}"): option for option in options})
            for name, options in questions.items()
        })

    def check(self, quiz: mo.ui.dictionary, *, asked: Mapping[str, Mapping[str, object]] | None = None,
              **answers: str | Collection[str]) -> mo.Html:
        """The questions with their buttons and, once answered, right or not against `answers` (an option,
        or all the options that are right when several are, e.g. a tie in the numbers).

        A question's text may name what it is about (`asked={"direction": {"step": 3}}` fills `{step}` in
        `check.direction.q`), so a learner sees why its answer changes with the controls. A wrong answer is
        followed by `check.<name>.where`: where on the page the answer can be read.
        """
        asked = asked or {}
        items = [mo.md(f"## {escape(self.text('page.check_title'))}\n\n{self.text('page.check_intro')}")]
        for number, (name, answer) in enumerate(answers.items(), start=1):
            given = quiz.value[name]
            verdict = ""
            if given is not None:
                right = given == answer if isinstance(answer, str) else given in answer
                text = (self.text("page.check_right") if right else
                        f'{self.text("page.check_wrong")} {self.t(f"check.{name}.where", **asked.get(name, {}))}')
                verdict = f'<p data-kaibo-check="{name}" data-right="{str(right).lower()}">{escape(text)}</p>'
            question = self.t(f"check.{name}.q", **asked.get(name, {}))
            items.append(mo.vstack([mo.md(f"**{number}.** {question}"), quiz[name], mo.Html(verdict)]))
        return mo.vstack(items)


@cache
def source(obj: Callable[..., Any] | type) -> tuple[str, int, Path]:
    """Source, first line and file of `obj`, read once: `inspect` reads the file at call time and would show
    an edit made after the module was loaded, beside line numbers from the loaded module."""
    lines, first = inspect.getsourcelines(obj)
    return "".join(lines), first, Path(inspect.getsourcefile(obj) or "").resolve()


class VegaLite:
    """A finished Vega-Lite specification, drawn by marimo's own Vega renderer (the one altair charts get)."""

    MIMETYPE = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"

    def __init__(self, spec: dict) -> None:
        self.spec = spec

    def _mime_(self) -> tuple[str, str]:
        return self.MIMETYPE, json.dumps(self.spec)


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def shown(value: object) -> str:
    """A number as the page shows it: floats to four significant digits, whole numbers in full, and a power
    of ten written as a learner reads it (1.655 × 10⁻¹⁰, not 1.655e-10)."""
    if isinstance(value, float):
        mantissa, _, exponent = f"{value:.4g}".partition("e")
        return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}" if exponent else mantissa
    return str(value)


def percent(fraction: float) -> str:
    """A fraction as a percentage with one decimal: 0.8571 → "85.7%"; "–" when there is nothing to measure."""
    return f"{100 * fraction:.1f}%" if math.isfinite(fraction) else "–"


def about(x: float) -> str:
    """Two significant digits, for a number the text calls "about" (a time, a ratio): 130, 5.2, 0.72."""
    return f"{float(f'{x:.2g}'):g}"


def tex(x: float) -> str:
    """A number inside a KaTeX formula (`$$…$$` in Markdown): four significant digits, a power of ten
    written out (1.2 × 10⁻⁵, not 1.2e-05), and a negative number in brackets, so that "− (−0.55)" reads right."""
    mantissa, _, exponent = f"{x:.4g}".partition("e")
    text = f"{mantissa} \\times 10^{{{int(exponent)}}}" if exponent else mantissa
    return f"({text})" if x < 0 else text
