"""Saving and loading weights as safetensors files: plain named arrays, never pickle.

A pickle file can run any code when it is opened; a safetensors file is a JSON header plus raw numbers, so
opening a stranger's checkpoint is safe. Writes are atomic: the new file is written beside the old one and
renamed over it only when complete, so a crash or a refused save never leaves a half-written checkpoint.
Reads are checked before anything is changed: a corrupt file, a missing or extra tensor, a wrong shape or a
non-finite number is refused with a message that names the tensor, and the model keeps its weights.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import load_file, save_file

from kaibo.atomic import make_ordinary
from kaibo.engine.nn import Module
from kaibo.errors import CheckpointError


def save_state_dict(state_dict: Mapping[str, np.ndarray], path: str | os.PathLike,
                    metadata: Mapping[str, str] | None = None) -> Path:
    """Write `state_dict` to `path` atomically. Refuses (and keeps any old file) if a tensor is not finite."""
    path = Path(path)
    for name, array in state_dict.items():
        if not np.all(np.isfinite(array)):
            raise CheckpointError("checkpoint.error.not_finite", name=name, path=str(path))
    arrays = {name: np.ascontiguousarray(array) for name, array in state_dict.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        save_file(arrays, temporary, metadata=dict(metadata) if metadata else None)
        make_ordinary(temporary)
        os.replace(temporary, path)          # the rename is atomic: readers see the old file or the new one
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def load_state_dict(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read every tensor of a safetensors file; a missing, corrupt or non-finite file is refused."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError("checkpoint.error.missing", path=str(path))
    try:
        arrays = load_file(path)
    except (SafetensorError, OSError, ValueError) as error:
        damaged = _first_tensor_past_the_end(path)
        if damaged:
            raise CheckpointError("checkpoint.error.truncated", name=damaged, path=str(path)) from error
        raise CheckpointError("checkpoint.error.corrupt", path=str(path), detail=str(error)) from error
    for name, array in arrays.items():
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise CheckpointError("checkpoint.error.not_finite", name=name, path=str(path))
    return arrays


def load_metadata(path: str | os.PathLike) -> dict[str, str]:
    """The strings saved beside the tensors (`save_state_dict`'s `metadata`); {} when there are none."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError("checkpoint.error.missing", path=str(path))
    try:
        with safe_open(path, framework="np") as file:
            return dict(file.metadata() or {})
    except (SafetensorError, OSError, ValueError) as error:
        raise CheckpointError("checkpoint.error.corrupt", path=str(path), detail=str(error)) from error


def _first_tensor_past_the_end(path: Path) -> str | None:
    """The first tensor whose bytes the file does not contain (a cut-off download or copy), if any.

    A safetensors file is an 8-byte little-endian header length, a JSON header giving each tensor's byte
    range in the data that follows, then the data.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header_size = int.from_bytes(file.read(8), "little")
            if header_size > size - 8:
                return None
            header = json.loads(file.read(header_size))
        data_size = size - 8 - header_size
        ranges = {name: entry["data_offsets"] for name, entry in header.items() if name != "__metadata__"}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    past = [name for name, (start, end) in sorted(ranges.items(), key=lambda item: item[1][0]) if end > data_size]
    return past[0] if past else None


def save_model(model: Module, path: str | os.PathLike, metadata: Mapping[str, str] | None = None) -> Path:
    return save_state_dict(model.state_dict(), path, metadata)


def load_model(model: Module, path: str | os.PathLike) -> None:
    """Load a checkpoint into `model`, after checking every name and shape against the model's own."""
    arrays = load_state_dict(path)
    expected = model.state_dict()
    for name, array in expected.items():
        if name not in arrays:
            raise CheckpointError("checkpoint.error.missing_tensor", name=name, path=str(path))
        if arrays[name].shape != array.shape:
            raise CheckpointError("checkpoint.error.shape", name=name, path=str(path),
                                  found=str(arrays[name].shape), expected=str(array.shape))
    for name in arrays:
        if name not in expected:
            raise CheckpointError("checkpoint.error.unexpected_tensor", name=name, path=str(path))
    model.load_state_dict(arrays)
