"""The patients' network of lesson 2: its size and dtype, fresh weights for every caller, the loss of one
weight and its exact derivative, and the gradient check the page reports in float64 and float32."""

from __future__ import annotations

import numpy as np
import pytest

from kaibo.engine import gradcheck
from kaibo.lab.controls import LogSlider
from kaibo.train.patients_network import HIDDEN, make_network, weight_function


@pytest.mark.parametrize(("hidden", "dtype"), [(1, "float64"), (8, "float32"), (100, "float64")])
def test_size_dtype_and_a_loss_of_the_right_scale(hidden: int, dtype: str) -> None:
    net = make_network(hidden, dtype)
    assert net.num_parameters == 3 * hidden + 1
    assert {p.data.dtype for p in net.params.values()} == {np.dtype(dtype)} and net.x.shape == (442, 1)
    loss = net.loss()
    assert loss.dtype == np.dtype(dtype) and 0.5 < float(loss.data) < 10  # progression/100 is about 1.5 ± 0.8


def test_every_network_gets_its_own_weights() -> None:
    first, second = make_network(), make_network()
    first.params["w1"].data[0, 0] += 1.0
    assert second.params["w1"].data[0, 0] != first.params["w1"].data[0, 0]
    assert float(make_network().loss().data) == float(second.loss().data)


@pytest.mark.parametrize(("name", "index", "w"), [("w1", (0, 0), 0.3), ("b1", (5,), -1.2), ("w2", (0, 7), 2.0)])
def test_one_weight_as_a_function_and_its_exact_derivative(name: str, index: tuple, w: float) -> None:
    value, derivative = weight_function(name, index)
    net = make_network()
    net.params[name].data[index] = w
    net.loss().backward()
    assert derivative(w) == net.params[name].grad.data[index]  # the whole network's backprop, one entry
    f64, f32 = value("float64"), value("float32")
    assert f32(np.float32(w)).dtype == np.float32
    assert gradcheck.central_difference(f64, np.float64(w), 1e-5) == pytest.approx(derivative(w), rel=1e-8)


def test_the_gradient_check_passes_in_float64_with_the_tests_h() -> None:
    net = make_network()
    check = gradcheck.gradient_check(net.loss, net.params)
    assert len(check.names) == 3 * HIDDEN + 1 and check.passed.all()
    assert check.relative.max() < 1e-7  # "far below the threshold", as the page says


def test_no_h_of_the_page_passes_every_parameter_in_float32() -> None:
    net = make_network(dtype="float32")
    passed = [int(gradcheck.gradient_check(net.loss, net.params, h).passed.sum())
              for h in LogSlider(1e-12, 0.1, default=1e-6).values]
    assert max(passed) < 3 * HIDDEN + 1
