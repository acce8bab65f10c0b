"""Pre-tokenization: cutting text into chunks that BPE merges never cross.

"none" keeps the text whole: a merge may join the end of one word with the start of the next ("e t").
"gpt2" is GPT-2's split: English contractions ('s 't 're 've 'm 'll 'd), a run of letters with the space
before it (" cat"), a run of digits, a run of other symbols, and whitespace. Python's `re` has no \\p{L}
(letter) or \\p{N} (number), so letters are written [^\\W\\d_] (word characters that are neither decimal
digits nor "_") and numbers \\d (decimal digits). Japanese kana and kanji are letters: a run of them with no
space or punctuation between is ONE chunk, so "猫が好きです。" is the chunks "猫が好きです" and "。" — BPE
can still merge inside it freely. Every character falls in one branch, so the chunks always join back into
the whole text.
"""

from __future__ import annotations

import re

from kaibo.errors import InputError

PRETOKENIZERS = ("none", "gpt2")

GPT2_SPLIT = re.compile(
    r"""'(?:s|t|re|ve|m|ll|d)"""       # contractions
    r"""| ?[^\W\d_]+"""                 # letters, with the space before them
    r"""| ?\d+"""                       # digits
    r"""| ?(?:[^\s\w]|_)+"""            # anything else that is not whitespace
    r"""|\s+(?!\S)|\s+"""               # whitespace (the last space before a word goes with the word)
)


def pretokenize(text: str, how: str) -> list[str]:
    """The chunks of `text` ("none": the text itself; "gpt2": GPT-2's split), joining back into `text`."""
    if how == "none":
        return [text] if text else []
    if how == "gpt2":
        return GPT2_SPLIT.findall(text)
    raise InputError("text.error.pretokenize", got=repr(how), known=", ".join(PRETOKENIZERS))
