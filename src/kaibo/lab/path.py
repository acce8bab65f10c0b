"""The learning path (`path.toml`) and `lesson_url`, the one helper that makes every link in the lab.

The lab's addresses are short and stable, so a teacher can write them on a board:

    /                       the home page (the path, grouped by part)
    /glossary/              the glossary (ja/en term pairs)
    /gradient_descent/      a lesson: its slug from path.toml

Every address carries the language (`?lang=ja`) and, for a lesson, the values of its controls
(`?lang=ja&lr=0.3&optimizer=adam`), so a link reopens exactly the view it was copied from. A link may also
name a place on the page (`#walk`, an element's id): the page opens there, not at its top.

    >>> lesson_url("gradient_descent", "ja", lr=0.3)
    '/gradient_descent/?lang=ja&lr=0.3'
    >>> lesson_url("gradient_descent", "en", anchor="walk", lr=0.01)
    '/gradient_descent/?lang=en&lr=0.01#walk'
    >>> lesson_url("home", "en")
    '/?lang=en'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlencode

from kaibo.i18n import t

HOME = "home"
GLOSSARY = "glossary"
_SPECIAL_PAGES = {HOME: "home.py", GLOSSARY: "glossary.py"}


@dataclass(frozen=True)
class Stop:
    """One lesson on the path. Its texts live in the catalogue under `path.<slug>.*`."""

    number: int
    slug: str
    part: str
    available: bool

    @property
    def filename(self) -> str:
        return f"{self.number:02d}_{self.slug}.py"

    def title(self, lang: str) -> str:
        return t(f"path.{self.slug}.title", lang)

    def hard_point(self, lang: str) -> str:
        """The point where beginners get stuck, which this lesson resolves."""
        return t(f"path.{self.slug}.hard", lang)

    def sees(self, lang: str) -> str:
        """What the learner will see and do on the page."""
        return t(f"path.{self.slug}.see", lang)


@cache
def _registry() -> dict:
    text = (resources.files("kaibo.lab") / "path.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def parts() -> tuple[str, ...]:
    """The parts of the path in order; their names are `part.<name>` in the catalogue."""
    return tuple(_registry()["parts"])


@cache
def stops() -> tuple[Stop, ...]:
    """Every lesson of the path, in order, whether or not its page exists yet."""
    return tuple(Stop(**entry) for entry in _registry()["lesson"])


def stop(slug: str) -> Stop:
    for entry in stops():
        if entry.slug == slug:
            return entry
    raise KeyError(f"no lesson {slug!r} in path.toml")


def neighbours(slug: str) -> tuple[Stop | None, Stop | None]:
    """The lessons before and after `slug` on the path (None at either end)."""
    order = stops()
    i = order.index(stop(slug))
    return (order[i - 1] if i > 0 else None, order[i + 1] if i + 1 < len(order) else None)


def lessons_folder() -> Path:
    return Path(str(resources.files("kaibo.lab") / "lessons"))


def page_file(slug: str) -> Path:
    """The marimo file behind an address: home.py, glossary.py or lessons/NN_slug.py."""
    if slug in _SPECIAL_PAGES:
        return Path(str(resources.files("kaibo.lab") / _SPECIAL_PAGES[slug]))
    return lessons_folder() / stop(slug).filename


def route(slug: str) -> str:
    """The address a page is mounted at, without the trailing slash ("" for the home page)."""
    if slug == HOME:
        return ""
    if slug != GLOSSARY and not stop(slug).available:
        raise ValueError(f"lesson {slug!r} has no page yet (available = false in path.toml)")
    return f"/{slug}"


def pages() -> list[str]:
    """Every page the server mounts: the home page, the glossary and each available lesson."""
    return [HOME, GLOSSARY, *(s.slug for s in stops() if s.available)]


def lesson_url(slug: str, lang: str, *, anchor: str | None = None, **state: object) -> str:
    """The address of a page in `lang`, with control values as query parameters (None values left out),
    opening at the element whose id is `anchor` when one is given (a control may not be called "anchor").

    The trailing slash matters: the server redirects `/slug` to `/slug/`, and that redirect drops the query.
    The page scrolls to the anchor itself once it is drawn (`kaibo.lab.head`): marimo draws the cells after
    the page has loaded, too late for the browser's own jump.
    """
    query = {"lang": lang, **{k: url_text(v) for k, v in state.items() if v is not None}}
    return f"{route(slug)}/?{urlencode(query)}" + (f"#{anchor}" if anchor else "")


def url_text(value: object) -> str:
    """A value as it reads in an address: Python's shortest round-trip form, whole floats without ".0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
