"""The shell every lesson page is built from: a lesson calls it in a few lines and keeps only its own words
and wiring (STYLE.md §10).

    with app.setup:
        import marimo as mo
        from kaibo.lab.controls import Choice, LogSlider, Slider
        from kaibo.lab.page import Lesson

    @app.cell
    def _():
        lesson = Lesson("gradient_descent")     # language and settings come from the address
        lesson.header()                         # path position, title, ja/en switch, prev/next
        return (lesson,)

    @app.cell
    def _(lesson):
        reset = lesson.reset_button()
        return (reset,)

    @app.cell
    def _(lesson, reset):
        ui = lesson.controls(reset, lr=LogSlider(0.001, 3.0, default=0.1),
                             optimizer=Choice(("sgd", "adam"), default="sgd"))
        mo.hstack([ui["lr"], ui["optimizer"], reset])
        return (ui,)

    @app.cell
    def _(lesson, ui):
        run = descent.walk("line", (-1.0, 3.0), ui.value["optimizer"], ui.value["lr"])  # the library computes
        mo.vstack([lesson.figure("walk", chart_of(run), rows_of(run)),   # PNG/SVG menu + CSV of the rows
                   lesson.readout(loss_end=float(run.loss[-1])),          # <slug>.value.loss_end: 0.389
                   lesson.code(descent.walk)])                            # its real source, folded
        return (run,)

    @app.cell
    def _(lesson):
        quiz = lesson.quiz(direction=("down", "up"))   # a cell of its own: answers survive control changes
        return (quiz,)

    @app.cell
    def _(lesson, quiz, run):
        lesson.check(quiz, direction="down" if run.update[0][0] < 0 else "up")  # checked at once

    @app.cell
    def _(lesson):
        lesson.footer()                         # "mark finished", prev/next, glossary

Texts: `lesson.t("intro")` is the key `<slug>.intro` of `i18n/NN_slug.toml` in the page's language;
`lesson.md("intro")` renders it as Markdown. The page's language is `?lang=` in the address, else the server's
default (`kaibo lab --lang`, KAIBO_LANG, the locale, English).

What the learner sees in the address is the page's state: every control whose value differs from its
default is written there as it changes, so a copied link reopens the same view, and the ja/en switch (a
script in `kaibo.lab.head`) carries it to the other language. Figures, numbers, the code pane and the
self-check are in `kaibo.lab.exhibits`, mixed in here so a lesson needs only `lesson.<name>(…)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import marimo as mo

from kaibo import i18n
from kaibo.lab import path
from kaibo.lab.controls import Control
from kaibo.lab.exhibits import Exhibits
from kaibo.lab.path import GLOSSARY, HOME, Stop, lesson_url

# Each language is named in itself, the same on every page, so it reads the same whatever language is shown.
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def address() -> Mapping[str, object]:
    """The query parameters of the page being built; none outside a served page (a script, a test), so a
    lesson's cells and functions also run there, at their defaults."""
    return mo.query_params() if mo.running_in_notebook() else {}


def address_language() -> str:
    """The language of the page being built: `?lang=` when it names one we have, else the default."""
    requested = address().get("lang")
    return i18n.resolve(requested if isinstance(requested, str) else None)


def top_bar(slug: str, lang: str) -> mo.Html:
    """The line at the top of every page: home, glossary, and the language switch."""
    links = []
    for code, name in LANGUAGE_NAMES.items():
        current = ' aria-current="true"' if code == lang else ""
        links.append(f'<a data-kaibo-lang="{code}" href="{lesson_url(slug, code)}"{current}>{name}</a>')
    return mo.Html(
        '<nav class="kaibo-bar">'
        f'<a href="{lesson_url(HOME, lang)}">{escape(i18n.t("page.home", lang))}</a>'
        f'<a href="{lesson_url(GLOSSARY, lang)}">{escape(i18n.t("page.glossary", lang))}</a>'
        f'<span class="kaibo-lang">{" · ".join(links)}</span>'
        "</nav>"
    )


