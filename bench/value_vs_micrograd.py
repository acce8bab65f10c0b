"""kaibo's scalar `Value` against micrograd 0.1.0: the same MLP, data, loss and steps, timed in one run.

    .venv/bin/python bench/value_vs_micrograd.py [--steps 3]

The model is micrograd's demo: MLP(2, 16, 16, 1) on 100 two-moons points, SVM max-margin loss plus L2,
full batch, SGD with a decaying learning rate. Both networks start from the *same* weights (kaibo's are
copied into micrograd's), so their losses must agree step by step; only the engine differs.

One step = forward + backward + update, timed with `time.perf_counter`; the median of the steps is
reported. Python's cycle collector stays on, as in any training script. micrograd's closures refer to
their own node, so each step's graph is garbage only the collector can free, and the collector takes most
of micrograd's step. kaibo's graph has no cycles and is freed by reference counting the moment the step
ends; the collector still runs while a graph is being built (it cannot know there are no cycles) and
scans the live nodes, which is most of what remains of kaibo's step. The last lines show both engines
with the collector off.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import micrograd.nn
import numpy as np

from kaibo.engine.scalar_nn import MLP


def two_moons(n: int, noise: float, seed: int) -> tuple[list[list[float]], list[float]]:
    """Two interleaving half circles (as sklearn's make_moons), labels -1 and +1."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, np.pi, n // 2)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)               # (n/2, 2)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)   # (n/2, 2)
    x = np.concatenate([upper, lower]) + rng.normal(0.0, noise, (n, 2))
    y = np.concatenate([-np.ones(n // 2), np.ones(n // 2)])
    return x.tolist(), y.tolist()


def loss_and_accuracy(model, xs: list[list[float]], ys: list[float]):
    """micrograd's demo loss, written once and used for both engines (they share the operators)."""
    scores = [model(x) for x in xs]
    margins = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
    data_loss = sum(margins) * (1.0 / len(margins))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    accuracy = sum((y > 0) == (s.data > 0) for y, s in zip(ys, scores, strict=True)) / len(ys)
    return data_loss + reg_loss, accuracy


def sgd_step(model, xs: list[list[float]], ys: list[float], k: int) -> tuple[float, float]:
    """One training step (forward, backward, update); returns the loss and accuracy before the update.

    The graph lives only inside this function, as in any training loop: kaibo's is freed when it returns,
    micrograd's waits for the cycle collector.
    """
    loss, accuracy = loss_and_accuracy(model, xs, ys)
    model.zero_grad()
    loss.backward()
    lr = 1.0 - 0.9 * k / 100             # micrograd's demo schedule
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data, accuracy


def train(model, xs, ys, first: int, steps: int) -> tuple[list[float], list[float], float]:
    """Steps `first` … `first + steps - 1`; returns each step's seconds and loss, and the last accuracy."""
    times, losses, accuracy = [], [], 0.0
    gc.collect()                         # start clean: no garbage left over from the other engine
    for k in range(first, first + steps):
        start = time.perf_counter()
        loss, accuracy = sgd_step(model, xs, ys, k)
        times.append(time.perf_counter() - start)
        losses.append(loss)
    return times, losses, accuracy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3, help="steps per engine in each of 2 rounds (default 3)")
    steps = parser.parse_args().steps

    xs, ys = two_moons(100, noise=0.1, seed=1)
    kaibo_model = MLP(2, [16, 16, 1], seed=1337)
    micro_model = micrograd.nn.MLP(2, [16, 16, 1])
    for mine, theirs in zip(kaibo_model.parameters(), micro_model.parameters(), strict=True):
        theirs.data = mine.data
    models = {"micrograd 0.1.0": micro_model, "kaibo.engine.scalar.Value": kaibo_model}
    print(f"MLP(2, 16, 16, 1): {len(kaibo_model.parameters())} parameters, 100 two-moons points, "
          f"2 rounds of {steps} full-batch steps per engine\n")

    # Two rounds, the engines taking turns, so a change in the machine's load hits both.
    times = {name: [] for name in models}
    losses = {name: [] for name in models}
    accuracy = {}
    for round_ in range(2):
        for name, model in models.items():
            t, loss, accuracy[name] = train(model, xs, ys, round_ * steps, steps)
            times[name] += t
            losses[name] += loss

    median = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"{name:<27} median step {median[name] * 1e3:7.1f} ms   (steps: "
              + ", ".join(f"{s * 1e3:.0f}" for s in t) + " ms)")
    t_micro, t_kaibo = median.values()
    print(f"\nkaibo / micrograd = {t_kaibo / t_micro:.3f}   (kaibo {t_micro / t_kaibo:.1f}× faster)")

    loss_micro, loss_kaibo = losses.values()
    print("\nloss per step     micrograd         kaibo")
    for k, (a, b) in enumerate(zip(loss_micro, loss_kaibo, strict=True)):
        print(f"  step {k:<3}   {a:.12f}   {b:.12f}")
    print("accuracy at the last step: " + ", ".join(f"{name} {a:.0%}" for name, a in accuracy.items()))
    gap = max(abs(a - b) for a, b in zip(loss_micro, loss_kaibo, strict=True))
    print(f"largest loss difference: {gap:.1e}" + ("" if gap < 1e-9 else "   <-- the engines disagree"))

    # Where the time goes: one more step of each with the cycle collector off.
    gc.disable()
    off = {name: train(model, xs, ys, 2 * steps, 1)[0][0] for name, model in models.items()}
    gc.enable()
    print()
    for name, seconds in off.items():
        print(f"{name}: {seconds * 1e3:.0f} ms with the cycle collector off "
              f"(the collector takes about {1 - seconds / median[name]:.0%} of its step)")


if __name__ == "__main__":
    main()
