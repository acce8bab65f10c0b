"""The scalar `Value`: every op against central differences and PyTorch (one row each), then what the
backward pass promises — deep graphs, summed paths, accumulation, the exported graph, the step-by-step
walk, and a graph that frees itself without the cycle collector."""

from __future__ import annotations

import gc
import json
import weakref

import pytest
import torch

from kaibo.engine.scalar import Value
from kaibo.engine.scalar_graph import backward_steps, graph
from kaibo.engine.scalar_nn import MLP

# Central differences err by O(h²) from truncation and O(eps/h) from rounding: h = 1e-6 keeps both near
# 1e-10 for the O(1) functions below.
H = 1e-6


def every_op(a, b):
    """One expression that uses every operation, `a` and `b` several times (Values or torch tensors)."""
    c = (a + b) * (a - 2.0) / (b**2 + 1.0)
    d = (3.0 - c).tanh() + (-c).sigmoid() + (c * 0.5).relu() + (1.0 / (a.exp() + 1.0)).log()
    return 2.0 * d + (1.0 + 0.5 * a) / 3.0 - b.exp() ** 0.5


# (name, fn, points): fn takes Values or torch tensors alike (the operators and method names are the same),
# each point is one set of inputs. Domains: log and fractional powers need x > 0; relu is tested away
# from its kink at 0, where a finite difference straddles two slopes.
OPS = [
    ("add", lambda a, b: a + b, [(1.5, -2.0), (-0.3, -0.7)]),
    ("number + value", lambda a: 2.5 + a, [(1.5,), (-0.4,)]),
    ("value + number", lambda a: a + 2.5, [(-1.5,)]),
    ("sub", lambda a, b: a - b, [(1.5, -2.0), (-0.3, 0.7)]),
    ("number - value", lambda a: 1.0 - a, [(1.5,), (-0.4,)]),
    ("value - number", lambda a: a - 1.0, [(-1.5,)]),
    ("mul", lambda a, b: a * b, [(1.5, -2.0), (-0.3, -0.7)]),
    ("number * value", lambda a: -3.0 * a, [(1.5,), (-0.4,)]),
    ("value * number", lambda a: a * 0.25, [(-1.5,)]),
    ("div", lambda a, b: a / b, [(1.5, -2.0), (-0.3, 0.7)]),
    ("number / value", lambda a: 2.0 / a, [(1.5,), (-0.4,)]),
    ("value / number", lambda a: a / -4.0, [(-1.5,)]),
    ("neg", lambda a: -a, [(1.5,), (-0.4,)]),
    ("pow 2", lambda a: a**2, [(1.5,), (-0.7,)]),
    ("pow 3", lambda a: a**3, [(1.5,), (-0.7,)]),
    ("pow -1", lambda a: a**-1, [(1.5,), (-0.7,)]),
    ("pow 0.5", lambda a: a**0.5, [(1.5,), (0.3,)]),
    ("pow -1.5", lambda a: a**-1.5, [(2.5,), (0.3,)]),
    ("exp", lambda a: a.exp(), [(1.2,), (-2.0,), (0.0,)]),
    ("log", lambda a: a.log(), [(1.2,), (0.05,)]),
    ("tanh", lambda a: a.tanh(), [(0.5,), (-1.5,), (4.0,)]),
    ("relu", lambda a: a.relu(), [(0.8,), (-0.8,)]),
    ("sigmoid", lambda a: a.sigmoid(), [(0.5,), (-2.0,), (-800.0,), (800.0,)]),  # ±800: no overflow
    ("a used twice", lambda a, b: a * b + a, [(2.0, -3.0), (-0.5, 0.25)]),
    ("x * x", lambda a: a * a, [(1.5,), (-0.7,)]),
    ("every op", every_op, [(0.5, -1.5), (-1.2, 0.8)]),
]
CASES = [pytest.param(fn, point, id=f"{name} {point}") for name, fn, points in OPS for point in points]


