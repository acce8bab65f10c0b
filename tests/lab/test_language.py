"""Which language a page or command speaks: ?lang=, then --lang / KAIBO_LANG, then the locale, then English."""

import pytest

from kaibo import i18n


@pytest.fixture
def no_language(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("KAIBO_LANG", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(i18n.locale, "getlocale", lambda: (None, None))
    return monkeypatch


@pytest.mark.parametrize(("requested", "env", "expected"), [
    ("ja", {"KAIBO_LANG": "en", "LANG": "en_US.UTF-8"}, "ja"),  # ?lang= wins
    ("en", {"KAIBO_LANG": "ja"}, "en"),
    (None, {"KAIBO_LANG": "ja", "LANG": "en_US.UTF-8"}, "ja"),  # then --lang / KAIBO_LANG
    ("fr", {"KAIBO_LANG": "ja"}, "ja"),  # a language we do not have counts as none
    (None, {"LANG": "ja_JP.UTF-8"}, "ja"),  # then the locale
    (None, {"LC_ALL": "C.UTF-8"}, "en"),  # then English
    (None, {}, "en"),
])
def test_precedence(no_language: pytest.MonkeyPatch, requested: str | None, env: dict, expected: str) -> None:
    for name, value in env.items():
        no_language.setenv(name, value)
    assert i18n.resolve(requested) == expected


def test_text_follows_the_default_language(no_language: pytest.MonkeyPatch) -> None:
    no_language.setenv("KAIBO_LANG", "ja")
    assert i18n.t("page.reset") == "初期値に戻す"
    assert i18n.t("page.reset", "en") == "Reset to defaults"