class Lesson(Exhibits):
    """One lesson page: its place on the path, its language, its texts and its controls.

    Parameters
    ----------
    slug : the lesson's slug in path.toml; its strings are `<slug>.*` in the catalogue.
    """

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.stop: Stop = path.stop(slug)
        self.lang = address_language()
        self._specs: dict[str, Control] = {}

    def t(self, key: str, **args: object) -> str:
        """The lesson's own text `<slug>.<key>` in the page's language."""
        return i18n.t(f"{self.slug}.{key}", self.lang, **args)

    def md(self, key: str, **args: object) -> mo.Html:
        return mo.md(self.t(key, **args))

    def text(self, key: str, **args: object) -> str:
        """Any catalogue key in the page's language (shared strings, the library's messages)."""
        return i18n.t(key, self.lang, **args)

    # ---- header and footer

    def header(self) -> mo.Html:
        """Path position, title, what the lesson resolves, the language switch and prev/next."""
        position = self.text("page.position", number=self.stop.number, total=len(path.stops()),
                             part_number=path.parts().index(self.stop.part) + 1,
                             part=self.text(f"part.{self.stop.part}"))
        return mo.vstack([
            top_bar(self.slug, self.lang),
            mo.md(f"{escape(position)}\n\n# {self.stop.title(self.lang)}\n\n"
                  f"**{escape(self.text('page.hard_point', text=self.stop.hard_point(self.lang)))}**"),
            self._neighbours(),
            mo.md(f"<small>{escape(self.text('page.link_hint'))}</small>"),
        ])

    def footer(self) -> mo.Html:
        """"Mark this lesson finished" (kept in the browser's localStorage), then prev/next and the glossary."""
        finish = (f'<button class="kaibo-finish" data-kaibo-finish="{self.slug}" '
                  f'data-todo="{escape(self.text("page.finish_todo"))}" '
                  f'data-done="{escape(self.text("page.finish_done"))}">'
                  f'{escape(self.text("page.finish_todo"))}</button>')
        return mo.vstack([
            mo.Html(f'<p>{finish}</p><p><small>{escape(self.text("page.finish_hint"))}</small></p>'),
            self._neighbours(),
            top_bar(self.slug, self.lang),
        ])

    def _neighbours(self) -> mo.Html:
        before, after = path.neighbours(self.slug)
        left = right = "<span></span>"
        if before is not None and before.available:
            text = self.text("page.prev", title=before.title(self.lang))
            left = f'<a href="{lesson_url(before.slug, self.lang)}">{escape(text)}</a>'
        if after is not None:
            if after.available:
                text = self.text("page.next", title=after.title(self.lang))
                right = f'<a href="{lesson_url(after.slug, self.lang)}">{escape(text)}</a>'
            else:
                text = self.text("page.next_soon", title=after.title(self.lang))
                right = f'<span class="kaibo-soon">{escape(text)}</span>'
        return mo.Html(f'<nav class="kaibo-nav">{left}{right}</nav>')

    # ---- places on the page that links open at

    def anchor(self, name: str) -> mo.Html:
        """An invisible mark before a group of controls: `lesson_url(..., anchor=name)` opens the page there."""
        return mo.Html(f'<span id="{escape(name)}" class="kaibo-anchor"></span>')

    def try_links(self, anchor: str, **tries: Mapping[str, object]) -> mo.Html:
        """One link per experiment (`<slug>.try.<key>`), each reopening this page with its settings (the rest at
        their defaults) at `anchor`, the controls with their figure, rather than at the top of the page."""
        return mo.md("\n".join(f"- [{self.t(f'try.{key}')}]({lesson_url(self.slug, self.lang, anchor=anchor, **state)})"
                               for key, state in tries.items()))

    # ---- controls, their state in the address, and reset

    def reset_button(self) -> mo.ui.button:
        """Sets every control back to its default. Give it to `controls` so they are rebuilt when pressed."""
        return mo.ui.button(label=self.text("page.reset"), value=0, on_click=self._reset)

    def _reset(self, presses: int) -> int:
        params = mo.query_params()
        for name in self._specs:
            if name in params:
                del params[name]
        return presses + 1

    def controls(self, reset: mo.ui.button, **specs: Control) -> mo.ui.dictionary:
        """Widgets for `specs`, starting from the address (or the defaults) and writing back to it.

        `reset` is the page's reset button: a cell that passes it is run again when it is pressed, and by
        then the reset has cleared the address, so the widgets come back at their defaults. A lesson may
        call this more than once, e.g. for a slider whose range depends on another control.
        """
        del reset  # it is here for the dependency above; its value is not needed
        self._specs.update(specs)
        params = address()
        widgets = {}
        for name, spec in specs.items():
            given = params.get(name)
            value = spec.parse(given) if isinstance(given, str) else None
            widgets[name] = spec.widget(name, spec.default if value is None else value, self.t)
        return mo.ui.dictionary(widgets, on_change=self._remember)

    def _remember(self, values: dict[str, Any]) -> None:
        """Mirror the values into the address; a default is left out, so links stay short."""
        params = mo.query_params()
        for name, value in values.items():
            text = None if value == self._specs[name].default else path.url_text(value)
            if text is None and name in params:
                del params[name]
            elif text is not None and params.get(name) != text:
                params[name] = text
