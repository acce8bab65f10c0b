"""Japanese morphological splitting with janome (the optional `ja` extra), to compare with tokenizers.

Japanese is written without spaces. A morphological analyser cuts it into morphemes, the smallest units with
a meaning or a grammatical role, using a dictionary: 猫が好きです → 猫 / が / 好き / です (noun, particle,
adjectival noun, auxiliary verb). LLM tokenizers do not do this: they learn their pieces from frequency
alone, and their pieces need not match a linguist's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from kaibo.errors import InputError


@dataclass(frozen=True)
class Morpheme:
    surface: str            # the text as written
    part_of_speech: str     # janome's first level: 名詞, 助詞, 動詞, …


@cache
def _analyser():
    try:
        from janome.tokenizer import Tokenizer as Janome
    except ImportError as missing:
        raise InputError("text.error.janome_missing") from missing
    return Janome()


def morphemes(text: str) -> list[Morpheme]:
    """The morphemes of `text` in order; their surfaces join back into `text`."""
    return [Morpheme(token.surface, token.part_of_speech.split(",")[0]) for token in _analyser().tokenize(text)]
