"""The graph machinery around the ops: dtypes on construction, accumulation, no_grad, detach, retain_grad,
errors, freeing the graph without the cycle collector, and depth without recursion."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest
import torch

import kaibo.engine.functional as F
from kaibo.engine import Tensor, no_grad, optim


@pytest.mark.parametrize(
    "data, dtype, expected",
    [
        ([1.0, 2.0], None, np.float32),
        (3.0, None, np.float32),
        ([[1, 2], [3, 4]], None, np.int64),
        (np.arange(3.0), None, np.float64),
        (np.arange(3.0, dtype=np.float32), None, np.float32),
        (np.arange(3), None, np.int64),
        ([1.0, 2.0], np.float64, np.float64),
        ([1.0, 2.0], "float64", np.float64),
        (np.arange(3.0), "float32", np.float32),
        (np.arange(3.0), np.float32, np.float32),
    ],
)
def test_construction_dtype(data, dtype, expected) -> None:
    x = Tensor(data, dtype=dtype)
    assert x.dtype == expected
    assert x.shape == np.shape(data) and x.ndim == np.ndim(data)
    np.testing.assert_array_equal(x.numpy(), np.asarray(data))


def test_item_numpy_and_default_flags() -> None:
    x = Tensor(np.array([[2.5]]))
    assert x.item() == 2.5 and isinstance(x.item(), float)
    assert isinstance(x.numpy(), np.ndarray) and not x.requires_grad and x.grad is None


def leaf(values, dtype=np.float64) -> Tensor:
    return Tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_gradient_adds_up_over_uses_and_calls_until_zero_grad() -> None:
    x = leaf([1.0, -2.0, 3.0])
    (x * x + x).sum().backward()  # one graph, x on three paths: 2x + 1
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 1)
    (x * 3.0).sum().backward()  # a second backward adds to .grad
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 4)
    optim.SGD([x], lr=0.1).zero_grad()
    assert x.grad is None or not x.grad.data.any()
    (x * 3.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full(3, 3.0))


def test_no_grad_builds_no_graph_and_restores() -> None:
    x = leaf([1.0, 2.0])
    gc.disable()
    try:
        with no_grad():
            h = x.tanh()
            y = h * 2.0
            ref = weakref.ref(h)
        del h
        assert ref() is None, "a result made under no_grad() keeps its inputs alive"
    finally:
        gc.enable()
    assert not y.requires_grad
    with pytest.raises(ZeroDivisionError), no_grad():
        raise ZeroDivisionError  # an exception inside no_grad must not leave gradients off
    assert (x * 2.0).requires_grad


def test_no_grad_belongs_to_its_thread() -> None:
    """A page evaluating under no_grad in one thread leaves another thread's forward pass recording."""
    x = leaf([1.0, 2.0])
    inside, recorded = threading.Event(), []

    def other_page() -> None:
        inside.wait(timeout=10)
        recorded.append((x * 2.0).requires_grad)

    thread = threading.Thread(target=other_page)
    thread.start()
    with no_grad():
        inside.set()
        thread.join(timeout=10)
        assert not (x * 2.0).requires_grad
    assert recorded == [True]


def test_detach_stops_the_gradient() -> None:
    x = leaf([1.0, 2.0, 3.0])
    d = x.detach()
    assert not d.requires_grad
    np.testing.assert_array_equal(d.data, x.data)
    (x * x.detach()).sum().backward()  # d(x * c)/dx = c, not 2x
    np.testing.assert_allclose(x.grad.data, x.data)


def test_retain_grad_matches_torch() -> None:
    values = np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4]])
    results = []
    for lib, x in ((F, leaf(values)), (torch.nn.functional, torch.tensor(values, requires_grad=True))):
        h = x.tanh()
        h.retain_grad()
        lib.log_softmax(h * 3.0, dim=-1)[:, 0].sum().backward()
        results.append((np.asarray(h.grad.numpy()), np.asarray(x.grad.numpy())))
    for got, want in zip(*results, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: (x * 2.0).backward(),  # many numbers and no gradient given
        lambda x: Tensor([1.0, 2.0]).sum().backward(),  # nothing requires a gradient
        lambda x: (x * 2.0).backward(Tensor(np.ones(3))),  # gradient of the wrong shape
    ],
    ids=["non-scalar without gradient", "no graph", "gradient shape"],
)
def test_backward_refuses(call) -> None:
    with pytest.raises(RuntimeError):
        call(leaf([1.0, 2.0]))


def test_second_backward_needs_retain_graph() -> None:
    x = leaf([1.0, 2.0])
    y = (x.exp() * 2.0).sum()
    y.backward(retain_graph=True)
    y.backward()  # the graph was kept once: the gradient is added a second time
    np.testing.assert_allclose(x.grad.data, 4.0 * np.exp(x.data))
    with pytest.raises(RuntimeError):
        y.backward()  # ... and freed by the second call, as in PyTorch


@pytest.mark.parametrize("run_backward", [True, False], ids=["after backward", "never backpropagated"])
def test_graph_is_freed_without_the_cycle_collector(run_backward: bool) -> None:
    rng = np.random.default_rng(0)
    w, x = leaf(rng.standard_normal((4, 3))), Tensor(rng.standard_normal((5, 4)))
    gc.disable()
    try:
        hidden = (x @ w).tanh()
        logits = hidden * 2.0
        loss = F.cross_entropy(logits, Tensor(np.array([0, 1, 2, 0, 1])))
        refs = [weakref.ref(t) for t in (hidden, logits, loss)]
        if run_backward:
            loss.backward()
        del hidden, logits, loss
        assert [r() is None for r in refs] == [True, True, True]
    finally:
        gc.enable()


def test_deep_chain_backpropagates_without_recursion() -> None:
    x = leaf([1.0])
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.00001**100_000], rtol=1e-9)
    del y  # freeing a 100,000-deep chain must not overflow the stack either
