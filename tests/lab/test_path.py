"""The learning path registry (path.toml) against DESIGN.md's path, the lesson files and the catalogue."""

import re

import pytest

from kaibo.i18n import LANGUAGES, catalogue
from kaibo.lab import path
from kaibo.lab.path import GLOSSARY, HOME, lesson_url

FILE = re.compile(r"(\d\d)_([a-z0-9_]+)\.py")


def test_the_path_has_the_21_lessons_of_the_design_in_order() -> None:
    stops = path.stops()
    assert [s.number for s in stops] == list(range(1, 22))
    assert len({s.slug for s in stops}) == 21
    assert {s.slug for s in stops}.isdisjoint({HOME, GLOSSARY})  # their addresses are taken
    assert path.parts() == ("learning", "networks", "language_models", "rlhf", "evaluation")
    order = [path.parts().index(s.part) for s in stops]
    assert order == sorted(order), "parts must follow each other, never interleave"
    assert [sum(s.part == p for s in stops) for p in path.parts()] == [4, 5, 6, 4, 2]
    assert stops[0].slug == "gradient_descent" and stops[0].available


def test_lesson_files_and_the_registry_match_one_to_one() -> None:
    files = {p.name for p in path.lessons_folder().glob("*.py")}
    for name in files:
        match = FILE.fullmatch(name)
        assert match, f"{name}: lesson files are named NN_slug.py"
        stop = path.stop(match[2])
        assert stop.number == int(match[1]) and stop.available, f"{name} is not an available lesson of path.toml"
    for stop in path.stops():
        assert (stop.filename in files) == stop.available, f"{stop.filename}: available = {stop.available}"


@pytest.mark.parametrize("stop", path.stops(), ids=lambda s: s.slug)
def test_every_lesson_has_its_texts_in_both_languages(stop: path.Stop) -> None:
    for field in ("title", "hard", "see"):
        assert set(catalogue()[f"path.{stop.slug}.{field}"]) == set(LANGUAGES)
    if stop.available:  # a page has its own catalogue file: NN_slug.toml, keys <slug>.*
        assert any(key.startswith(f"{stop.slug}.") for key in catalogue())


@pytest.mark.parametrize(("slug", "lang", "state", "url"), [
    ("home", "ja", {}, "/?lang=ja"),
    ("glossary", "en", {}, "/glossary/?lang=en"),
    ("gradient_descent", "ja", {"lr": 0.3, "steps": 50}, "/gradient_descent/?lang=ja&lr=0.3&steps=50"),
    ("gradient_descent", "en", {"w": -1.0, "optimizer": "adam"}, "/gradient_descent/?lang=en&w=-1&optimizer=adam"),
    ("gradient_descent", "en", {"w": None, "label": "a b&c"}, "/gradient_descent/?lang=en&label=a+b%26c"),
    ("gradient_descent", "ja", {"anchor": "walk", "lr": 1.0}, "/gradient_descent/?lang=ja&lr=1#walk"),
])
def test_lesson_url(slug: str, lang: str, state: dict, url: str) -> None:
    assert lesson_url(slug, lang, **state) == url


def test_lesson_url_refuses_pages_that_do_not_exist() -> None:
    with pytest.raises(ValueError, match="no page yet"):
        lesson_url("self_attention", "ja")
    with pytest.raises(KeyError):
        lesson_url("no_such_lesson", "ja")


def test_neighbours_follow_the_path() -> None:
    assert path.neighbours("gradient_descent") == (None, path.stop("numerical_gradient"))
    assert path.neighbours("human_and_judge") == (path.stop("text_metrics"), None)
    assert path.pages()[:2] == [HOME, GLOSSARY]
    assert all(path.page_file(slug).exists() for slug in path.pages())
