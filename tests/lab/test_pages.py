"""Every page of the lab is a marimo app that passes `marimo check` and runs through, in both languages."""

import importlib.util
import subprocess
import sys

import marimo
import pytest

from kaibo.lab import path

PAGES = path.pages()


def load(slug: str) -> marimo.App:
    spec = importlib.util.spec_from_file_location(f"kaibo_page_{slug}", path.page_file(slug))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def test_pages_pass_marimo_check() -> None:
    files = [str(path.page_file(slug)) for slug in PAGES]
    result = subprocess.run([sys.executable, "-m", "marimo", "check", "--strict", *files],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("slug", PAGES)
def test_page_runs_through_at_its_defaults(slug: str, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Outside a server there is no address, so the page takes the default language: KAIBO_LANG.
    monkeypatch.setenv("KAIBO_LANG", lang)
    app = load(slug)
    assert isinstance(app, marimo.App)
    outputs, _ = app.run()  # raises what any cell raises: a missing catalogue key, a library error
    assert any(output is not None for output in outputs)
