"""The string catalogue: every user-facing string in Japanese and English, side by side.

The catalogue is the TOML files in `kaibo/lab/i18n/` (`common.toml` and one file per lesson). Each key is a
table with `ja` and `en`; placeholders are `str.format` fields such as `{path}`. The lab, the CLI and the
error messages all read from here, so a string exists in both languages or a test fails.
"""

from __future__ import annotations

import locale
import os
import tomllib
from functools import cache
from importlib import resources

LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "en"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key of every catalogue file, flattened to dotted names: {"home.title": {"ja": …, "en": …}}."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("kaibo.lab") / "i18n"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            for key, texts in _flatten(tomllib.loads(entry.read_text(encoding="utf-8"))).items():
                if key in merged:
                    raise ValueError(f"catalogue key {key!r} is defined twice (again in {entry.name})")
                merged[key] = texts
    return merged


def _flatten(table: dict, prefix: str = "") -> dict[str, dict[str, str]]:
    """A table whose values are strings is one entry; a table of tables is a namespace."""
    if table and all(isinstance(v, str) for v in table.values()):
        return {prefix.rstrip("."): table}
    out: dict[str, dict[str, str]] = {}
    for name, value in table.items():
        if not isinstance(value, dict):
            raise ValueError(f"catalogue entry {prefix}{name} mixes strings and tables")
        out.update(_flatten(value, f"{prefix}{name}."))
    return out


def t(key: str, lang: str | None = None, **args: object) -> str:
    """The text of `key` in `lang` (or the default language), with its placeholders filled in."""
    texts = catalogue()[key]
    text = texts[normalise(lang) if lang else default_language()]
    return text.format(**args) if args else text


def normalise(lang: str | None) -> str:
    """'ja', 'ja_JP.UTF-8', 'JA' → 'ja'; anything unknown → the default language."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def resolve(requested: str | None) -> str:
    """The language of a page: the one its address asks for (`?lang=`) when we have it, else the default."""
    code = (requested or "").strip().lower()[:2]
    return code if code in LANGUAGES else default_language()


def default_language() -> str:
    """The language when the page or command names none: KAIBO_LANG, else the locale, else English.

    `kaibo lab --lang` sets KAIBO_LANG for the server it starts, so the precedence is the one in DESIGN.md:
    ?lang= in the URL (handled by the page), then --lang / KAIBO_LANG, then the locale, then English.
    """
    for candidate in (os.environ.get("KAIBO_LANG"), os.environ.get("LC_ALL"), os.environ.get("LANG"),
                      locale.getlocale()[0]):
        if candidate and candidate.strip().lower()[:2] in LANGUAGES:
            return candidate.strip().lower()[:2]
    return DEFAULT_LANGUAGE
