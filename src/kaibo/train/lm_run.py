"""A whole language-model run, as `kaibo train` does it: text → tokenizer → ids → GPT → training → checkpoint.

The text is the bundled bilingual corpus (in Japanese or English) unless a file is given. The tokenizer is
trained on the same text. Presets give the model and training sizes; every field can be set on its own.
The record written with each checkpoint says everything needed to make the same run again: the command,
the seed, where the text came from and its SHA-256, the settings, and the losses.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass

import numpy as np

from kaibo.engine import manual_seed
from kaibo.errors import InputError
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.text.bpe import BPETokenizer
from kaibo.text.char_tokenizer import CharTokenizer
from kaibo.text.corpus import DEFAULT_SEED, generate_corpus
from kaibo.text.files import read_text_file
from kaibo.text.tokenizer import Tokenizer
from kaibo.train.language_model import LanguageModelTraining, TrainSettings, split_ids
from kaibo.train.lm_checkpoint import load_checkpoint, save_checkpoint

TOKENIZERS = ("char", "bpe")
# Model and training sizes. "small" is the bundled checkpoints' (a few minutes on 2 cores);
# "tiny" trains in well under a minute, for trying things out.
PRESETS: dict[str, dict[str, object]] = {
    "tiny": dict(n_layer=2, n_head=2, n_embd=64, block_size=32, batch_size=16, learning_rate=2e-3,
                 max_iters=300, eval_interval=100, warmup_iters=30),
    "small": dict(n_layer=4, n_head=4, n_embd=128, block_size=64, batch_size=12, learning_rate=1e-3,
                  max_iters=2000, eval_interval=250, warmup_iters=100),
}
MODEL_FIELDS = ("n_layer", "n_head", "n_embd", "block_size", "dropout", "pos", "bias", "tied")


@dataclass(frozen=True)
class TrainingText:
    text: str
    source: dict            # {"corpus": "ja", "seed": 0} or {"file": path, "encoding": …}
    sha256: str


def training_text(data: str | None = None, corpus: str = "en", encoding: str | None = None,
                  seed: int = DEFAULT_SEED) -> TrainingText:
    """The bundled corpus in `corpus` ("ja" or "en") when `data` is None, else the file `data`."""
    if data is None:
        if corpus not in ("ja", "en"):
            raise InputError("train.error.corpus", got=repr(corpus))
        generated = generate_corpus(seed)
        return TrainingText(generated.text(corpus), {"corpus": corpus, "seed": seed}, generated.sha256(corpus))
    text = read_text_file(data, encoding)
    return TrainingText(text, {"file": os.fspath(data), "encoding": encoding or "utf-8"},
                        hashlib.sha256(text.encode("utf-8")).hexdigest())


def opening(text: str, longest: int = 12, unspaced: int = 3) -> str:
    """A prompt `kaibo generate` can start from by default, made of tokens the model has seen: the first
    word of the text's first line (at most `longest` characters), or, in a language written without
    spaces such as Japanese, its first `unspaced` characters ("由紀は")."""
    line = text.lstrip().split("\n", 1)[0]
    return line.split(" ", 1)[0][:longest] if " " in line else line[:unspaced]


def train_tokenizer(kind: str, text: str, vocab_size: int = 512) -> Tokenizer:
    if kind == "char":
        return CharTokenizer.train(text)
    if kind == "bpe":
        return BPETokenizer.train(text, vocab_size)
    raise InputError("train.error.tokenizer", got=repr(kind), expected=", ".join(TOKENIZERS))


def settings_from(preset: str, overrides: dict[str, object]) -> tuple[dict[str, object], TrainSettings]:
    """The model fields and the training settings of `preset` with `overrides` (None values ignored)."""
    if preset not in PRESETS:
        raise InputError("train.error.preset", got=repr(preset), expected=", ".join(PRESETS))
    merged = {**PRESETS[preset], **{k: v for k, v in overrides.items() if v is not None}}
    model_fields = {k: merged.pop(k) for k in MODEL_FIELDS if k in merged}
    return model_fields, TrainSettings(**merged)


@dataclass
class Run:
    """A run being trained, with what its checkpoint's record needs."""

    training: LanguageModelTraining
    tokenizer: Tokenizer
    text: TrainingText
    command: list[str]

    def record(self) -> dict:
        history = self.training.history
        last = history[-1] if history else None
        return {
            "kaibo": "GPT language model",
            "command": self.command,
            "seed": self.training.settings.seed,
            "data": {**self.text.source, "sha256": self.text.sha256, "characters": len(self.text.text),
                     "tokens": int(len(self.training.train_ids) + len(self.training.val_ids))},
            "tokenizer": self.tokenizer.kind,
            "settings": dataclasses.asdict(self.training.settings),
            "parameters": self.training.model.num_parameters(),
            "prompt": opening(self.text.text),
            "train_loss": last.train_loss if last else None,
            "val_loss": last.val_loss if last else None,
            "progress": self.training.progress(),
        }

    def save(self, path: str | os.PathLike, with_optimizer: bool = True) -> None:
        save_checkpoint(path, self.training.model, self.tokenizer, self.record(),
                        self.training.optimizer_state() if with_optimizer else None)


def start_run(text: TrainingText, tokenizer: Tokenizer, model_fields: dict[str, object], settings: TrainSettings,
              command: list[str]) -> Run:
    """A fresh run: the seed fixes the initial weights, the batches and dropout."""
    ids = np.array(tokenizer.encode(text.text), dtype=np.int64)
    config = GPTConfig(vocab_size=tokenizer.vocab_size, **model_fields)
    train_ids, val_ids = split_ids(ids, config.block_size)
    manual_seed(settings.seed)
    model = GPT(config)
    training = LanguageModelTraining(model, train_ids, val_ids, settings)
    return Run(training, tokenizer, text, command)


def resume_run(path: str | os.PathLike, max_iters: int | None = None) -> Run:
    """Go on from a checkpoint written by `Run.save`: same text (checked by its hash), tokenizer, weights,
    Adam's moments and random state; `max_iters` may be raised to train further."""
    saved = load_checkpoint(path, with_optimizer=True)
    record = saved.record
    source = record["data"]
    text = (training_text(corpus=source["corpus"], seed=source["seed"]) if "corpus" in source
            else training_text(source["file"], encoding=source.get("encoding")))
    if text.sha256 != source["sha256"]:
        raise InputError("train.error.data_changed", path=str(path))
    settings = TrainSettings(**{**record["settings"], **({"max_iters": max_iters} if max_iters else {})})
    ids = np.array(saved.tokenizer.encode(text.text), dtype=np.int64)
    train_ids, val_ids = split_ids(ids, saved.model.config.block_size)
    saved.model.train()
    training = LanguageModelTraining(saved.model, train_ids, val_ids, settings)
    training.restore(saved.optimizer_state or {}, record["progress"])
    return Run(training, saved.tokenizer, text, record["command"])
