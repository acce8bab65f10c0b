"""A multilayer perceptron built from scalar `Value`s: every weight and every product is a node you can see.

It is slow (one Python object per multiplication), but nothing is hidden: a neuron is ``w·x + b``
written out as a sum of products, and ``loss.backward()`` reaches every weight through the graph.
The names follow PyTorch (`parameters`, `zero_grad`) so the habits carry over.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from kaibo.engine.scalar import Number, Value


class Module:
    """Something with parameters: `parameters()` lists them, `zero_grad()` resets their gradients."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        # backward() adds into .grad (see Value), so each training step starts from zero.
        for p in self.parameters():
            p.grad = 0.0


class Neuron(Module):
    """One neuron: ``relu(w·x + b)``, or just ``w·x + b`` when ``nonlin`` is False.

    Parameters
    ----------
    nin : int
        How many inputs it takes.
    nonlin : bool
        Apply ReLU to the sum (True) or return it unchanged (False, for an output layer).
    rng : random.Random
        Where the initial weights come from.

    Notes
    -----
    Weights and bias start uniform in ``[-1/√nin, 1/√nin]``, as in PyTorch's ``nn.Linear``: the sum of
    ``nin`` such terms keeps roughly the size of one input, layer after layer.
    """

    def __init__(self, nin: int, nonlin: bool, rng: random.Random) -> None:
        bound = 1.0 / math.sqrt(nin)
        self.w = [Value(rng.uniform(-bound, bound)) for _ in range(nin)]
        self.b = Value(rng.uniform(-bound, bound))
        self.nonlin = nonlin

    def __call__(self, x: Sequence[Value | Number]) -> Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]


class Layer(Module):
    """``nout`` neurons that all read the same inputs; returns a list of ``nout`` Values.

    Parameters
    ----------
    nin, nout : int
        Inputs per neuron, and how many neurons.
    nonlin : bool
        Passed to every `Neuron`.
    rng : random.Random
        Where the initial weights come from.
    """

    def __init__(self, nin: int, nout: int, nonlin: bool, rng: random.Random) -> None:
        self.neurons = [Neuron(nin, nonlin, rng) for _ in range(nout)]

    def __call__(self, x: Sequence[Value | Number]) -> list[Value]:
        return [n(x) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]


class MLP(Module):
    """Layers one after another: ReLU after each hidden layer, none after the last.

    Parameters
    ----------
    nin : int
        Size of the input.
    nouts : sequence of int
        Width of each layer; ``MLP(2, [16, 16, 1])`` is 2 → 16 → 16 → 1.
    seed : int
        Seed for the initial weights: the same seed gives the same network.

    Notes
    -----
    With a single output the call returns that Value itself, not a list of one, so a score can be used
    directly in a loss (as in micrograd).
    """

    def __init__(self, nin: int, nouts: Sequence[int], seed: int = 0) -> None:
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin=i < len(nouts) - 1, rng=rng) for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Value | Number]) -> Value | list[Value]:
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]
