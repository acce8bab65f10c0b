"""The `kaibo` command: help and errors in the user's language, exit status, no tracebacks; `kaibo lab` starts,
prints its address on a line of its own, serves the home page and stops on Ctrl+C."""

import os
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest

from kaibo import cli
from kaibo.i18n import t


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", "en")


@pytest.mark.parametrize(("argv", "key", "args", "status"), [
    (["lab", "--port", "0"], "error.port_invalid", {"port": "0"}, 2),
    (["lab", "--port", "65536", "--lang", "ja"], "error.port_invalid", {"port": "65536"}, 2),
    (["lab", "--port", "eighty"], "error.port_invalid", {"port": "eighty"}, 2),
    (["lab", "--host", "0.0.0.0"], "error.host_refused", {"host": "0.0.0.0"}, 1),
    (["lab", "--host", "192.168.0.9", "--lang=ja"], "error.host_refused", {"host": "192.168.0.9"}, 1),
    (["lab", "--lang", "fr"], "error.lang_unknown", {"language": "fr"}, 2),
])
def test_bad_arguments_get_a_translated_message(argv: list[str], key: str, args: dict, status: int,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    lang = "ja" if "ja" in " ".join(argv) else "en"
    assert cli.main(argv) == status
    err = capsys.readouterr().err
    assert err.strip() == t("cli.error", lang, message=t(key, lang, **args))


def test_a_taken_port_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["lab", "--port", str(port), "--lang", "ja"]) == 1
    assert t("error.port_taken", "ja", port=port) in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "expected"), [("ja", "ラボ（対話型のレッスン）"), ("en", "start the lab")])
def test_help_is_in_the_users_language(lang: str, expected: str, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert expected in out and out.startswith(t("cli.usage", lang))
    with pytest.raises(SystemExit):
        cli.main(["lab", "--help"])
    assert t("cli.lab.allow_remote", lang)[:10] in capsys.readouterr().out


def test_no_command_prints_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "lab" in capsys.readouterr().err


def test_remote_address_with_allow_remote_warns(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # Stop right after binding: the warning is printed before the server would start answering.
    monkeypatch.setattr("kaibo.lab.server.build_app", lambda: None)
    monkeypatch.setattr("kaibo.lab.server.serve", lambda app, sock: sock.close())
    assert cli.main(["lab", "--host", "0.0.0.0", "--allow-remote", "--no-browser"]) == 0
    captured = capsys.readouterr()
    assert t("cli.lab.remote_warning", "en", host="0.0.0.0") in captured.err
    assert captured.out.splitlines()[1].startswith("http://127.0.0.1:")


def test_lab_serves_its_home_page_and_stops_on_ctrl_c() -> None:
    command = [sys.executable, "-m", "kaibo.cli", "lab", "--no-browser", "--lang", "ja"]
    lab = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, "KAIBO_LANG": "en"})
    try:
        assert lab.stdout.readline().strip() == t("cli.lab.running", "ja")
        url = lab.stdout.readline().strip()  # the address alone on its line, with the language asked for
        assert url.startswith("http://127.0.0.1:") and url.endswith("/?lang=ja")
        with urllib.request.urlopen(url, timeout=60) as response:
            assert response.status == 200 and "<html" in response.read().decode("utf-8").lower()
    finally:
        lab.send_signal(signal.SIGINT)
        _, err = lab.communicate(timeout=30)
    assert lab.returncode in (0, -signal.SIGINT)  # uvicorn re-raises Ctrl+C once it has shut down
    assert "Traceback" not in err
