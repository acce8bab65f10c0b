"""Timing two implementations of the same step side by side in one run, fairly.

Alternating single steps is not fair on a 2-core machine: after NumPy's step, OpenBLAS's worker threads keep
spinning for a while, and PyTorch's own thread pool then competes with them (measured: PyTorch's GPT step
took 139 ms alternated step by step against 41 ms run alone). So the steps run in blocks: `block` steps of
one, then `block` of the next, the first `settle` steps of each block untimed while the other library's
threads go quiet; blocks alternate `rounds` times, so slow drifts of the machine still hit every side alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def race(steps: dict[str, Callable[[], float]], rounds: int = 4, block: int = 8, settle: int = 2
         ) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Median seconds per step of each; and the losses of the first three steps, which must agree if both
    sides really compute the same thing."""
    losses = {name: [step() for _ in range(3)] for name, step in steps.items()}   # also warms caches
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            for k in range(block):
                start = time.perf_counter()
                step()
                if k >= settle:
                    times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}, losses
