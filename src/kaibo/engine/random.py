"""The engine's one source of randomness (initial weights, dropout masks, `randn`).

`manual_seed(s)` makes every later draw repeatable, like `torch.manual_seed`: a lesson that sets the seed
shows the same numbers to every learner.
"""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng(0)


def manual_seed(seed: int) -> None:
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    return _generator
