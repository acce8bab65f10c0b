"""The gradient's size layer by layer at the start: the slopes are the engine's, the two factors per layer
multiply to the whole change, and what the weights' scale does to each activation, measured."""

import math

import numpy as np
import pytest

from kaibo.data.toy2d import make_points
from kaibo.engine import manual_seed
from kaibo.models.mlp_classifier import MLPClassifier
from kaibo.train.gradient_flow import derivative, gain_sweep, gradient_flow, scaled_network, steady_gain

POINTS = make_points("spirals", 200, 0.1, 0)
Z = np.linspace(-6, 6, 241)
C = math.sqrt(2 / math.pi)


def sigma(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def gelu(z: np.ndarray) -> np.ndarray:
    return 0.5 * z * (1 + np.tanh(C * (z + 0.044715 * z ** 3)))


@pytest.mark.parametrize(("activation", "expected"), [
    ("sigmoid", lambda z: sigma(z) * (1 - sigma(z))),
    ("tanh", lambda z: 1 - np.tanh(z) ** 2),
    ("relu", lambda z: (z > 0).astype(float)),
    ("gelu", lambda z: (gelu(z + 1e-6) - gelu(z - 1e-6)) / 2e-6),
    ("none", lambda z: np.ones_like(z)),
])
def test_the_slope_is_the_derivative(activation: str, expected) -> None:
    np.testing.assert_allclose(derivative(activation, Z), expected(Z), atol=1e-7)


def test_the_sigmoid_slope_is_at_most_a_quarter_at_zero() -> None:
    slopes = derivative("sigmoid", Z)
    assert slopes.max() == 0.25 and Z[slopes.argmax()] == 0.0


def test_the_gain_multiplies_the_default_weights() -> None:
    manual_seed(3)
    default = MLPClassifier(2, (8, 8), 2, "tanh")
    scaled = scaled_network("tanh", 2, width=8, gain=2.5, seed=3)
    for (name, a), (_, b) in zip(default.named_parameters(), scaled.named_parameters(), strict=True):
        np.testing.assert_allclose(b.data, a.data * (2.5 if name.endswith("weight") else 1.0), rtol=1e-6)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "gelu"])
def test_the_chain_rule_step_by_step(activation: str) -> None:
    flow = gradient_flow(POINTS.x, POINTS.y, activation, depth=5, width=16, gain=1.7)
    assert flow.pre.shape == flow.grad.shape == (5, 200, 16)
    # through the activation: ∂L/∂z = f'(z) ⊙ ∂L/∂a
    np.testing.assert_allclose(flow.grad_pre, flow.slope * flow.grad, rtol=1e-4, atol=1e-10)
    # the two factors of every step back multiply to the whole change from the last layer to the first
    steps = flow.through_weights * flow.through_activation[1:]
    assert flow.shrink == pytest.approx(float(np.prod(steps)), rel=1e-9)
    assert flow.per_layer ** 4 == pytest.approx(flow.shrink)
    if activation == "sigmoid":
        assert flow.through_activation.max() <= 0.25


# (activation, gain, lowest and highest average factor per layer back) at 8 layers of 32 on the spirals
@pytest.mark.parametrize(("activation", "gain", "low", "high"), [
    ("sigmoid", 1.0, 0.0, 0.3),      # vanishes at the default scale…
    ("sigmoid", 2.5, 0.0, 0.5),      # …and still at He's: ¼ from σ' every layer
    ("relu", 1.0, 0.0, 0.6),         # ReLU vanishes too at the default scale
    ("relu", 2.5, 0.8, 1.25),        # at He's scale it neither vanishes nor explodes
    ("relu", 8.0, 2.0, math.inf),    # too large: it explodes
    ("tanh", 0.5, 0.0, 0.5),
    ("tanh", 2.5, 0.8, 1.25),
])
def test_what_the_scale_does(activation: str, gain: float, low: float, high: float) -> None:
    assert low < gradient_flow(POINTS.x, POINTS.y, activation, depth=8, gain=gain).per_layer < high


def test_dead_units_get_no_gradient() -> None:
    relu = gradient_flow(POINTS.x, POINTS.y, "relu", depth=8)
    dead = relu.dead_units
    assert dead.sum() > 0 and dead.max() <= 32
    layer = int(np.argmax(dead))
    silent = (relu.slope[layer] == 0).all(axis=0)
    np.testing.assert_array_equal(relu.grad_pre[layer][:, silent], 0.0)
    assert gradient_flow(POINTS.x, POINTS.y, "tanh", depth=8).dead_units.sum() == 0


def test_histograms_count_every_entry() -> None:
    flow = gradient_flow(POINTS.x, POINTS.y, "relu", depth=3, width=8)
    counts = flow.histogram("grad_pre", np.linspace(-12, 2, 57), log=True)
    assert counts.shape == (3, 56)
    np.testing.assert_array_equal(counts.sum(axis=1) + flow.zeros("grad_pre"), 200 * 8)
    assert flow.histogram("pre", np.linspace(-50, 50, 11)).sum() == 3 * 200 * 8


@pytest.mark.parametrize(("factors", "expected"), [
    ((0.5, 2.0), 2.0),               # halfway on log axes between gains 1 and 4
    ((0.25, 0.5, 1.0), 16.0),        # reached exactly at a gain of the sweep
    ((0.1, 0.2, 0.4), None),         # never
    ((1.5, 2.0, 3.0), None),         # already above at the smallest gain
])
def test_the_steady_gain(factors: tuple, expected: float | None) -> None:
    found = steady_gain((1.0, 4.0, 16.0)[:len(factors)], np.array(factors))
    assert found == (None if expected is None else pytest.approx(expected))


def test_relu_is_steady_near_hes_gain() -> None:
    gains = (1.0, 1.6, 2.0, 2.5, 3.2, 4.0)
    sweep = gain_sweep(POINTS.x, POINTS.y, ("relu", "sigmoid"), gains, depth=8)
    assert 2.0 < steady_gain(gains, sweep["relu"]) < 3.2       # He's √6 ≈ 2.45
    assert steady_gain(gains, sweep["sigmoid"]) is None
