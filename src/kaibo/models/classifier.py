"""What every image classifier of the lessons shares: `trace`, saving and loading.

A classifier writes its forward pass once, as `_forward(x, keep)`, passing each intermediate it computes
through `keep(name, tensor)`. `forward` runs it with a `keep` that does nothing; `trace` runs it with one that
records every named tensor, and — given targets — asks each of them to keep its gradient (`retain_grad`), so
one backward pass of the cross-entropy fills in ∂loss/∂(every intermediate).

That backward pass must not disturb training: a lesson may trace between two optimizer steps. So during it
the model's parameters are taken off the graph (`requires_grad` off, put back afterwards): their `.grad` is
left untouched — the same object with the same numbers, or None — and their gradients are not even computed.
Only the input (a fresh copy that requires a gradient) and what is computed from it keep gradients.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import numpy as np

from kaibo.engine import Tensor, nn
from kaibo.engine import functional as F
from kaibo.errors import CheckpointError, InputError
from kaibo.train import checkpoint

Keep = Callable[[str, Tensor], Tensor]


def _ignore(name: str, tensor: Tensor) -> Tensor:
    return tensor


class TracedClassifier(nn.Module):
    """Base of `MLPClassifier` and `DigitCNN`: inputs (B, …) → logits (B, classes).

    Subclasses set `config` (a dataclass, saved with the weights) in `__init__` and define `_forward(x, keep)`,
    taking `x` as the checked input tensor. `Config` names that dataclass, for `load`.

    `trace(x, targets)` adds ``loss`` (the mean cross-entropy) and ``grad:<name>`` for every traced name up to
    ``logits`` (``probs`` is beside the loss, not on its path). The parameters' gradients are left untouched:
    tracing between two optimizer steps changes nothing.
    """

    Config: ClassVar[type]

    def forward(self, x: Tensor | np.ndarray) -> Tensor:
        return self._forward(self._input(x), _ignore)

    def _forward(self, x: Tensor, keep: Keep) -> Tensor:
        raise NotImplementedError

    def _input(self, x: Tensor | np.ndarray) -> Tensor:
        """`x` as a Tensor of the shape `_forward` expects; subclasses check the shape here."""
        raise NotImplementedError

    def _refuse(self, x: Tensor | np.ndarray, expected: str) -> None:
        raise InputError("models.error.input_shape", model=type(self).__name__, expected=expected,
                         got=str(tuple(np.shape(x.data if isinstance(x, Tensor) else x))))

    def predict(self, x: Tensor | np.ndarray) -> np.ndarray:
        """The class with the highest score for each input, shape (B,)."""
        return self.forward(x).data.argmax(axis=1)

    def trace(self, x: Tensor | np.ndarray, targets: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Every intermediate by name, in forward order, batch axis first (the names are in the class's
        docstring); with `targets` (B,) also `loss` and `grad:<name>` = ∂loss/∂(that intermediate) for each
        name up to `logits`. The parameters' `.grad` are left untouched."""
        data = x.data if isinstance(x, Tensor) else np.asarray(x)
        record = targets is not None
        inputs = Tensor(data, requires_grad=record and data.dtype.kind == "f")
        kept: dict[str, Tensor] = {}

        def keep(name: str, tensor: Tensor) -> Tensor:
            if record:
                tensor.retain_grad()
            kept[name] = tensor
            return tensor

        params = list(self.parameters())
        required = [p.requires_grad for p in params]
        for p in params:
            p.requires_grad = False
        try:
            logits = self._forward(self._input(inputs), keep)       # (B, classes)
            probs = F.softmax(logits.detach(), dim=-1)               # beside the loss, not on its path
            out = {name: t.data.copy() for name, t in kept.items()}
            out["probs"] = probs.data
            if record:
                loss = F.cross_entropy(logits, targets)
                loss.backward()
                out["loss"] = loss.data.copy()
                out.update({"grad:" + name: t.grad.data for name, t in kept.items()})
        finally:
            for p, r in zip(params, required, strict=True):
                p.requires_grad = r
        return out

    # ---- saving and loading: the weights, and the config in the file's metadata ------------------------

    def save(self, path: str | os.PathLike) -> Path:
        """Weights and config in one safetensors file (the config as JSON in its metadata)."""
        config = json.dumps(dataclasses.asdict(self.config))
        return checkpoint.save_model(self, path, {"model": type(self).__name__, "config": config})

    @classmethod
    def load(cls, path: str | os.PathLike) -> TracedClassifier:
        """A model built from the config saved in `path`, with its weights (every name and shape checked)."""
        metadata = checkpoint.load_metadata(path)
        if metadata.get("model") != cls.__name__ or "config" not in metadata:
            raise CheckpointError("models.error.not_this_model", path=str(path), model=cls.__name__,
                                  found=metadata.get("model", "?"))
        config = json.loads(metadata["config"])
        model = cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in config.items()})
        checkpoint.load_model(model, path)
        return model