def check_op(fn, point: tuple[float, ...]) -> None:
    """fn's value and gradients at `point`: kaibo against central differences and against torch float64."""
    xs = [Value(v) for v in point]
    y = fn(*xs)
    y.backward()
    grads = [x.grad for x in xs]

    def at(i: int, v: float) -> float:  # fn with input i moved to v, forward only
        return fn(*[Value(v if j == i else p) for j, p in enumerate(point)]).data

    for i, v in enumerate(point):
        numeric = (at(i, v + H) - at(i, v - H)) / (2 * H)
        assert grads[i] == pytest.approx(numeric, rel=1e-6, abs=1e-8), f"input {i}: finite differences"

    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    out = fn(*ts)
    out.backward()
    assert y.data == pytest.approx(out.item(), rel=1e-12, abs=1e-300), "forward value against torch"
    for i, t in enumerate(ts):
        assert grads[i] == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-300), f"input {i}: torch"


@pytest.mark.parametrize(("fn", "point"), CASES)
def test_op_matches_finite_differences_and_torch(fn, point):
    check_op(fn, point)


def test_relu_at_its_kink_takes_pytorchs_slope():
    x, t = Value(0.0), torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    x.relu().backward()
    t.relu().backward()
    assert x.grad == t.grad.item() == 0.0


def test_pow_takes_only_a_plain_number_exponent():
    with pytest.raises(TypeError):
        Value(2.0) ** Value(3.0)


@pytest.mark.timeout(60)  # a recursive sort dies at depth ~1,000; a quadratic one would take hours here
def test_a_chain_of_100000_operations_backpropagates():
    x = Value(1.0)
    y = x
    for _ in range(100_000):
        y = y * 0.99999
    y.backward()
    assert x.grad == pytest.approx(0.99999**100_000, rel=1e-9)


def test_a_value_used_twice_gets_the_sum_of_both_paths():
    a, b = Value(2.0), Value(-3.0)
    y = a * b + a  # dy/da = b (through the product) + 1 (directly)
    y.backward()
    assert (a.grad, b.grad) == (-2.0, 2.0)
    x = Value(3.0)
    (x * x).backward()  # d(x²)/dx = 2x: both arguments of the product are x
    assert x.grad == 6.0


def test_backward_twice_doubles_every_gradient_until_zeroed():
    y = every_op(Value(0.5), Value(-1.5))
    nodes = y.topological_order()
    y.backward()
    first = [n.grad for n in nodes]
    assert sum(g != 0.0 for g in first) > len(first) // 2
    y.backward()  # intermediate nodes too: the second pass must add the same amounts, not push old sums
    assert [n.grad for n in nodes] == pytest.approx([2 * g for g in first], rel=1e-12)
    y.zero_grad()
    assert all(n.grad == 0.0 for n in nodes)
    y.backward()
    assert [n.grad for n in nodes] == pytest.approx(first, rel=1e-12)


def test_graph_export_lists_every_node_and_edge_with_numbers():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    c.label = "c"
    d = c + a
    d.label = "d"
    d.backward()
    g = json.loads(json.dumps(graph(d)))  # plain data, as a lesson page receives it
    assert [n["id"] for n in g["nodes"]] == [0, 1, 2, 3]
    rows = {(n["label"], n["op"], n["data"], n["grad"]) for n in g["nodes"]}
    assert rows == {("a", "", 2.0, -2.0), ("b", "", -3.0, 2.0), ("c", "*", -6.0, 1.0), ("d", "+", -4.0, 1.0)}
    label = {n["id"]: n["label"] for n in g["nodes"]}
    edges = sorted((label[e["source"]], label[e["target"]]) for e in g["edges"])
    assert edges == [("a", "c"), ("a", "d"), ("b", "c"), ("c", "d")]
    x = Value(3.0)
    assert len(graph(x * x)["edges"]) == 2  # one edge per argument: the gradient reaches x twice


