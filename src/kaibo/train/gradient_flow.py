"""How the loss's gradient changes size as backpropagation carries it from the output to the first layer of
a deep network, at its starting weights (lesson 5).

Hidden layer i computes zᵢ = Wᵢ aᵢ₋₁ + bᵢ (the pre-activation) and aᵢ = f(zᵢ). Backwards, the chain rule
takes the gradient through each layer in two steps:

    ∂L/∂zᵢ   = f'(zᵢ) ⊙ ∂L/∂aᵢ          through the activation: every entry times the slope f' where it stands
    ∂L/∂aᵢ₋₁ = Wᵢᵀ ∂L/∂zᵢ               through the weights

so from the last hidden layer back to the first the gradient is multiplied by one factor per step of each
kind. The sigmoid's slope σ'(z) = σ(z)(1 − σ(z)) is at most ¼ (at z = 0), so its step through the activation
shrinks the gradient to at most a quarter; but the step through the weights can grow or shrink it, and by
how much depends on their scale. `GradientFlow` measures both factors layer by layer, so neither story
("the activation", "the initialisation") is told without the other.

`scaled_network` builds the network from the engine's default start (PyTorch's: each weight uniform in
±1/√fan_in) with every weight matrix multiplied by a `gain`: 1 is that default; √3 ≈ 1.73 is Glorot's
uniform start for these square layers; √6 ≈ 2.45 is He's, made for ReLU, which zeroes about half of each
layer's inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kaibo.engine import Tensor, manual_seed
from kaibo.models.mlp_classifier import ACTIVATIONS, MLPClassifier

NONLINEAR = ("sigmoid", "tanh", "relu", "gelu")


def scaled_network(activation: str, depth: int, width: int = 32, gain: float = 1.0, seed: int = 0,
                   in_features: int = 2, classes: int = 2) -> MLPClassifier:
    """An `MLPClassifier` with `depth` hidden layers of `width`, started from `seed`, every weight matrix
    (the output layer's too) multiplied by `gain`; the biases are left at their default start."""
    manual_seed(seed)
    model = MLPClassifier(in_features, (width,) * depth, classes, activation)
    for layer in [*model.hidden, model.out]:
        layer.weight.data *= np.float32(gain)
    return model


def curve(activation: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(z) and f'(z) at every z, as the engine computes them: f'(z) is what its backward pass multiplies the
    gradient by there (for ReLU at z = 0 exactly, 0, as PyTorch's)."""
    t = Tensor(np.asarray(z, dtype=np.float64), requires_grad=True)
    y = ACTIVATIONS[activation](t)
    y.sum().backward()
    return y.data, t.grad.data


def derivative(activation: str, z: np.ndarray) -> np.ndarray:
    """f'(z) at every z, from `curve`."""
    return curve(activation, z)[1]


@dataclass(frozen=True)
class GradientFlow:
    """One backward pass through a network at its start, layer by layer from the input side (layer 1 first
    in the text; index 0 here). Each array is (depth, B, width).

    pre: the pre-activations zᵢ; slope: f'(zᵢ); grad: ∂L/∂aᵢ, the gradient at each layer's output;
    grad_pre: ∂L/∂zᵢ. The loss L is the mean cross-entropy over the B inputs.
    """

    activation: str
    gain: float
    pre: np.ndarray
    slope: np.ndarray
    grad: np.ndarray
    grad_pre: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.pre)

    @property
    def norms(self) -> np.ndarray:
        """‖∂L/∂aᵢ‖ for each layer (all inputs and units together), shape (depth,)."""
        return np.sqrt((self.grad.astype(np.float64) ** 2).sum(axis=(1, 2)))

    @property
    def through_activation(self) -> np.ndarray:
        """‖∂L/∂zᵢ‖ / ‖∂L/∂aᵢ‖: what multiplying by f'(zᵢ) did to the gradient's size, per layer (depth,)."""
        return np.sqrt((self.grad_pre.astype(np.float64) ** 2).sum(axis=(1, 2))) / self.norms

    @property
    def through_weights(self) -> np.ndarray:
        """‖∂L/∂aᵢ₋₁‖ / ‖∂L/∂zᵢ‖: what multiplying by Wᵢᵀ did, for layers 2 … depth (depth − 1,)."""
        pre_norms = np.sqrt((self.grad_pre.astype(np.float64) ** 2).sum(axis=(1, 2)))
        return self.norms[:-1] / pre_norms[1:]

    @property
    def shrink(self) -> float:
        """‖∂L/∂a₁‖ / ‖∂L/∂a_depth‖: the first layer's gradient over the last's. It is the product of every
        factor above, through the activation and through the weights, from the last layer back to the first."""
        return float(self.norms[0] / self.norms[-1])

    @property
    def per_layer(self) -> float:
        """The average factor of one layer back, as a geometric mean: shrink^(1/(depth − 1))."""
        return self.shrink ** (1.0 / (self.depth - 1)) if self.depth > 1 else 1.0

    @property
    def dead_units(self) -> np.ndarray:
        """Per layer, the units whose slope is 0 for every input (a ReLU unit with z ≤ 0 everywhere): no
        gradient reaches their incoming weights at all, so gradient descent cannot revive them. (depth,)."""
        return (self.slope == 0).all(axis=1).sum(axis=1)

    def histogram(self, values: str, edges: np.ndarray, log: bool = False) -> np.ndarray:
        """Counts per layer (depth, len(edges) − 1) of `values` ("pre", "slope", "grad" or "grad_pre") in
        the bins `edges`; with `log`, of log₁₀|value|, zeros left out (`zeros` counts them)."""
        data = getattr(self, values).reshape(self.depth, -1).astype(np.float64)
        if log:
            data = np.log10(np.abs(data), out=np.full_like(data, np.nan), where=data != 0)
        return np.stack([np.histogram(row[~np.isnan(row)], bins=edges)[0] for row in data])

    def zeros(self, values: str) -> np.ndarray:
        """How many entries of `values` are exactly 0 in each layer, (depth,)."""
        return (getattr(self, values).reshape(self.depth, -1) == 0).sum(axis=1)


def gradient_flow(x: np.ndarray, y: np.ndarray, activation: str, depth: int, width: int = 32,
                  gain: float = 1.0, seed: int = 0) -> GradientFlow:
    """The gradient of the mean cross-entropy on inputs x (B, in) with labels y (B,) at every hidden layer of
    `scaled_network(activation, depth, width, gain, seed)`, from one backward pass (`MLPClassifier.trace`)."""
    classes = max(2, int(y.max()) + 1)
    model = scaled_network(activation, depth, width, gain, seed, in_features=x.shape[1], classes=classes)
    trace = model.trace(x, y)
    pre = np.stack([trace[f"layer{i}.linear"] for i in range(depth)])          # (depth, B, width)
    return GradientFlow(activation, gain, pre, derivative(activation, pre),
                        np.stack([trace[f"grad:layer{i}.act"] for i in range(depth)]),
                        np.stack([trace[f"grad:layer{i}.linear"] for i in range(depth)]))


def gain_sweep(x: np.ndarray, y: np.ndarray, activations: tuple[str, ...], gains: tuple[float, ...], depth: int,
               width: int = 32, seed: int = 0) -> dict[str, np.ndarray]:
    """`GradientFlow.per_layer` for each activation at each gain, (len(gains),) per activation: where it
    crosses 1 the gradient neither shrinks nor grows on its way back."""
    return {activation: np.array([gradient_flow(x, y, activation, depth, width, gain, seed).per_layer
                                  for gain in gains]) for activation in activations}


def steady_gain(gains: tuple[float, ...], factors: np.ndarray) -> float | None:
    """The gain at which the factor per layer first reaches 1, going up the sweep (interpolated on log–log
    axes between the two gains around it); None if it stays below 1, or starts above it."""
    logs, over = np.log(np.asarray(factors, dtype=np.float64)), np.nonzero(np.asarray(factors) >= 1.0)[0]
    if not len(over) or over[0] == 0:
        return None
    k = int(over[0])
    lo, hi = np.log(gains[k - 1]), np.log(gains[k])
    return float(np.exp(lo + (hi - lo) * (0.0 - logs[k - 1]) / (logs[k] - logs[k - 1])))
