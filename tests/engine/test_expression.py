"""The safe expression reader: what it accepts is computed right (value and every gradient against PyTorch),
what it refuses gets the message that says why and where; the built-in examples agree with their
hand-derived derivatives; the step-by-step walk shows each contribution a variable receives."""

from __future__ import annotations

import random

import pytest
import torch

from kaibo.engine.expression import MAX_DEPTH, MAX_LENGTH, MAX_NODES, parse
from kaibo.engine.expression_examples import EXAMPLES, compare, example, example_of, start_value
from kaibo.engine.scalar import Value
from kaibo.engine.scalar_graph import backward_steps, op_method
from kaibo.errors import InputError
from kaibo.i18n import t

# (text, values, the same expression in torch). Torch has the same method names, so method forms read alike.
ACCEPTED = [
    ("(a*b + c).tanh() * a", {"a": 0.5, "b": -1.5, "c": 1.0}, lambda v: (v["a"] * v["b"] + v["c"]).tanh() * v["a"]),
    ("tanh(w1*x1 + w2*x2 + b)", {"w1": 0.5, "x1": 1.0, "w2": -0.3, "x2": 2.0, "b": 0.2},
     lambda v: torch.tanh(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"])),
    ("(w*x + b - y)**2", {"w": 0.5, "x": 2.0, "b": 0.0, "y": 3.0}, lambda v: (v["w"] * v["x"] + v["b"] - v["y"]) ** 2),
    ("a*a", {"a": -1.5}, lambda v: v["a"] * v["a"]),
    ("a**2", {"a": -1.5}, lambda v: v["a"] ** 2),
    ("-a / (b - 0.5)", {"a": 2.0, "b": 3.0}, lambda v: -v["a"] / (v["b"] - 0.5)),
    ("+a - -2", {"a": 0.3}, lambda v: v["a"] + 2),
    ("exp(a).log() + a.exp() * log(b)", {"a": 0.7, "b": 2.5},
     lambda v: v["a"].exp().log() + v["a"].exp() * v["b"].log()),
    ("relu(x) + (x * -1).relu() + sigmoid(x)", {"x": -0.8},
     lambda v: v["x"].relu() + (-v["x"]).relu() + v["x"].sigmoid()),
    ("a ** -0.5 + a ** 10 - a ** -10", {"a": 1.3}, lambda v: v["a"] ** -0.5 + v["a"] ** 10 - v["a"] ** -10),
    ("(tanh(w1*x1 + w2*x2 + b) - y)**2 + 0.1*(w1*w1 + w2*w2)",
     {"w1": 0.5, "x1": 1.0, "w2": -0.3, "x2": 2.0, "b": 0.2, "y": 0.8},
     lambda v: (torch.tanh(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"]) - v["y"]) ** 2
     + 0.1 * (v["w1"] * v["w1"] + v["w2"] * v["w2"])),
    ("（ａ＊ｂ）−ｂ×２÷ａ", {"a": 1.5, "b": -0.5}, lambda v: v["a"] * v["b"] - v["b"] * 2 / v["a"]),  # full width
    ("1e-3 * z9 + 2 * 3", {"z9": 4.0}, lambda v: 1e-3 * v["z9"] + 6),
]


@pytest.mark.parametrize(("text", "values", "reference"), ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_accepted_expression_matches_torch(text: str, values: dict, reference) -> None:
    expression = parse(text)
    assert set(expression.variables) == set(values)
    built = expression.build(values)
    assert expression.nodes == len(built.root.topological_order())
    built.root.backward()
    tensors = {name: torch.tensor(v, dtype=torch.float64, requires_grad=True) for name, v in values.items()}
    out = reference(tensors)
    out.backward()
    assert built.root.data == pytest.approx(out.item(), rel=1e-12)
    for name, leaf in built.leaves.items():
        assert leaf.label == name
        assert leaf.grad == pytest.approx(tensors[name].grad.item(), rel=1e-12, abs=1e-15), name


# The largest graph accepted: 3 variables, 9 numbers, 9 products, 7 sums, then one product and one sum.
LARGEST = "(a*1 + a*2 + a*3 + a*4) * (b*1 + b*2 + b*3 + b*4 + b*5) + c"

# (text, the message's key, arguments it must carry). Columns count characters from 1.
REFUSED = [
    ("", "expression.empty", {}),
    ("   ", "expression.empty", {}),
    ("a" * (MAX_LENGTH + 1), "expression.too_long", {"length": MAX_LENGTH + 1}),
    ("(" * 150 + "a" + ")" * 150, "expression.too_long", {}),  # refused before the parser sees it
    ("(a + b", "expression.syntax", {"column": 1}),
    ("a +* b", "expression.syntax", {}),
    ("a\x00b", "expression.syntax", {}),
    ("import os", "expression.syntax", {}),  # a statement: never an expression
    ("__import__('os')", "expression.call", {"name": "__import__", "column": 1}),
    ("a + print(a)", "expression.call", {"name": "print", "column": 5}),
    ("open('f').read()", "expression.attribute", {"name": "read"}),
    ("a.__class__", "expression.attribute", {"name": "__class__", "column": 3}),
    ("a.tanh", "expression.attribute", {"name": "tanh"}),  # a method not called
    ("a.real + b", "expression.attribute", {"name": "real"}),
    ("tanh(a).__class__.__bases__", "expression.attribute", {"name": "__bases__"}),
    ("tanh(a, b)", "expression.arguments", {"name": "tanh"}),
    ("tanh(x=a)", "expression.arguments", {"name": "tanh"}),
    ("tanh(*a)", "expression.arguments", {"name": "tanh"}),
    ("a.exp(2)", "expression.arguments", {"name": "exp"}),
    ("tanh + a", "expression.function_name", {"name": "tanh"}),
    ("(lambda: a)()", "expression.not_allowed", {}),
    ("lambda: a", "expression.not_allowed", {"text": "lambda: a"}),
    ("a[0]", "expression.not_allowed", {"text": "a[0]"}),
    ("[a for a in b]", "expression.not_allowed", {}),
    ("{a: b}", "expression.not_allowed", {}),
    ("a + 'x'", "expression.not_allowed", {"text": "'x'", "column": 5}),
    ("f'{a}'", "expression.not_allowed", {}),
    ("(b := 2) * a", "expression.not_allowed", {"text": "b := 2", "column": 2}),
    ("a if b else c", "expression.not_allowed", {}),
    ("a < b", "expression.not_allowed", {}),
    ("a and b", "expression.not_allowed", {}),
    ("a, b", "expression.not_allowed", {}),
    ("foo * 2", "expression.name", {"name": "foo", "column": 1}),
    ("x_1 + a", "expression.name", {"name": "x_1"}),
    ("A + b", "expression.name", {"name": "A"}),
    ("w12", "expression.name", {"name": "w12"}),
    ("__builtins__", "expression.name", {"name": "__builtins__"}),
    ("a ^ 2", "expression.caret", {"column": 3}),
    ("a // b", "expression.operator", {"op": "//", "column": 3}),
    ("(a) % b", "expression.operator", {"op": "%", "column": 5}),
    ("a @ b", "expression.operator", {"op": "@"}),
    ("a << 1", "expression.operator", {"op": "<<"}),
    ("~a", "expression.operator", {"op": "~"}),
    ("not a", "expression.operator", {"op": "not"}),
    ("a ** b", "expression.exponent", {"column": 6}),
    ("a ** (1/2)", "expression.exponent", {}),
    ("2 ** a", "expression.exponent", {}),
    ("a ** 11", "expression.exponent_size", {"exponent": "11", "column": 6}),
    ("a ** -99", "expression.exponent_size", {"exponent": "-99"}),
    ("a ** 9**9**9", "expression.exponent", {}),  # huge, and not a plain number either
    ("a ** 1e999", "expression.exponent_size", {}),
    ("1e999 * a", "expression.number", {"text": "1e999"}),
    ("-1e999 * a", "expression.number", {}),
    ("True * a", "expression.number", {"text": "True"}),
    ("None", "expression.number", {}),
    ("1j * a", "expression.number", {}),
    ("...", "expression.number", {}),
    ("2 + 3", "expression.no_variable", {}),
    ("a + b + c + d + e + f + g", "expression.too_many_variables", {"count": 7}),
    ("-" * (MAX_DEPTH + 1) + "a", "expression.too_deep", {"column": MAX_DEPTH + 1}),
    ("tanh(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), "expression.too_deep", {}),
    ("(a*1 + a*2 + a*3 + a*4 + a*5) * (b*1 + b*2 + b*3 + b*4 + b*5)", "expression.too_big", {"count": 31}),
]


@pytest.mark.parametrize(("text", "key", "args"), REFUSED, ids=[row[0][:40] for row in REFUSED])
def test_refused_with_a_message_that_says_why_and_where(text: str, key: str, args: dict) -> None:
    with pytest.raises(InputError) as refused:
        parse(text)
    assert refused.value.key == key
    assert args.items() <= refused.value.params.items()
    for lang in ("ja", "en"):  # every message renders with the arguments it is given
        assert refused.value.message(lang)


# (text, values, the message's key, its arguments): fine as text, but no value or no slope at these numbers.
UNDEFINED = [
    ("a / b", {"a": 1.0, "b": 0.0}, "expression.division_by_zero", {"text": "b", "column": 3}),
    ("a / (b - c)", {"a": 1.0, "b": 2.0, "c": 2.0}, "expression.division_by_zero", {"text": "b - c"}),
    ("log(a - b)", {"a": 1.0, "b": 1.0}, "expression.log_domain", {"text": "a - b", "value": "0"}),
    ("(a).log()", {"a": -2.0}, "expression.log_domain", {"value": "-2"}),
    ("a ** -1", {"a": 0.0}, "expression.power_domain", {"base": "0"}),
    ("a ** 0.5", {"a": 0.0}, "expression.power_domain", {}),  # √a has an infinite slope at 0
    ("a ** 0.5", {"a": -4.0}, "expression.power_domain", {"base": "-4"}),
    ("exp(a)", {"a": 1000.0}, "expression.overflow", {"text": "exp(a)"}),
    ("a ** 10", {"a": 1e40}, "expression.overflow", {}),
    ("a * 1e300 * 1e300", {"a": 1.0}, "expression.overflow", {}),
]


@pytest.mark.parametrize(("text", "values", "key", "args"), UNDEFINED, ids=[row[0] for row in UNDEFINED])
def test_undefined_at_these_values_is_said_not_raised(text: str, values: dict, key: str, args: dict) -> None:
    with pytest.raises(InputError) as refused:
        parse(text).build(values)
    assert refused.value.key == key
    assert args.items() <= refused.value.params.items()
    assert refused.value.message("ja") and refused.value.message("en")


def test_a_variable_used_twice_is_one_leaf_receiving_two_contributions() -> None:
    built = parse("(a*b + c).tanh() * a").build({"a": 0.5, "b": -1.5, "c": 1.0})
    a = built.leaves["a"]
    steps = list(backward_steps(built.root))
    into_a = [(s, k) for s in steps for k, p in enumerate(s.node.parents) if p is a]
    assert len(into_a) == 2  # the final product, then a*b
    (first, i), (second, j) = into_a
    assert first.received[i] == 0.0  # a's gradient so far: nothing, then the first contribution
    assert second.received[j] == first.contributions[i]
    assert a.grad == pytest.approx(first.contributions[i] + second.contributions[j], rel=1e-15)
    reached = next(s for s in steps if s.node is a)
    assert reached.upstream == second.received[j] + second.contributions[j]  # the same sums, exactly


def test_x_times_x_counts_its_two_arguments_in_order() -> None:
    built = parse("a*a").build({"a": 1.5})
    product = next(backward_steps(built.root))
    assert product.contributions == (1.5, 1.5) and product.received == (0.0, 1.5)


def test_every_node_knows_the_text_it_computes() -> None:
    built = parse("(a*b + 2).tanh() * a").build({"a": 0.5, "b": -1.5})
    shown = {built.source[n] for n in built.root.topological_order()}
    assert shown == {"a", "b", "2", "a*b", "a*b + 2", "(a*b + 2).tanh()", "(a*b + 2).tanh() * a"}


def test_the_same_expression_however_spaced_or_written() -> None:
    assert parse("(a*b+c).tanh()*a").canonical == parse(" ( ( a * b ) + c ) . tanh ( ) * a ").canonical
    assert parse("tanh(a)").canonical != parse("a.tanh()").canonical  # two spellings, one graph, not one text
    assert example_of(parse("(a * b + c).tanh() * a")) is example("reuse")
    assert example_of(parse("a*b")) is None


@pytest.mark.parametrize("found", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_backprop_agrees_with_the_hand_derivation(found) -> None:
    rng = random.Random(3)
    points = [found.values] + [{name: rng.uniform(-2.0, 2.0) for name in found.values} for _ in range(200)]
    for values in points:
        for row in compare(found, values):
            assert row.difference <= 1e-12 * max(1.0, abs(row.analytic)), (values, row)
    assert set(found.formulas) == set(found.expression.variables)


def test_sliders_start_at_the_example_values_or_where_an_example_had_them() -> None:
    assert start_value("b", parse("tanh(w1*x1 + w2*x2 + b)")) == example("neuron").values["b"]
    assert start_value("b", parse("a*b")) == example("reuse").values["b"]  # an edited example keeps its numbers
    assert start_value("q", parse("q*q")) == 1.0


def test_every_op_names_its_method() -> None:
    built = parse("-(exp(a) + log(a) - relu(a) * sigmoid(a) / tanh(a)) ** 2").build({"a": 0.7})
    ops = {n.op for n in built.root.topological_order()} - {""}
    assert ops == {"+", "-", "*", "/", "neg", "**2", "exp", "log", "relu", "sigmoid", "tanh"}
    assert all(op_method(op).__qualname__.startswith("Value.") for op in ops)
    assert op_method("**0.5") is Value.__pow__


def test_bounds_are_what_the_docs_say() -> None:
    assert parse(LARGEST).nodes == MAX_NODES
    assert t("expression.too_big", "en", count=MAX_NODES + 1, limit=MAX_NODES)