def test_graph_export_is_in_topological_order():
    y = every_op(Value(0.5), Value(-1.5))
    g = graph(y)
    nodes = y.topological_order()
    assert len(g["nodes"]) == len(nodes) == len(set(map(id, nodes)))
    assert len(g["edges"]) == sum(len(n.parents) for n in nodes)
    assert all(e["source"] < e["target"] for e in g["edges"]), "an input listed after its result"
    assert g["nodes"][-1]["data"] == y.data


def test_step_by_step_walk_ends_with_the_grads_of_backward():
    y_full = every_op(Value(0.5), Value(-1.5))
    y_full.backward()
    y = every_op(Value(0.5), Value(-1.5))
    walk = backward_steps(y)
    first = next(walk)
    assert (first.node, first.upstream) == (y, 1.0)
    grads_now = [n["grad"] for n in graph(y)["nodes"]]
    assert grads_now[-1] == 1.0 and not any(grads_now[:-1]), "the walk ran ahead of its first step"
    steps = [first, *walk]
    assert len(steps) == len(graph(y)["nodes"])
    assert [n["grad"] for n in graph(y)["nodes"]] == [n["grad"] for n in graph(y_full)["nodes"]]
    for s in steps:
        assert len(s.local) == len(s.parents) == len(s.contributions) == len(s.node.parents)
        assert s.contributions == pytest.approx([s.upstream * d for d in s.local], rel=1e-12)


def test_step_by_step_walk_shows_the_chain_rule_in_numbers():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    y = (a * b).tanh()
    t = y.data
    product, leaf_b, leaf_a = list(backward_steps(y))[1:]  # the reverse of the order they were made
    assert (product.node.op, product.upstream) == ("*", pytest.approx(1 - t * t))
    assert product.local == (-3.0, 2.0)  # d(ab)/da = b, d(ab)/db = a
    assert product.contributions == pytest.approx((-3.0 * (1 - t * t), 2.0 * (1 - t * t)))
    ids = {n["label"]: n["id"] for n in graph(y)["nodes"]}
    assert product.parents == (ids["a"], ids["b"])
    assert (leaf_a.node, leaf_a.local, leaf_b.node) == (a, (), b)


def test_a_graph_is_freed_without_the_cycle_collector():
    gc.collect()
    gc.disable()  # only reference counting from here: a cycle would keep its nodes alive
    try:
        y = every_op(Value(0.5), Value(-1.5))
        y.backward()
        walk = backward_steps(y)
        next(walk)  # a walk dropped halfway must not keep the graph either
        refs = [weakref.ref(n) for n in y.topological_order()]
        del y, walk
        alive = sum(r() is not None for r in refs)
        assert alive == 0, f"{alive} of {len(refs)} nodes still alive"
    finally:
        gc.enable()


def test_mlp_matches_the_same_network_in_torch():
    model = MLP(3, [4, 4, 1], seed=4)
    x = [0.5, -1.2, 2.0]
    out = model(x)
    out.backward()
    # The same weights as matrices, for an independent computation: layer i is relu(W x + b).
    weights, biases = [], []
    for layer in model.layers:
        weights.append(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64,
                                    requires_grad=True))
        biases.append(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64,
                                   requires_grad=True))
    h = torch.tensor(x, dtype=torch.float64)
    for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
        h = w @ h + b
        h = h if i == len(weights) - 1 else h.relu()
    h.sum().backward()
    assert out.data == pytest.approx(h.item(), rel=1e-12)
    for layer, w, b in zip(model.layers, weights, biases, strict=True):
        assert [p.grad for n in layer.neurons for p in n.w] == pytest.approx(w.grad.flatten().tolist(), rel=1e-12)
        assert [n.b.grad for n in layer.neurons] == pytest.approx(b.grad.tolist(), rel=1e-12)
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    same = [p.data for p in MLP(3, [4, 4, 1], seed=4).parameters()]
    assert same == [p.data for p in model.parameters()] != [p.data for p in MLP(3, [4, 4, 1]).parameters()]
