"""Whether operations record a graph for backpropagation.

Inside `with no_grad():` results carry no graph: evaluation and parameter updates need no gradients, and
recording them would only cost memory. Same name and meaning as `torch.no_grad`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

_enabled = True


def is_grad_enabled() -> bool:
    return _enabled


@contextmanager
def no_grad() -> Iterator[None]:
    """Operations inside this block are not recorded for backward()."""
    global _enabled
    previous, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = previous
