"""The small world the bundled corpus talks about: people, pets, places, things, and facts that hold.

A `World` is drawn from a seed: each person gets one home town, one job, an age, a pet, some possessions,
a favourite food, a hobby and friends. Those are the world's *facts*; every sentence of the corpus says
something true about them (or, marked as such, denies something false). Because the facts are fixed, a
model trained on the corpus can learn them ("Yuki lives in …"), a false variant of a fact can be made and
recognised (the RLHF lessons prefer true statements), and every fact can be said in several ways (the
evaluation lessons compare paraphrases).

The names of things in both languages live in `LEXICON`: each entry key → (Japanese, English).
Randomness comes only from `random.Random(seed)`, whose streams are stable across Python versions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# key: (ja, en, gender) — gender picks "he"/"she" in English
PEOPLE = {
    "yuki": ("由紀", "Yuki", "f"), "ken": ("健", "Ken", "m"), "hanako": ("花子", "Hanako", "f"),
    "shota": ("翔太", "Shota", "m"), "misaki": ("美咲", "Misaki", "f"), "daisuke": ("大輔", "Daisuke", "m"),
    "ai": ("愛", "Ai", "f"), "takumi": ("拓海", "Takumi", "m"), "sakura": ("さくら", "Sakura", "f"),
    "ryo": ("亮", "Ryo", "m"), "emi": ("恵美", "Emi", "f"), "kenta": ("健太", "Kenta", "m"),
}
CITIES = {"tokyo": ("東京", "Tokyo"), "osaka": ("大阪", "Osaka"), "kyoto": ("京都", "Kyoto"),
          "sapporo": ("札幌", "Sapporo"), "fukuoka": ("福岡", "Fukuoka"), "nagoya": ("名古屋", "Nagoya"),
          "kobe": ("神戸", "Kobe"), "sendai": ("仙台", "Sendai"), "hiroshima": ("広島", "Hiroshima"),
          "yokohama": ("横浜", "Yokohama"), "kanazawa": ("金沢", "Kanazawa"), "naha": ("那覇", "Naha")}
# jobs: (ja, en, en article)
JOBS = {"teacher": ("先生", "teacher", "a"), "doctor": ("医者", "doctor", "a"), "nurse": ("看護師", "nurse", "a"),
        "cook": ("料理人", "cook", "a"), "photographer": ("写真家", "photographer", "a"),
        "driver": ("運転手", "driver", "a"), "writer": ("作家", "writer", "a"), "farmer": ("農家", "farmer", "a"),
        "engineer": ("技術者", "engineer", "an"), "baker": ("パン職人", "baker", "a"),
        "singer": ("歌手", "singer", "a"), "office_worker": ("会社員", "office worker", "an"),
        "police": ("警察官", "police officer", "a"), "pilot": ("パイロット", "pilot", "a")}
# animals: (ja, en, en plural)
ANIMALS = {"cat": ("猫", "cat", "cats"), "dog": ("犬", "dog", "dogs"), "rabbit": ("うさぎ", "rabbit", "rabbits"),
           "bird": ("小鳥", "bird", "birds"), "hamster": ("ハムスター", "hamster", "hamsters"),
           "turtle": ("かめ", "turtle", "turtles")}
PET_NAMES = {"pochi": ("ポチ", "Pochi"), "tama": ("タマ", "Tama"), "momo": ("モモ", "Momo"), "sora": ("ソラ", "Sora"),
             "kuro": ("クロ", "Kuro"), "shiro": ("シロ", "Shiro"), "koko": ("ココ", "Koko"), "leo": ("レオ", "Leo"),
             "chibi": ("チビ", "Chibi"), "mugi": ("ムギ", "Mugi"), "haru": ("ハル", "Haru"), "nana": ("ナナ", "Nana"),
             "kai": ("カイ", "Kai"), "rin": ("リン", "Rin")}
# colours: (ja before a noun, ja as a predicate, en)
COLOURS = {"red": ("赤い", "赤い", "red"), "blue": ("青い", "青い", "blue"), "white": ("白い", "白い", "white"),
           "black": ("黒い", "黒い", "black"), "yellow": ("黄色い", "黄色い", "yellow"),
           "green": ("緑の", "緑色", "green"), "brown": ("茶色の", "茶色", "brown")}
# things one owns: (ja, en, en article before the colour is decided by the colour)
OBJECTS = {"bicycle": ("自転車", "bicycle"), "umbrella": ("傘", "umbrella"), "bag": ("かばん", "bag"),
           "hat": ("帽子", "hat"), "car": ("車", "car"), "camera": ("カメラ", "camera"),
           "watch": ("時計", "watch"), "scarf": ("マフラー", "scarf")}
# foods: (ja, en)
FOODS = {"apples": ("りんご", "apples"), "bread": ("パン", "bread"), "sushi": ("すし", "sushi"),
         "ramen": ("ラーメン", "ramen"), "curry": ("カレー", "curry"), "cake": ("ケーキ", "cake"),
         "rice_balls": ("おにぎり", "rice balls"), "tempura": ("天ぷら", "tempura"),
         "strawberries": ("いちご", "strawberries"), "noodles": ("うどん", "udon noodles")}
# hobbies: (ja noun, ja "…のが好き" verb phrase, en noun/gerund)
HOBBIES = {"reading": ("読書", "本を読む", "reading"), "drawing": ("絵", "絵をかく", "drawing"),
           "piano": ("ピアノ", "ピアノをひく", "playing the piano"), "cooking": ("料理", "料理をする", "cooking"),
           "photos": ("写真", "写真をとる", "taking photos"), "running": ("ランニング", "走る", "running"),
           "swimming": ("水泳", "泳ぐ", "swimming"), "singing": ("歌", "歌を歌う", "singing"),
           "hiking": ("山登り", "山に登る", "hiking"), "fishing": ("釣り", "釣りをする", "fishing")}
# places in town: (ja, en with article, things one does there: (ja past, en past), …)
PLACES = {"park": ("公園", "the park", (("散歩しました", "went for a walk"), ("ボールで遊びました", "played with a ball"))),
          "library": ("図書館", "the library", (("本を読みました", "read a book"),
                                                ("静かに勉強しました", "studied quietly"))),
          "station": ("駅", "the station", (("電車に乗りました", "took a train"),
                                            ("駅の中のパン屋に寄りました", "stopped at the bakery inside"))),
          "school": ("学校", "the school", (("勉強しました", "studied"), ("先生と話しました", "talked with a teacher"))),
          "beach": ("海", "the beach", (("泳ぎました", "went swimming"), ("貝を拾いました", "picked up shells"))),
          "mountain": ("山", "the mountains", (("山道を歩きました", "walked along a mountain path"),
                                               ("頂上でお弁当を食べました", "ate a packed lunch at the top"))),
          "market": ("市場", "the market", (("野菜を買いました", "bought vegetables"), ("果物を買いました", "bought fruit"))),
          "cafe": ("喫茶店", "the café", (("コーヒーを飲みました", "had a cup of coffee"),
                                           ("紅茶を飲みながら話しました", "talked over a cup of tea"))),
          "museum": ("美術館", "the museum", (("絵を見ました", "looked at paintings"),
                                              ("古い写真を見ました", "looked at old photographs"))),
          "river": ("川", "the river", (("魚を見ました", "watched the fish"), ("川沿いを走りました", "ran along the bank")))}
# where a pet likes to be: (ja, en)
PET_SPOTS = {"sofa": ("ソファの上", "on the sofa"), "garden": ("庭", "in the garden"),
             "window": ("窓のそば", "by the window"), "box": ("箱の中", "in a box"),
             "bed": ("ベッドの上", "on the bed")}
# when something happened: (ja, en), the English ready to start a sentence or follow "went … "
_WEEK = {"mon": ("月曜日", "Monday"), "tue": ("火曜日", "Tuesday"), "wed": ("水曜日", "Wednesday"),
         "thu": ("木曜日", "Thursday"), "fri": ("金曜日", "Friday"), "sat": ("土曜日", "Saturday"),
         "sun": ("日曜日", "Sunday")}
DAYS = {**{key: (day_ja + "に", "on " + day_en) for key, (day_ja, day_en) in _WEEK.items()},
        **{"last_" + key: ("先週の" + day_ja, "last " + day_en) for key, (day_ja, day_en) in _WEEK.items()},
        "yesterday": ("昨日", "yesterday"), "before_yesterday": ("おととい", "the day before yesterday"),
        "holiday": ("休みの日に", "on a day off")}
TIMES = {"morning": ("朝", "in the morning"), "noon": ("昼", "at noon"), "evening": ("夕方", "in the evening"),
         "night": ("夜", "at night")}
WEATHER = {"sunny": ("よく晴れていました", "it was sunny", "晴れていた"),
           "rainy": ("雨が降っていました", "it was raining", "雨が降っていた"),
           "cloudy": ("くもっていました", "it was cloudy", "くもっていた"),
           "snowy": ("雪が降っていました", "it was snowing", "雪が降っていた")}


@dataclass(frozen=True)
class Fact:
    """One thing that holds (or, in a false variant, does not): a kind and its arguments (keys)."""

    kind: str
    args: tuple


@dataclass
class Person:
    key: str
    city: str
    job: str
    age: int
    pet: str                # the pet's name key
    books: int
    food: str
    hobby: str
    owns: dict[str, str] = field(default_factory=dict)     # object → colour
    friends: list[str] = field(default_factory=list)


@dataclass
class Pet:
    key: str
    owner: str
    animal: str
    colour: str
    spot: str


@dataclass
class World:
    people: dict[str, Person]
    pets: dict[str, Pet]

    @classmethod
    def generate(cls, rng: random.Random) -> World:
        keys = list(PEOPLE)
        cities = rng.sample(list(CITIES), len(keys))        # one home town each, all different
        jobs = rng.sample(list(JOBS), len(keys))
        ages = rng.sample(range(19, 72), len(keys))          # all different, so "older than" is always decided
        pet_keys = rng.sample(list(PET_NAMES), len(keys))
        people, pets = {}, {}
        for i, key in enumerate(keys):
            owned = rng.sample(list(OBJECTS), 3)
            person = Person(key, cities[i], jobs[i], ages[i], pet_keys[i], rng.randint(2, 9),
                            rng.choice(list(FOODS)), rng.choice(list(HOBBIES)),
                            {obj: rng.choice(list(COLOURS)) for obj in owned})
            people[key] = person
            pets[pet_keys[i]] = Pet(pet_keys[i], key, rng.choice(list(ANIMALS)), rng.choice(list(COLOURS)),
                                    rng.choice(list(PET_SPOTS)))
        for i, key in enumerate(keys):                       # friendship is mutual: a ring plus a few chords
            for other in (keys[(i + 1) % len(keys)], rng.choice(keys)):
                if other != key and other not in people[key].friends:
                    people[key].friends.append(other)
                    people[other].friends.append(key)
        return cls(people, pets)

    # ---- facts ----------------------------------------------------------------------------------------

    def facts(self) -> list[Fact]:
        """Every standing fact of the world (not the day-to-day events, which are made as the text is)."""
        out: list[Fact] = []
        for p in self.people.values():
            pet = self.pets[p.pet]
            out += [Fact("lives_in", (p.key, p.city)), Fact("job", (p.key, p.job)), Fact("age", (p.key, p.age)),
                    Fact("has_pet", (p.key, pet.animal, pet.key, pet.colour)), Fact("books", (p.key, p.books)),
                    Fact("likes_food", (p.key, p.food)), Fact("hobby", (p.key, p.hobby)),
                    Fact("pet_spot", (pet.key, pet.animal, pet.spot))]
            out += [Fact("owns", (p.key, obj, colour)) for obj, colour in p.owns.items()]
            out += [Fact("friends", (p.key, q)) for q in p.friends if p.key < q]
        return out

    def is_true(self, fact: Fact) -> bool:
        """Whether `fact` holds in this world (events and negations are judged by what they claim)."""
        a = fact.args
        if fact.kind == "not":
            return not self.is_true(a[0])
        person = self.people.get(a[0]) if a and isinstance(a[0], str) else None
        checks = {
            "lives_in": lambda: person.city == a[1],
            "job": lambda: person.job == a[1],
            "age": lambda: person.age == a[1],
            "has_pet": lambda: (self.pets[person.pet].animal, person.pet, self.pets[person.pet].colour) == a[1:],
            "books": lambda: person.books == a[1],
            "likes_food": lambda: person.food == a[1],
            "hobby": lambda: person.hobby == a[1],
            "owns": lambda: person.owns.get(a[1]) == a[2],
            "friends": lambda: a[1] in person.friends,
            "older": lambda: person.age > self.people[a[1]].age,
            "pet_spot": lambda: a[0] in self.pets and (self.pets[a[0]].animal, self.pets[a[0]].spot) == a[1:],
        }
        if fact.kind not in checks:
            return True                                      # events: true by being told (nothing to contradict)
        if fact.kind != "pet_spot" and person is None:
            return False
        return checks[fact.kind]()

    def false_variant(self, fact: Fact, rng: random.Random) -> Fact:
        """The same kind of fact with one value changed so that it is false in this world."""
        choices = {"lives_in": (1, CITIES), "job": (1, JOBS), "likes_food": (1, FOODS), "hobby": (1, HOBBIES),
                   "books": (1, range(2, 10)), "age": (1, range(19, 72)), "owns": (2, COLOURS),
                   "friends": (1, PEOPLE), "pet_spot": (2, PET_SPOTS), "older": (None, None)}
        if fact.kind == "older":
            return Fact("older", (fact.args[1], fact.args[0]))
        if fact.kind == "has_pet":
            slot, values = 3, COLOURS
        elif fact.kind in choices:
            slot, values = choices[fact.kind]
        else:
            raise ValueError(f"no false variant for {fact.kind}")
        candidates = [v for v in values if v != fact.args[slot] and v != fact.args[0]]
        rng.shuffle(candidates)
        for value in candidates:
            args = list(fact.args)
            args[slot] = value
            variant = Fact(fact.kind, tuple(args))
            if not self.is_true(variant):
                return variant
        raise ValueError(f"no false variant for {fact}")
