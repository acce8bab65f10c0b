"""The bundled corpus: reproducible (hashes pinned), parallel line by line, true to its world, varied enough,
paraphrases and false variants that behave; and it is what the tokenizers are cross-checked on."""

from __future__ import annotations

import random
import re

import pytest

from kaibo.text.corpus import DEFAULT_SEED, generate_corpus
from kaibo.text.corpus_sentences import say
from kaibo.text.corpus_world import CITIES, JOBS, PEOPLE, Fact

CORPUS = generate_corpus()
# The bundled checkpoints record these: a change to the generator must be deliberate (retrain and update).
PINNED = {"ja": "05cae0b912ded6d7cc29cbfef8d7fdab625cd87cbdccbb0bf27bea31c04030d2",
          "en": "bbbdf2394e0dd67696abb2c8398f53ae30eb5dbc3b636c0fddccb32777d3b009"}


def test_the_default_corpus_is_pinned_and_reproducible() -> None:
    assert CORPUS.seed == DEFAULT_SEED
    assert {lang: CORPUS.sha256(lang) for lang in ("ja", "en")} == PINNED
    assert generate_corpus(1).sha256("en") != PINNED["en"]
    assert generate_corpus(1).text("ja") == generate_corpus(1).text("ja")


def test_the_two_texts_are_parallel_line_by_line() -> None:
    ja, en = CORPUS.text("ja").splitlines(), CORPUS.text("en").splitlines()
    assert len(ja) == len(en)
    assert all((a == "") == (b == "") for a, b in zip(ja, en, strict=True))     # passages end together
    assert [p.ja for p in CORPUS.pairs] == [line for line in ja if line]


def test_sizes_and_vocabulary() -> None:
    ja, en = CORPUS.text("ja"), CORPUS.text("en")
    assert 150_000 <= len(ja) <= 300_000 and 300_000 <= len(en.encode()) <= 600_000
    assert len(set(ja)) < 400                         # one embedding row per character: keep it modest
    assert " " not in ja and "  " not in en


def test_variety() -> None:
    lines = [p.en for p in CORPUS.pairs]
    assert len(set(lines)) / len(lines) > 0.25
    forms = {}
    for pair in CORPUS.pairs:                         # sentence forms: the English with names and numbers masked
        masked = re.sub(r"\b(" + "|".join(v[1] for v in PEOPLE.values()) + r")\b|\d+", "_", pair.en)
        forms.setdefault(pair.facts[0].kind, set()).add(masked)
    assert sum(len(f) for f in forms.values()) > 500
    assert len(forms) >= 15


def test_every_standing_sentence_is_true_in_the_world() -> None:
    world = CORPUS.world
    for pair in CORPUS.pairs:
        for fact in pair.facts:
            if fact.kind == "question":
                assert world.is_true(fact.args[0])
            else:
                assert world.is_true(fact), fact


def test_no_two_facts_contradict() -> None:
    """Each person has one home town and one job; no town or job is said of two people."""
    said: dict[tuple[str, str], set] = {}
    for pair in CORPUS.pairs:
        for fact in pair.facts:
            if fact.kind in ("lives_in", "job", "age"):
                said.setdefault((fact.kind, fact.args[0]), set()).add(fact.args[1])
    assert said and all(len(values) == 1 for values in said.values())
    towns = [next(iter(v)) for (kind, _), v in said.items() if kind == "lives_in"]
    assert len(towns) == len(set(towns))


def test_japanese_and_english_name_the_same_things() -> None:
    for pair in CORPUS.pairs[:3000]:
        for fact in pair.facts:
            if fact.kind == "lives_in":
                person, city = fact.args
                assert PEOPLE[person][0] in pair.ja and PEOPLE[person][1] in pair.en
                assert CITIES[city][0] in pair.ja and CITIES[city][1] in pair.en
            if fact.kind == "job":
                assert JOBS[fact.args[1]][0] in pair.ja and JOBS[fact.args[1]][1] in pair.en


@pytest.mark.parametrize("kind", ["lives_in", "job", "has_pet", "owns", "likes_food", "hobby", "friends"])
def test_paraphrases_are_several_distinct_and_true(kind: str) -> None:
    fact = next(f for f in CORPUS.world.facts() if f.kind == kind)
    variants = say(CORPUS.world, fact)
    for sentences in (variants.ja, variants.en):
        assert len(sentences) >= 2 and len(set(sentences)) == len(sentences)
    assert CORPUS.world.is_true(fact)


@pytest.mark.parametrize("kind", ["lives_in", "job", "likes_food", "hobby", "books", "age", "owns", "has_pet",
                                  "friends", "pet_spot"])
def test_false_variants_are_false_and_of_the_same_kind(kind: str) -> None:
    rng = random.Random(0)
    for fact in [f for f in CORPUS.world.facts() if f.kind == kind][:5]:
        variant = CORPUS.world.false_variant(fact, rng)
        assert variant.kind == kind and variant != fact
        assert not CORPUS.world.is_true(variant)
        assert CORPUS.world.is_true(Fact("not", (variant,)))


def test_corrections_deny_something_false_then_say_the_truth() -> None:
    corrections = [p for p in CORPUS.passages if p[0].facts[0].kind == "not"]
    assert corrections
    for denial, truth in corrections[:50]:
        denied = denial.facts[0].args[0]
        assert not CORPUS.world.is_true(denied) and CORPUS.world.is_true(truth.facts[0])
        assert denied.args[0] == truth.facts[0].args[0] and denied.kind == truth.facts[0].kind
