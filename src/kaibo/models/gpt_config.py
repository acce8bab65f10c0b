"""`GPTConfig`: the numbers that fix a GPT's shape, with nanoGPT's names, checked, and saved as JSON.

A checkpoint keeps its config as `config.json` beside the weights, so a model can be rebuilt before its
weights are read, and a teacher can read the file.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from kaibo.errors import InputError

POSITIONS = ("none", "learned", "sinusoidal", "rope")


@dataclasses.dataclass(frozen=True)
class GPTConfig:
    """The shape of a GPT.

    vocab_size: V, how many different tokens there are (one row of the embedding each).
    block_size: the context, the most tokens the model reads at once.
    n_layer, n_head, n_embd: blocks, heads per attention layer, and C, the width of every token's vector
        (n_embd must be divisible by n_head; each head works on n_embd / n_head columns).
    dropout: probability of zeroing an activation during training (0 turns it off).
    bias: whether Linear and LayerNorm layers have biases (GPT-2 has them).
    pos: how the model learns where a token stands — "none", "learned" (a trained vector per position, as
        GPT-2), "sinusoidal" (fixed sine and cosine codes, as the original transformer) or "rope" (queries
        and keys rotated by their position in every layer).
    tied: whether the output head reuses the token embedding matrix (as GPT-2) instead of its own.
    """

    vocab_size: int
    block_size: int = 64
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = True
    pos: str = "learned"
    tied: bool = True

    def __post_init__(self) -> None:
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InputError("gpt.error.size", name=name, got=repr(value))
        if self.n_embd % self.n_head:
            raise InputError("gpt.error.heads", n_embd=self.n_embd, n_head=self.n_head)
        if isinstance(self.dropout, bool) or not isinstance(self.dropout, (int, float)) \
                or not 0 <= self.dropout < 1:
            raise InputError("gpt.error.dropout", got=repr(self.dropout))
        for name in ("bias", "tied"):
            if not isinstance(getattr(self, name), bool):
                raise InputError("gpt.error.flag", name=name, got=repr(getattr(self, name)))
        if self.pos not in POSITIONS:
            raise InputError("gpt.error.pos", got=repr(self.pos), expected=", ".join(POSITIONS))
        width = {"sinusoidal": self.n_embd, "rope": self.n_embd // self.n_head}.get(self.pos, 0)
        if width % 2:
            raise InputError("gpt.error.pos_width", pos=self.pos, width=width)

    @property
    def head_size(self) -> int:
        return self.n_embd // self.n_head

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> GPTConfig:
        """A config from a dict such as a config.json; unknown or missing fields are refused by name."""
        if not isinstance(values, dict):
            raise InputError("gpt.error.config_not_table", got=type(values).__name__)
        known = {field.name for field in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError("gpt.error.config_unknown", names=", ".join(unknown), known=", ".join(sorted(known)))
        if "vocab_size" not in values:
            raise InputError("gpt.error.config_missing", name="vocab_size")
        return cls(**values)

    @classmethod
    def from_json(cls, text: str) -> GPTConfig:
        try:
            values = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError("gpt.error.config_json", detail=str(error)) from error
        return cls.from_dict(values)
