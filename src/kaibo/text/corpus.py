"""The bundled bilingual corpus: short passages about a small world, in parallel Japanese and English.

`generate_corpus(seed)` draws a `World` (kaibo.text.corpus_world) and writes passages about it: a person's
profile, a day out, questions and answers, comparisons, a pet, a denial followed by the truth. Each
sentence is one `SentencePair` (the same facts in both languages, each side worded in one of several ways
chosen at random) and one line of text; passages are separated by an empty line, in both languages, so line
n of the Japanese text translates line n of the English one.

It is the default training text of `kaibo train` (one sentence per line keeps every 64-character window
within one or two sentences), and the source of reference translations, paraphrases and true/false
statements for the later lessons. The same seed always gives the same text (`random.Random`'s streams are
stable across Python versions); its SHA-256 is recorded in every checkpoint trained on it.

    python -m kaibo.text.corpus        prints its size and its first passages
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from kaibo.text.corpus_sentences import say
from kaibo.text.corpus_world import DAYS, FOODS, PLACES, TIMES, WEATHER, Fact, World

DEFAULT_SEED = 0
DEFAULT_SENTENCES = 12000
# objects it makes sense to take along in each weather
TAKEN_ALONG = {"rainy": ("umbrella",), "snowy": ("scarf", "hat"), "sunny": ("hat", "camera"), "cloudy": ("umbrella",)}


@dataclass(frozen=True)
class SentencePair:
    ja: str
    en: str
    facts: tuple[Fact, ...]


Passage = list[SentencePair]


@dataclass
class Corpus:
    world: World
    passages: list[Passage]
    seed: int

    @property
    def pairs(self) -> list[SentencePair]:
        return [pair for passage in self.passages for pair in passage]

    def text(self, lang: str) -> str:
        """The training text in "ja" or "en": one sentence per line, an empty line between passages."""
        if lang not in ("ja", "en"):
            raise ValueError(f"lang must be 'ja' or 'en', got {lang!r}")
        return "\n\n".join("\n".join(getattr(pair, lang) for pair in passage) for passage in self.passages) + "\n"

    def sha256(self, lang: str) -> str:
        return hashlib.sha256(self.text(lang).encode("utf-8")).hexdigest()


class _Writer:
    """Turns facts into sentence pairs, each side's wording drawn at random from `say`'s paraphrases."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng

    def pair(self, fact: Fact) -> SentencePair:
        variants = say(self.world, fact)
        return SentencePair(self.rng.choice(variants.ja), self.rng.choice(variants.en), (fact,))

    def person(self) -> str:
        return self.rng.choice(list(self.world.people))

    def standing(self, p: str) -> list[Fact]:
        return [f for f in self.world.facts() if f.args[0] == p or f.args[0] == self.world.people[p].pet]

    # ---- the kinds of passage ---------------------------------------------------------------------------

    def profile(self) -> Passage:
        facts = self.standing(self.person())
        return [self.pair(f) for f in self.rng.sample(facts, self.rng.randint(2, 4))]

    def day_out(self) -> Passage:
        w, rng = self.world, self.rng
        p = self.person()
        friend = rng.choice(w.people[p].friends) if rng.random() < 0.5 else None
        place, day, time_ = rng.choice(list(PLACES)), rng.choice(list(DAYS)), rng.choice(list(TIMES))
        weather = rng.choice(list(WEATHER))
        out = [self.pair(Fact("outing", (p, day, place, friend)))]
        taken = [obj for obj in TAKEN_ALONG[weather] if obj in w.people[p].owns]
        if taken and rng.random() < 0.6:
            out.append(self.pair(Fact("weather_reason", (p, weather, rng.choice(taken)))))
        elif rng.random() < 0.5:
            out.insert(0, self.pair(Fact("weather", (weather, time_))))
        out.append(self.pair(Fact("did_there", (p, place, friend is not None, rng.randrange(2)))))
        if rng.random() < 0.5:
            food = w.people[p].food if rng.random() < 0.4 else rng.choice(list(FOODS))
            out.append(self.pair(Fact("ate", (p, food, time_))))
        return out

    def questions(self) -> Passage:
        askable = ("lives_in", "job", "age", "likes_food", "has_pet")
        facts = [f for f in self.standing(self.person()) if f.kind in askable]
        return [self.pair(Fact("question", (f,))) for f in self.rng.sample(facts, self.rng.randint(1, 2))]

    def comparison(self) -> Passage:
        p, q = self.rng.sample(list(self.world.people), 2)
        if self.world.people[p].age < self.world.people[q].age:
            p, q = q, p
        ages = [self.pair(Fact("age", (x, self.world.people[x].age))) for x in (p, q)]
        older = self.pair(Fact("older", (p, q)))
        return [*ages, older] if self.rng.random() < 0.5 else [older]

    def correction(self) -> Passage:
        facts = [f for f in self.standing(self.person()) if f.kind in ("lives_in", "job", "likes_food")]
        truth = self.rng.choice(facts)
        return [self.pair(Fact("not", (self.world.false_variant(truth, self.rng),))), self.pair(truth)]

    def pet(self) -> Passage:
        p = self.person()
        pet = self.world.pets[self.world.people[p].pet]
        out = [self.pair(Fact("has_pet", (p, pet.animal, pet.key, pet.colour)))]
        if self.rng.random() < 0.6:
            out.append(self.pair(Fact("pet_spot", (pet.key, pet.animal, pet.spot))))
        if self.rng.random() < 0.6:
            out.append(self.pair(Fact("walked_pet", (p, self.rng.choice(list(TIMES))))))
        return out

    def friends(self) -> Passage:
        p = self.person()
        q = self.rng.choice(self.world.people[p].friends)
        first = self.pair(Fact("friends", (min(p, q), max(p, q))))
        place, day = self.rng.choice(list(PLACES)), self.rng.choice(list(DAYS))
        did = Fact("did_there", (p, place, True, self.rng.randrange(2)))
        return [first, self.pair(Fact("outing", (p, day, place, q))), self.pair(did)]


