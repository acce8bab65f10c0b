"""A small real network for lesson 2: the patients' data of lesson 1 (BMI → disease progression a year later,
`kaibo.data.load_bmi_progression`), fitted by 1 input → H tanh units → 1 output instead of a line.

    hidden = tanh(x W₁ᵀ + b₁)      (B, H)
    y_hat  = hidden W₂ᵀ + b₂       (B, 1)
    loss   = mean((y_hat − y)²)    over the 442 patients

N = 3H + 1 numbers in all. It is written with the engine's functions on a dictionary of parameters, not as a
`Module`: every caller gets its own copy of the weights, so two pages working at once never share one, and
the engine's random generator is never touched (the weights come from a generator of their own, seeded).

The lesson differentiates this loss three ways: with respect to one weight as a function of one number
(`weight_function`), with respect to all N numbers for the gradient check, and for networks of growing H
to measure what each way of differentiating costs (`kaibo.train.gradient_cost`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

import kaibo.engine.functional as F
from kaibo.data import load_bmi_progression
from kaibo.engine import Tensor, no_grad
from kaibo.engine.gradcheck import ScalarFunction

HIDDEN = 8  # the network of the one-weight example and of the gradient check: N = 25


@cache
def _initial_weights(hidden: int, seed: int) -> dict[str, np.ndarray]:
    """PyTorch's initialisation for a Linear layer (uniform in ±1/√fan_in), float64, read-only: copied by
    every network made from it."""
    rng = np.random.default_rng(seed)
    weights = {"w1": rng.uniform(-1.0, 1.0, (hidden, 1)), "b1": rng.uniform(-1.0, 1.0, (hidden,)),
               "w2": rng.uniform(-1, 1, (1, hidden)) / math.sqrt(hidden),
               "b2": rng.uniform(-1, 1, (1,)) / math.sqrt(hidden)}
    for array in weights.values():
        array.flags.writeable = False
    return weights


@cache
def _patients(dtype: str) -> tuple[np.ndarray, np.ndarray]:
    data = load_bmi_progression()
    return data.x.reshape(-1, 1).astype(dtype), data.y.reshape(-1, 1).astype(dtype)   # (442, 1) each


@dataclass
class PatientsNetwork:
    """The network's parameters (each a leaf that requires a gradient) and the data, in one dtype."""

    params: dict[str, Tensor]
    x: Tensor
    y: Tensor

    def loss(self) -> Tensor:
        """Mean squared error of the network on the 442 patients: one forward pass."""
        p = self.params
        hidden = F.linear(self.x, p["w1"], p["b1"]).tanh()                 # (442, H)
        return F.mse_loss(F.linear(hidden, p["w2"], p["b2"]), self.y)      # (442, 1) → one number

    @property
    def num_parameters(self) -> int:
        return sum(p.data.size for p in self.params.values())


def make_network(hidden: int = HIDDEN, dtype: str = "float64", seed: int = 0) -> PatientsNetwork:
    """A fresh network with `hidden` tanh units, its weights as initialised with `seed`, in `dtype`."""
    params = {name: Tensor(w.astype(dtype), requires_grad=True) for name, w in _initial_weights(hidden, seed).items()}
    x, y = _patients(dtype)
    return PatientsNetwork(params, Tensor(x), Tensor(y))


def weight_function(name: str = "w1", index: tuple[int, ...] = (0, 0), hidden: int = HIDDEN
                    ) -> tuple[Callable[[str], ScalarFunction], Callable[[float], float]]:
    """The loss as a function of one weight, every other weight held where it is.

    Returns `value(dtype)`, which gives f(w) computed in that dtype (a network of its own), and
    `derivative(w)`, f'(w) by backpropagation in float64.
    """
    def value(dtype: str) -> ScalarFunction:
        net = make_network(hidden, dtype)

        def f(w: np.floating) -> np.floating:
            net.params[name].data[index] = w
            with no_grad():
                return net.loss().data[()]
        return f

    def derivative(w: float) -> float:
        net = make_network(hidden, "float64")
        net.params[name].data[index] = w
        net.loss().backward()
        return float(net.params[name].grad.data[index])

    return value, derivative
