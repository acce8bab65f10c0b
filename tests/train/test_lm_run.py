"""A whole run as `kaibo train` makes it: text → tokenizer → GPT → checkpoint folder → load → resume; the
folder is written whole or not at all; the bundled checkpoints are what their record says."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kaibo.errors import CheckpointError, InputError
from kaibo.text.corpus import generate_corpus
from kaibo.train.generation import Sampling, generate
from kaibo.train.language_model import evaluate
from kaibo.train.lm_checkpoint import load_checkpoint, save_checkpoint
from kaibo.train.lm_run import opening, resume_run, settings_from, start_run, train_tokenizer, training_text

TINY = dict(n_layer=1, n_head=2, n_embd=16, block_size=16, batch_size=4, max_iters=12, eval_interval=6,
            warmup_iters=2)


ENGLISH = training_text(corpus="en")


def tiny_run(tmp_path, text: str | None = None, **changes):
    if text is None:
        source = ENGLISH
    else:
        (tmp_path / "data.txt").write_text(text, encoding="utf-8")
        source = training_text(str(tmp_path / "data.txt"))
    model_fields, settings = settings_from("tiny", TINY | changes)
    return start_run(source, train_tokenizer("char", source.text), model_fields, settings, ["kaibo", "train"])


def test_a_run_saves_a_folder_that_loads_back_to_the_same_model(tmp_path) -> None:
    run = tiny_run(tmp_path)
    assert run.training.run(on_eval=lambda r, e: run.save(tmp_path / "ckpt"))
    saved = load_checkpoint(tmp_path / "ckpt", with_optimizer=True)
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == [
        "config.json", "model.safetensors", "optimizer.safetensors", "record.json", "tokenizer.json"]
    assert saved.model.config == run.training.model.config
    for name, array in run.training.model.state_dict().items():
        np.testing.assert_array_equal(saved.model.state_dict()[name], array)
    record = saved.record
    assert record["data"]["sha256"] == generate_corpus().sha256("en") and record["seed"] == 0
    assert record["val_loss"] == run.training.history[-1].val_loss == evaluate(saved.model, run.training.val_ids)
    assert record["prompt"] and all(ch in saved.tokenizer.ids for ch in record["prompt"])
    assert json.loads((tmp_path / "ckpt" / "config.json").read_text())["n_layer"] == 1


def test_resuming_from_the_folder_equals_the_uninterrupted_run(tmp_path) -> None:
    whole = tiny_run(tmp_path)
    whole.training.run()
    half = tiny_run(tmp_path, max_iters=6, eval_interval=6)
    half.training.run()
    half.save(tmp_path / "half")
    resumed = resume_run(tmp_path / "half", max_iters=12)      # a finished run can be taken further
    assert resumed.training.step == 6 and resumed.training.run() and resumed.training.step == 12
    # the schedule depends on max_iters: the first half ran a shorter cosine, so compare from a run that
    # stopped at step 6 of the same 12-step schedule
    same = tiny_run(tmp_path)
    for _ in range(6):
        same.training.train_step()
    same.training.evaluate()
    same.save(tmp_path / "same")
    again = resume_run(tmp_path / "same")
    again.training.run()
    assert [e.val_loss for e in again.training.history] == [e.val_loss for e in whole.training.history]


def test_resume_refuses_changed_data(tmp_path) -> None:
    run = tiny_run(tmp_path, "abcdefgh\n" * 200)
    run.training.run()
    run.save(tmp_path / "ckpt")
    (tmp_path / "data.txt").write_text("abcdefgh\n" * 201, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        resume_run(tmp_path / "ckpt")
    assert caught.value.key == "train.error.data_changed"


def test_a_refused_save_keeps_the_old_checkpoint(tmp_path) -> None:
    run = tiny_run(tmp_path)
    run.training.run()
    run.save(tmp_path / "ckpt")
    before = (tmp_path / "ckpt" / "model.safetensors").read_bytes()
    broken = run.training.model
    next(iter(broken.parameters())).data[0, 0] = np.nan
    with pytest.raises(CheckpointError):
        save_checkpoint(tmp_path / "ckpt", broken, run.tokenizer, run.record())
    assert (tmp_path / "ckpt" / "model.safetensors").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []   # no leftovers


@pytest.mark.parametrize("damage, key", [
    (lambda folder: (folder / "config.json").unlink(), "lm_checkpoint.error.missing_file"),
    (lambda folder: (folder / "record.json").write_text("{", encoding="utf-8"), "lm_checkpoint.error.bad_json"),
    (lambda folder: (folder / "tokenizer.json").write_text(json.dumps({"kind": "char", "chars": ["a", "b"]}),
                                                           encoding="utf-8"), "lm_checkpoint.error.vocab"),
    (lambda folder: (folder / "model.safetensors").write_bytes(b"12345678"), "checkpoint.error.corrupt"),
])
def test_damaged_checkpoints_are_refused(tmp_path, damage, key) -> None:
    run = tiny_run(tmp_path)
    run.save(tmp_path / "ckpt")
    damage(tmp_path / "ckpt")
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(tmp_path / "ckpt")
    assert caught.value.key == key


def test_unknown_places_are_refused() -> None:
    with pytest.raises(CheckpointError):
        load_checkpoint("/nonexistent/checkpoint")
    with pytest.raises(InputError):
        load_checkpoint("bundled:fr")


@pytest.mark.parametrize("call, key", [
    (lambda: settings_from("huge", {}), "train.error.preset"),
    (lambda: train_tokenizer("words", "abc"), "train.error.tokenizer"),
    (lambda: training_text(corpus="fr"), "train.error.corpus"),
    (lambda: start_run(ENGLISH, train_tokenizer("char", ENGLISH.text), *settings_from("tiny", {"n_head": 3}), []),
     "gpt.error.heads"),
])
def test_bad_choices_are_refused(call, key) -> None:
    with pytest.raises(InputError) as caught:
        call()
    assert caught.value.key == key


def test_a_short_text_is_refused_with_the_length_needed(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        tiny_run(tmp_path, "short text\n")
    assert caught.value.key == "train.error.too_short"


@pytest.mark.parametrize("text, start", [("Yuki lives in Kyoto.\n", "Yuki"), ("由紀は京都に住んでいます。\n", "由紀は"),
                                         ("\n\nabc def", "abc"), ("a-very-long-first-word here", "a-very-long-")])
def test_the_default_prompt_is_the_start_of_the_text(text: str, start: str) -> None:
    assert opening(text) == start


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_bundled_checkpoints_are_what_their_record_says(lang: str) -> None:
    """Trained by the recorded command on the generator's current output; the recorded validation loss is
    reproduced from the weights; generation works from the recorded prompt."""
    saved = load_checkpoint(f"bundled:{lang}")
    record = saved.record
    corpus = generate_corpus(record["data"]["seed"])
    assert record["data"] == {"corpus": lang, "seed": 0, "sha256": corpus.sha256(lang),
                              "characters": len(corpus.text(lang)), "tokens": len(corpus.text(lang))}
    assert record["command"] == ["kaibo", "train", "--corpus", lang, "--lang", "en", "--out",
                                 f"src/kaibo/checkpoints/{lang}"]
    assert saved.model.config.pos == "learned" and record["settings"]["max_iters"] == record["progress"]["step"]
    ids = np.array(saved.tokenizer.encode(corpus.text(lang)))
    val = ids[int(len(ids) * 0.9):]
    assert abs(evaluate(saved.model, val) - record["val_loss"]) < 1e-3
    text = saved.tokenizer.decode(generate(saved.model, saved.tokenizer.encode(record["prompt"]), 30,
                                           Sampling(0.0))[0])
    assert text.startswith(record["prompt"]) and len(text) == len(record["prompt"]) + 30