PASSAGES: list[tuple[Callable[[_Writer], Passage], int]] = [
    (_Writer.profile, 2), (_Writer.day_out, 6), (_Writer.questions, 2), (_Writer.comparison, 1),
    (_Writer.correction, 1), (_Writer.pet, 2), (_Writer.friends, 2)]


def generate_corpus(seed: int = DEFAULT_SEED, sentences: int = DEFAULT_SENTENCES) -> Corpus:
    """The corpus of `seed`, with at least `sentences` sentence pairs (whole passages)."""
    rng = random.Random(seed)
    world = World.generate(rng)
    writer = _Writer(world, rng)
    kinds, weights = zip(*PASSAGES, strict=True)
    passages: list[Passage] = []
    count = 0
    while count < sentences:
        passage = rng.choices(kinds, weights)[0](writer)
        passages.append(passage)
        count += len(passage)
    return Corpus(world, passages, seed)


def main() -> None:
    started = time.perf_counter()
    corpus = generate_corpus()
    seconds = time.perf_counter() - started
    ja, en = corpus.text("ja"), corpus.text("en")
    print(f"seed {corpus.seed}: {len(corpus.pairs):,} sentence pairs in {len(corpus.passages):,} passages, "
          f"generated in {seconds:.2f} s")
    print(f"ja: {len(ja):,} characters, {len(set(ja))} distinct, sha256 {corpus.sha256('ja')}")
    print(f"en: {len(en.encode()):,} bytes, {len(set(en.split()))} distinct words, sha256 {corpus.sha256('en')}")
    lines = [line for line in en.splitlines() if line]
    print(f"distinct lines: ja {len(set(ja.splitlines())) - 1:,}, en {len(set(lines)):,} of {len(lines):,}")
    for pair in corpus.pairs[:15]:
        print(f"  {pair.ja}\n  {pair.en}")


if __name__ == "__main__":
    sys.exit(main())
