"""The string catalogue: every entry in Japanese and English, none empty, the same placeholders in both."""

import string

import pytest

from kaibo.i18n import LANGUAGES, catalogue, t

ENTRIES = sorted(catalogue().items())
# The terms lesson 1 teaches, which the glossary must pair (DESIGN.md, STYLE.md §6).
LESSON_1_TERMS = {"gradient_descent": "勾配降下法", "learning_rate": "学習率", "loss_function": "損失関数",
                  "backpropagation": "誤差逆伝播法", "saddle_point": "鞍点", "local_minimum": "局所最適解",
                  "momentum": "モメンタム", "gradient": "勾配", "adam": "Adam", "divergence": "発散"}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize(("key", "texts"), ENTRIES, ids=[key for key, _ in ENTRIES])
def test_entry_is_complete_in_both_languages(key: str, texts: dict[str, str]) -> None:
    assert set(texts) == set(LANGUAGES), f"{key}: has {sorted(texts)}"
    assert all(text.strip() for text in texts.values()), f"{key}: an empty text"
    assert fields(texts["ja"]) == fields(texts["en"]), f"{key}: placeholders differ"


@pytest.mark.parametrize(("term", "japanese"), LESSON_1_TERMS.items())
def test_glossary_pairs_the_terms_of_lesson_1(term: str, japanese: str) -> None:
    assert t(f"term.{term}.name", "ja") == japanese
    assert t(f"term.{term}.means", "ja") and t(f"term.{term}.means", "en")


def test_placeholders_are_filled() -> None:
    assert t("error.port_taken", "ja", port=8150).startswith("ポート 8150 は")
    assert (t("page.position", "en", number=1, total=21, part_number=1, part="How learning works")
            == "Lesson 1 of 21 · Part 1: How learning works")
