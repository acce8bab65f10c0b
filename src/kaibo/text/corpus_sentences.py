"""Saying a fact in Japanese and in English, in several correct ways each.

`say(world, fact)` returns every way this module knows to say `fact`: a list of Japanese sentences and a
list of English ones, each a paraphrase of the others. Japanese is in the polite です・ます style throughout
(a textbook's register); names go without さん, as in a story. English uses he/she from the person's gender.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaibo.text.corpus_world import (
    ANIMALS,
    CITIES,
    COLOURS,
    DAYS,
    FOODS,
    HOBBIES,
    JOBS,
    OBJECTS,
    PEOPLE,
    PET_NAMES,
    PET_SPOTS,
    PLACES,
    TIMES,
    WEATHER,
    Fact,
    World,
)

NUMBERS_EN = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@dataclass(frozen=True)
class Variants:
    ja: list[str]
    en: list[str]


def ja(key: str) -> str:
    return PEOPLE[key][0]


def en(key: str) -> str:
    return PEOPLE[key][1]


def he(key: str) -> str:
    return "she" if PEOPLE[key][2] == "f" else "he"


def his(key: str) -> str:
    return "her" if PEOPLE[key][2] == "f" else "his"


def a(word: str) -> str:
    """"a" or "an" before `word` (by its first letter's sound, good enough for this vocabulary)."""
    return ("an " if word[0] in "aeiou" else "a ") + word


def capital(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


def _lives_in(w: World, p: str, city: str) -> Variants:
    c_ja, c_en = CITIES[city]
    return Variants(
        [f"{ja(p)}は{c_ja}に住んでいます。", f"{ja(p)}の家は{c_ja}にあります。", f"{ja(p)}が住んでいる町は{c_ja}です。",
         f"{c_ja}に住んでいるのは{ja(p)}です。", f"{ja(p)}は{c_ja}で暮らしています。"],
        [f"{en(p)} lives in {c_en}.", f"{en(p)}'s home is in {c_en}.", f"{en(p)} has a house in {c_en}.",
         f"The one who lives in {c_en} is {en(p)}.", f"{c_en} is where {en(p)} lives."])


def _job(w: World, p: str, job: str) -> Variants:
    j_ja, j_en, article = JOBS[job]
    return Variants(
        [f"{ja(p)}は{j_ja}です。", f"{ja(p)}の仕事は{j_ja}です。", f"{ja(p)}は{j_ja}として働いています。"],
        [f"{en(p)} is {article} {j_en}.", f"{en(p)} works as {article} {j_en}.",
         f"By trade, {en(p)} is {article} {j_en}."])


def _age(w: World, p: str, age: int) -> Variants:
    return Variants(
        [f"{ja(p)}は{age}歳です。", f"{ja(p)}は今年{age}歳になりました。", f"{ja(p)}の年は{age}歳です。"],
        [f"{en(p)} is {age} years old.", f"{en(p)} turned {age} this year.", f"{en(p)} is {age}."])


def _has_pet(w: World, p: str, animal: str, pet: str, colour: str) -> Variants:
    a_ja, a_en, _ = ANIMALS[animal]
    n_ja, n_en = PET_NAMES[pet]
    c_ja, _, c_en = COLOURS[colour]
    return Variants(
        [f"{ja(p)}は{c_ja}{a_ja}を飼っています。", f"{ja(p)}の{a_ja}の名前は{n_ja}です。",
         f"{n_ja}は{ja(p)}が飼っている{c_ja}{a_ja}です。", f"{ja(p)}の家には{n_ja}という{c_ja}{a_ja}がいます。"],
        [f"{en(p)} has {a(c_en)} {a_en}.", f"{en(p)}'s {a_en} is called {n_en}.",
         f"{n_en} is {en(p)}'s {c_en} {a_en}.", f"{en(p)} keeps {a(c_en)} {a_en} named {n_en}."])


def _pet_spot(w: World, pet: str, animal: str, spot: str) -> Variants:
    n_ja, n_en = PET_NAMES[pet]
    s_ja, s_en = PET_SPOTS[spot]
    a_ja, a_en, _ = ANIMALS[animal]
    return Variants(
        [f"{n_ja}はいつも{s_ja}で寝ています。", f"{a_ja}の{n_ja}は{s_ja}が好きです。", f"{n_ja}のお気に入りの場所は{s_ja}です。"],
        [f"{n_en} always sleeps {s_en}.", f"{n_en} the {a_en} likes to be {s_en}.",
         f"{n_en}'s favourite place is {s_en}."])


def _books(w: World, p: str, count: int) -> Variants:
    return Variants(
        [f"{ja(p)}は本を{count}冊持っています。", f"{ja(p)}の本だなには本が{count}冊あります。"],
        [f"{en(p)} has {NUMBERS_EN[count]} books.", f"There are {NUMBERS_EN[count]} books on {en(p)}'s shelf."])


def _likes_food(w: World, p: str, food: str) -> Variants:
    f_ja, f_en = FOODS[food]
    return Variants(
        [f"{ja(p)}は{f_ja}が好きです。", f"{ja(p)}の好きな食べ物は{f_ja}です。", f"{ja(p)}は{f_ja}が大好きです。"],
        [f"{en(p)} likes {f_en}.", f"{en(p)}'s favourite food is {f_en}.", f"{en(p)} loves {f_en}."])


def _hobby(w: World, p: str, hobby: str) -> Variants:
    h_noun, h_verb, h_en = HOBBIES[hobby]
    return Variants(
        [f"{ja(p)}の趣味は{h_noun}です。", f"{ja(p)}は{h_verb}のが好きです。", f"{ja(p)}はひまな時に{h_noun}を楽しんでいます。"],
        [f"{en(p)}'s hobby is {h_en}.", f"{en(p)} likes {h_en}.", f"In {his(p)} free time, {en(p)} enjoys {h_en}."])


def _owns(w: World, p: str, obj: str, colour: str) -> Variants:
    o_ja, o_en = OBJECTS[obj]
    c_ja, c_pred, c_en = COLOURS[colour]
    return Variants(
        [f"{ja(p)}は{c_ja}{o_ja}を持っています。", f"{ja(p)}の{o_ja}は{c_pred}です。", f"{c_ja}{o_ja}は{ja(p)}のものです。"],
        [f"{en(p)} has {a(c_en)} {o_en}.", f"{en(p)}'s {o_en} is {c_en}.", f"The {c_en} {o_en} belongs to {en(p)}."])


def _friends(w: World, p: str, q: str) -> Variants:
    return Variants(
        [f"{ja(p)}と{ja(q)}は友だちです。", f"{ja(q)}は{ja(p)}の友だちです。", f"{ja(p)}と{ja(q)}は仲がいいです。"],
        [f"{en(p)} and {en(q)} are friends.", f"{en(q)} is a friend of {en(p)}'s.", f"{en(p)} is friends with {en(q)}."])


def _older(w: World, p: str, q: str) -> Variants:
    gap = w.people[p].age - w.people[q].age
    return Variants(
        [f"{ja(p)}は{ja(q)}より年上です。", f"{ja(q)}は{ja(p)}より若いです。", f"{ja(p)}は{ja(q)}より{gap}歳上です。"],
        [f"{en(p)} is older than {en(q)}.", f"{en(q)} is younger than {en(p)}.",
         f"{en(p)} is {gap} years older than {en(q)}."])


def _negation(w: World, inner: Fact) -> Variants:
    """A false fact denied. Only the kinds below are ever denied."""
    p = inner.args[0]
    if inner.kind == "lives_in":
        c_ja, c_en = CITIES[inner.args[1]]
        return Variants([f"{ja(p)}は{c_ja}には住んでいません。", f"{ja(p)}の家は{c_ja}にはありません。"],
                        [f"{en(p)} does not live in {c_en}.", f"{en(p)}'s home is not in {c_en}."])
    if inner.kind == "job":
        j_ja, j_en, article = JOBS[inner.args[1]]
        return Variants([f"{ja(p)}は{j_ja}ではありません。", f"{ja(p)}の仕事は{j_ja}ではありません。"],
                        [f"{en(p)} is not {article} {j_en}.", f"{en(p)} does not work as {article} {j_en}."])
    f_ja, f_en = FOODS[inner.args[1]]
    return Variants([f"{ja(p)}は{f_ja}があまり好きではありません。", f"{ja(p)}の好きな食べ物は{f_ja}ではありません。"],
                    [f"{en(p)} does not really like {f_en}.", f"{en(p)}'s favourite food is not {f_en}."])


def _question(w: World, inner: Fact) -> Variants:
    """A question about a fact, with its answer, on one line."""
    p = inner.args[0]
    if inner.kind == "lives_in":
        c_ja, c_en = CITIES[inner.args[1]]
        return Variants([f"{ja(p)}はどこに住んでいますか。{c_ja}に住んでいます。", f"{ja(p)}の家はどこですか。{c_ja}です。"],
                        [f"Where does {en(p)} live? {capital(he(p))} lives in {c_en}.",
                         f"Where is {en(p)}'s home? It is in {c_en}."])
    if inner.kind == "job":
        j_ja, j_en, article = JOBS[inner.args[1]]
        return Variants([f"{ja(p)}の仕事は何ですか。{j_ja}です。", f"{ja(p)}は何をしている人ですか。{j_ja}です。"],
                        [f"What does {en(p)} do? {capital(he(p))} is {article} {j_en}.",
                         f"What is {en(p)}'s job? {capital(he(p))} works as {article} {j_en}."])
    if inner.kind == "age":
        age = inner.args[1]
        return Variants([f"{ja(p)}は何歳ですか。{age}歳です。"],
                        [f"How old is {en(p)}? {capital(he(p))} is {age}."])
    if inner.kind == "likes_food":
        f_ja, f_en = FOODS[inner.args[1]]
        return Variants([f"{ja(p)}の好きな食べ物は何ですか。{f_ja}です。"],
                        [f"What is {en(p)}'s favourite food? It is {f_en}."])
    animal, pet = inner.args[1], inner.args[2]
    return Variants([f"{ja(p)}の{ANIMALS[animal][0]}の名前は何ですか。{PET_NAMES[pet][0]}です。"],
                    [f"What is the name of {en(p)}'s {ANIMALS[animal][1]}? It is {PET_NAMES[pet][1]}."])


def _outing(w: World, p: str, day: str, place: str, friend: str | None) -> Variants:
    """Somebody went somewhere on a day, alone or with a friend."""
    d_ja, d_en = DAYS[day]
    p_ja, p_en, _ = PLACES[place]
    if friend is None:
        return Variants([f"{d_ja}、{ja(p)}は{p_ja}へ行きました。", f"{ja(p)}は{d_ja}{p_ja}に出かけました。",
                         f"{d_ja}、{ja(p)}はひとりで{p_ja}に行きました。"],
                        [f"{capital(d_en)}, {en(p)} went to {p_en}.", f"{en(p)} went out to {p_en} {d_en}.",
                         f"{capital(d_en)}, {en(p)} went to {p_en} alone."])
    return Variants([f"{d_ja}、{ja(p)}は{ja(friend)}と{p_ja}へ行きました。", f"{ja(p)}と{ja(friend)}は{d_ja}{p_ja}に行きました。",
                     f"{d_ja}、{ja(p)}は{ja(friend)}といっしょに{p_ja}に出かけました。"],
                    [f"{capital(d_en)}, {en(p)} went to {p_en} with {en(friend)}.",
                     f"{en(p)} and {en(friend)} went to {p_en} {d_en}.",
                     f"{capital(d_en)}, {en(p)} and {en(friend)} went out to {p_en} together."])


def _did_there(w: World, p: str, place: str, together: bool, what: int) -> Variants:
    did_ja, did_en = PLACES[place][2][what]
    subject_en = "They" if together else capital(he(p))
    return Variants([f"そこで{did_ja}。", f"{PLACES[place][0]}では{did_ja}。"],
                    [f"{subject_en} {did_en} there.", f"At {PLACES[place][1]}, {subject_en.lower()} {did_en}."])


def _weather_reason(w: World, p: str, weather: str, obj: str) -> Variants:
    """Because of the weather, the person took something of theirs (its colour from the world)."""
    o_ja, o_en = OBJECTS[obj]
    c_ja, _, c_en = COLOURS[w.people[p].owns[obj]]
    _, w_en, w_reason = WEATHER[weather]
    return Variants([f"{w_reason}ので、{ja(p)}は{c_ja}{o_ja}を持っていきました。", f"{w_reason}から、{ja(p)}は{c_ja}{o_ja}を持って出かけました。"],
                    [f"Because {w_en}, {en(p)} took {his(p)} {c_en} {o_en}.",
                     f"{capital(w_en)}, so {en(p)} took {his(p)} {c_en} {o_en} along."])


def _weather(w: World, weather: str, time: str) -> Variants:
    t_ja, t_en = TIMES[time]
    w_ja, w_en, _ = WEATHER[weather]
    return Variants([f"その日の{t_ja}は{w_ja}。"], [f"{capital(t_en)} {w_en}."])


def _ate(w: World, p: str, food: str, time: str) -> Variants:
    f_ja, f_en = FOODS[food]
    meal_ja = {"morning": "朝ごはん", "noon": "昼ごはん", "evening": "晩ごはん", "night": "晩ごはん"}[time]
    meal_en = {"morning": "breakfast", "noon": "lunch", "evening": "dinner", "night": "dinner"}[time]
    favourite = w.people[p].food == food
    if favourite:
        return Variants([f"{meal_ja}には大好きな{f_ja}を食べました。", f"{ja(p)}は{meal_ja}に好物の{f_ja}を食べました。"],
                        [f"For {meal_en}, {en(p)} had {f_en}, {his(p)} favourite.",
                         f"{en(p)} ate {f_en} for {meal_en}, because {he(p)} loves {f_en}."])
    return Variants([f"{meal_ja}には{f_ja}を食べました。", f"{ja(p)}は{meal_ja}に{f_ja}を食べました。"],
                    [f"For {meal_en}, {en(p)} had {f_en}.", f"{en(p)} ate {f_en} for {meal_en}."])


def _walked_pet(w: World, p: str, time: str) -> Variants:
    pet = w.pets[w.people[p].pet]
    t_ja, t_en = TIMES[time]
    n_ja, n_en = PET_NAMES[pet.key]
    if pet.animal == "dog":
        return Variants([f"{t_ja}、{ja(p)}は{n_ja}を散歩に連れていきました。"],
                        [f"{capital(t_en)}, {en(p)} took {n_en} for a walk."])
    return Variants([f"{t_ja}、{ja(p)}は{n_ja}にえさをあげました。"], [f"{capital(t_en)}, {en(p)} fed {n_en}."])


SAYINGS = {"lives_in": _lives_in, "job": _job, "age": _age, "has_pet": _has_pet, "pet_spot": _pet_spot,
           "books": _books, "likes_food": _likes_food, "hobby": _hobby, "owns": _owns, "friends": _friends,
           "older": _older, "outing": _outing, "did_there": _did_there, "weather_reason": _weather_reason,
           "weather": _weather, "ate": _ate, "walked_pet": _walked_pet}


def say(world: World, fact: Fact) -> Variants:
    """Every way to say `fact` ("not" and "question" wrap the fact they deny or ask about)."""
    if fact.kind == "not":
        return _negation(world, fact.args[0])
    if fact.kind == "question":
        return _question(world, fact.args[0])
    return SAYINGS[fact.kind](world, *fact.args)
