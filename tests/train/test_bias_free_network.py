"""A network with no bias anywhere: exactly ½ at the origin when the activation keeps 0 at 0 (not sigmoid's),
and the symmetries that ReLU and tanh force on it, measured on briefly trained networks."""

from __future__ import annotations

import pytest

from kaibo.data.toy2d import make_points
from kaibo.train.bias_free_network import agreement, at_origin, symmetry_gaps, train_on_points

POINTS = make_points("blobs", 60, 0.1, 0, shift=(2.0, 2.0))


@pytest.mark.parametrize(("activation", "bias", "stuck"), [
    ("relu", False, True), ("tanh", False, True), ("gelu", False, True),
    ("sigmoid", False, False),   # σ(0) = ½: the second layer gets a constant input, a bias in all but name
    ("relu", True, False), ("tanh", True, False),
])
def test_the_output_at_the_origin(activation, bias, stuck) -> None:
    model = train_on_points(POINTS, activation=activation, bias=bias, hidden=(8, 8), steps=20)
    origin = at_origin(model)
    assert list(origin) == ["layer0.linear", "layer0.act", "layer1.linear", "layer1.act", "logits", "p1"]
    assert (origin["logits"] == 0.0) == stuck
    assert (origin["p1"] == 0.5) == stuck
    assert origin["layer0.linear"] == (0.0 if not bias else pytest.approx(origin["layer0.linear"]))


@pytest.mark.parametrize(("activation", "bias", "ray", "mirror"), [
    ("relu", False, True, False),    # logits(2x) = 2·logits(x): one class along each ray
    ("tanh", False, False, True),    # logits(−x) = −logits(x): opposite classes at x and −x
    ("gelu", False, False, False),
    ("relu", True, False, False),
])
def test_the_symmetries_without_bias(activation, bias, ray, mirror) -> None:
    model = train_on_points(POINTS, activation=activation, bias=bias, hidden=(8, 8), steps=20)
    gaps, agree = symmetry_gaps(model, POINTS.x), agreement(model, POINTS.x)
    assert (gaps["ray"] == 0.0) == ray and (gaps["mirror"] == 0.0) == mirror
    if ray:
        assert agree["ray"] == 1.0
    if mirror:
        assert agree["mirror"] == 1.0


def test_the_same_seed_trains_the_same_network() -> None:
    first, second = (at_origin(train_on_points(POINTS, activation="tanh", bias=True, hidden=(4,), steps=5))
                     for _ in range(2))
    assert first == second
