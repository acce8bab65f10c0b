"""A language-model checkpoint: one folder a learner can open and read.

    model.safetensors      the weights (safetensors: named arrays, nothing that runs when opened)
    config.json            the GPTConfig, so the model can be rebuilt before its weights are read
    tokenizer.json         the tokenizer (its vocabulary, and for BPE its merges in order)
    record.json            how it was made: the command, seed, data and its SHA-256, settings, the losses
    optimizer.safetensors  Adam's moments, to resume training (left out of the bundled checkpoints)

A folder is written whole or not at all: everything goes into a new folder beside it, which then takes the
old one's place (the old one is moved aside first and deleted last), so an interrupted save never leaves a
half-written checkpoint where a good one was. `load_checkpoint("bundled:ja")` or `("bundled:en")` opens the
small checkpoints shipped with kaibo; any other argument is a folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from kaibo.atomic import make_ordinary
from kaibo.errors import CheckpointError, InputError
from kaibo.models.gpt import GPT
from kaibo.models.gpt_config import GPTConfig
from kaibo.text.tokenizer import Tokenizer, tokenizer_from_dict
from kaibo.train import checkpoint

BUNDLED = ("ja", "en")
FILES = ("model.safetensors", "config.json", "tokenizer.json", "record.json")


@dataclass
class Checkpoint:
    model: GPT
    tokenizer: Tokenizer
    record: dict
    path: Path
    optimizer_state: dict[str, np.ndarray] | None = None


def bundled_path(name: str) -> Path:
    """The folder of a checkpoint shipped inside the package (kaibo/checkpoints/<name>)."""
    if name not in BUNDLED:
        raise InputError("lm_checkpoint.error.bundled", name=name, known=", ".join(f"bundled:{b}" for b in BUNDLED))
    return Path(str(resources.files("kaibo") / "checkpoints" / name))


@cache
def bundled_checkpoint(lang: str) -> Checkpoint:
    """The bundled checkpoint in `lang`, loaded once per process and shared (the lessons read it, never
    train it)."""
    return load_checkpoint(f"bundled:{lang}")


def resolve(spec: str | os.PathLike) -> Path:
    text = str(spec)
    return bundled_path(text.partition(":")[2]) if text.startswith("bundled:") else Path(text)


def save_checkpoint(path: str | os.PathLike, model: GPT, tokenizer: Tokenizer, record: dict,
                    optimizer_state: dict[str, np.ndarray] | None = None) -> Path:
    """Write the folder atomically (see the module's docstring). Non-finite weights are refused and the
    old folder is kept."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    make_ordinary(staging, folder=True)
    try:
        checkpoint.save_model(model, staging / "model.safetensors", {"model": "GPT"})
        if optimizer_state:
            checkpoint.save_state_dict(optimizer_state, staging / "optimizer.safetensors")
        _write_json(staging / "config.json", json.loads(model.config.to_json()))
        _write_json(staging / "tokenizer.json", tokenizer.to_dict())
        _write_json(staging / "record.json", record)
        aside = None
        if path.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, aside / path.name)
        os.replace(staging, path)
        if aside is not None:
            shutil.rmtree(aside)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return path


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _read_json(path: Path) -> object:
    if not path.is_file():
        raise CheckpointError("lm_checkpoint.error.missing_file", path=str(path.parent), name=path.name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CheckpointError("lm_checkpoint.error.bad_json", path=str(path), detail=str(error)) from error


def load_checkpoint(spec: str | os.PathLike, with_optimizer: bool = False) -> Checkpoint:
    """Model, tokenizer and record from a checkpoint folder or "bundled:ja" / "bundled:en".

    Everything is checked before a model is returned: the files are there, the config is valid, the
    tokenizer's vocabulary matches the model's, every weight has its name and shape."""
    path = resolve(spec)
    if not path.is_dir():
        raise CheckpointError("lm_checkpoint.error.not_a_folder", path=str(path))
    config = GPTConfig.from_dict(_read_json(path / "config.json"))
    tokenizer = tokenizer_from_dict(_read_json(path / "tokenizer.json"))
    record = _read_json(path / "record.json")
    if tokenizer.vocab_size != config.vocab_size:
        raise CheckpointError("lm_checkpoint.error.vocab", path=str(path), tokenizer=tokenizer.vocab_size,
                              model=config.vocab_size)
    model = GPT(config)
    checkpoint.load_model(model, path / "model.safetensors")
    model.eval()
    optimizer_state = None
    if with_optimizer and (path / "optimizer.safetensors").is_file():
        optimizer_state = checkpoint.load_state_dict(path / "optimizer.safetensors")
    return Checkpoint(model, tokenizer, record, path, optimizer_state)
