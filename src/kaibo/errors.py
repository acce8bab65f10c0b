"""One family of errors for everything a user can get wrong.

A `KaiboError` carries a catalogue key and its arguments, not a sentence: the page or command that shows it
renders it in its own language with `message(lang)`. Each message says what was wrong and what to do.
"""

from __future__ import annotations

from kaibo.i18n import t


class KaiboError(Exception):
    """An error a user can act on; `str(error)` is its message in the default language."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = args

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


class InputError(KaiboError):
    """A value typed or passed by the user that cannot be used (NaN, out of range, malformed)."""


class CheckpointError(KaiboError):
    """A checkpoint that cannot be read, or does not fit the model it is loaded into."""


class LabError(KaiboError):
    """The lab server cannot start as asked (port taken, address refused)."""
