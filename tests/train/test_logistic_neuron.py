"""One neuron with and without its bias: the hand-written gradient against PyTorch's autograd and a central
difference, the stable loss, training that keeps b at 0 without a bias, and the bias as a weight on a
constant input 1."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from kaibo.data.toy2d import make_points
from kaibo.train.logistic_neuron import (
    cross_entropy,
    neuron_forward,
    neuron_gradients,
    numeric_bias_gradient,
    sigmoid,
    train_neuron,
    with_constant_input,
)

FAR = make_points("blobs", 200, 0.1, 0, shift=(1.5, 1.0))


@pytest.mark.parametrize(("shift", "w", "b"), [
    ((0.0, 0.0), (1.0, -1.0), 0.0),
    ((1.5, 1.0), (0.3, 2.0), -1.5),
    ((-2.0, 3.0), (-4.0, 0.5), 7.0),   # confident scores: p near 0 and 1
])
def test_the_gradient_by_hand_is_autograd_s(shift, w, b) -> None:
    points = make_points("blobs", 50, 0.1, 1, shift=shift)
    x, y = points.x.astype(np.float64), points.y.astype(np.float64)
    z, p = neuron_forward(np.array(w), b, x)
    grad_w, grad_b = neuron_gradients(x, y, p)

    tw, tb = torch.tensor(w, dtype=torch.float64, requires_grad=True), torch.tensor(b, dtype=torch.float64,
                                                                                     requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(x) @ tw + tb, torch.tensor(y))
    loss.backward()
    assert cross_entropy(z, y) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(grad_w, tw.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert grad_b == pytest.approx(tb.grad.item(), rel=1e-12, abs=1e-15)
    assert grad_b == pytest.approx(float(np.mean(p - y)))  # the mean error, as the lesson says
    assert numeric_bias_gradient(x, y, np.array(w), b) == pytest.approx(grad_b, abs=1e-8)


@pytest.mark.parametrize("z", [-1000.0, -40.0, 0.0, 40.0, 1000.0])
def test_the_loss_and_sigmoid_stay_finite_and_exact_at_any_score(z) -> None:
    assert 0.0 <= sigmoid(np.array(z)) <= 1.0
    expected = float(torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor([z], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64)))
    assert cross_entropy(np.array([z]), np.array([1.0])) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_without_a_bias_b_stays_zero_and_the_border_stays_at_the_origin(optimizer) -> None:
    run = train_neuron(FAR.x, FAR.y, bias=False, optimizer=optimizer, lr=0.1, steps=30)
    assert run.steps == 30 and run.w.shape == (31, 2)
    assert np.all(run.b == 0.0) and all(run.distance(s) == 0.0 for s in range(31))
    # The pull a bias would feel stays: the errors never balance.
    assert abs(run.grad_b[-1]) > 0.1


def test_with_a_bias_the_errors_balance_and_the_border_leaves_the_origin() -> None:
    run = train_neuron(FAR.x, FAR.y, bias=True, optimizer="sgd", lr=0.5, steps=200)
    pinned = train_neuron(FAR.x, FAR.y, bias=False, optimizer="sgd", lr=0.5, steps=200)
    assert run.accuracy[-1] == 1.0 and run.accuracy[0] < 0.7 and pinned.accuracy[-1] < 0.9
    assert abs(run.grad_b[-1]) < 0.2 * abs(pinned.grad_b[-1])
    assert run.distance(200) > 1.0 and run.b[-1] < 0
    assert run.loss[-1] < run.loss[0]


def test_one_sgd_step_is_the_rule() -> None:
    run = train_neuron(FAR.x, FAR.y, bias=True, optimizer="sgd", lr=0.5, steps=1, start=(1.0, -1.0))
    np.testing.assert_allclose(run.w[1], run.w[0] - 0.5 * run.grad_w[0], rtol=1e-15)
    assert run.b[1] == pytest.approx(-0.5 * run.grad_b[0], rel=1e-15)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_bias_is_a_weight_on_a_constant_input(optimizer) -> None:
    with_b = train_neuron(FAR.x, FAR.y, bias=True, optimizer=optimizer, lr=0.3, steps=50)
    on_ones = train_neuron(with_constant_input(FAR.x), FAR.y, bias=False, optimizer=optimizer, lr=0.3, steps=50,
                           start=(1.0, -1.0, 0.0))
    np.testing.assert_allclose(on_ones.w[:, :2], with_b.w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(on_ones.w[:, 2], with_b.b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(on_ones.loss, with_b.loss, rtol=1e-12)


@pytest.mark.parametrize("args", [
    {"optimizer": "newton"},
    {"start": (1.0, 2.0, 3.0)},
])
def test_bad_arguments_are_refused(args) -> None:
    with pytest.raises(ValueError):
        train_neuron(FAR.x, FAR.y, bias=True, **args)
