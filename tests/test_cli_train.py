"""`kaibo train` and `kaibo generate` from the terminal: a short run writes a checkpoint and says so in the
user's language, resumes, refuses bad input with a translated line, stops a diverging run keeping the last
good checkpoint; generation shows its candidates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaibo import cli
from kaibo.i18n import t

SHORT = ["--preset", "tiny", "--max-iters", "6", "--eval-interval", "3", "--n-embd", "16", "--n-layer", "1"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> str:
    out = str(tmp_path_factory.mktemp("run") / "ckpt")
    assert cli.main(["train", *SHORT, "--corpus", "en", "--out", out, "--lang", "en"]) == 0
    return out


def test_a_short_run_writes_a_checkpoint_and_reports_in_japanese(tmp_path, capsys) -> None:
    out = str(tmp_path / "ckpt")
    assert cli.main(["train", *SHORT, "--corpus", "ja", "--out", out, "--lang", "ja"]) == 0
    err = capsys.readouterr().err
    assert "同梱のコーパス（ja、種 0）" in err and "学習が終わりました" in err and "ステップ 6" in err
    record = json.loads((tmp_path / "ckpt" / "record.json").read_text(encoding="utf-8"))
    assert record["command"][:2] == ["kaibo", "train"] and record["progress"]["step"] == 6
    assert [e["step"] for e in record["progress"]["history"]] == [3, 6]


def test_resume_goes_on_from_the_checkpoint(trained: str, capsys) -> None:
    assert cli.main(["train", "--resume", "--out", trained, "--max-iters", "9", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert t("cli.train.resuming", "en", path=trained, step=6) in err
    record = json.loads(Path(trained, "record.json").read_text(encoding="utf-8"))
    assert record["progress"]["step"] == 9


def test_generate_shows_candidates_and_the_text(trained: str, capsys) -> None:
    argv = ["generate", "--checkpoint", trained, "--greedy", "--show-probs", "3", "--max-new-tokens", "4",
            "--prompt", "Yuki", "--lang", "en"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    steps = [line for line in out if line.startswith("→")]
    assert len(steps) == 4 and all("candidates:" in line for line in steps)
    assert out[-1].startswith("Yuki") and len(out[-1]) == 8


def test_the_same_seed_gives_the_same_text(trained: str, capsys) -> None:
    argv = ["generate", "--checkpoint", trained, "--seed", "5", "--max-new-tokens", "20", "--top-k", "5"]
    cli.main(argv)
    first = capsys.readouterr().out
    cli.main(argv)
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("argv, key, args", [
    (["train", "--n-layer", "two"], "cli.error_whole", dict(option="--n-layer", got="two", minimum=1)),
    (["train", "--learning-rate", "fast"], "cli.error_number", dict(option="--learning-rate", got="fast")),
    (["train", "--preset", "huge"], "train.error.preset", dict(got="'huge'", expected="tiny, small")),
    (["generate", "--top-p", "2"], "generation.error.top_p", dict(got="2.0")),
    (["generate", "--checkpoint", "bundled:fr"], "lm_checkpoint.error.bundled",
     dict(name="fr", known="bundled:ja, bundled:en")),
])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_bad_input_gets_one_translated_line(argv, key, args, lang, capsys) -> None:
    assert cli.main([*argv, "--lang", lang]) == 2
    assert capsys.readouterr().err.strip() == t("cli.error", lang, message=t(key, lang, **args))


def test_a_shift_jis_file_is_recognised_and_read_with_the_option(tmp_path, capsys) -> None:
    data = tmp_path / "sjis.txt"
    data.write_bytes(("猫が好きです。犬も好きです。\n" * 400).encode("shift_jis"))
    assert cli.main(["train", "--data", str(data), "--lang", "en"]) == 2
    assert "--encoding shift_jis" in capsys.readouterr().err
    out = str(tmp_path / "ckpt")
    assert cli.main(["train", *SHORT, "--data", str(data), "--encoding", "shift_jis", "--out", out]) == 0


def test_a_diverging_run_stops_and_keeps_the_last_good_checkpoint(tmp_path, capsys) -> None:
    out = str(tmp_path / "ckpt")
    argv = ["train", "--preset", "tiny", "--n-embd", "16", "--n-layer", "1", "--max-iters", "300",
            "--eval-interval", "1", "--learning-rate", "1e9", "--out", out, "--lang", "en"]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "training diverged" in err and "--learning-rate 5e+08" in err
    record = json.loads((tmp_path / "ckpt" / "record.json").read_text(encoding="utf-8"))
    assert record["val_loss"] == record["val_loss"] and record["progress"]["step"] < 300     # finite: not NaN
    assert t("cli.train.kept", "en", path=out) in err
