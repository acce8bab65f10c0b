"""Whether operations record a graph for backpropagation.

Inside `with no_grad():` results carry no graph: evaluation and parameter updates need no gradients, and
recording them would only cost memory. Same name and meaning as `torch.no_grad`.

The switch belongs to the thread that flips it, as in PyTorch: the lab runs each learner's page in a thread
of one process, and one page evaluating under `no_grad` must not take the graph away from another page that
is in the middle of a forward pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_state = threading.local()


def is_grad_enabled() -> bool:
    return getattr(_state, "enabled", True)


@contextmanager
def no_grad() -> Iterator[None]:
    """Operations inside this block (in this thread) are not recorded for backward()."""
    previous, _state.enabled = is_grad_enabled(), False
    try:
        yield
    finally:
        _state.enabled = previous
