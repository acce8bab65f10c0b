"""The built-in expressions of the backpropagation lesson, each with its derivatives worked out by hand.

Backpropagation gives the exact derivative (up to rounding), not an approximation of it: for every example
here `compare` puts what the backward pass finds beside the derivative written out with the rules of
calculus, and the tests and the lesson show that they agree to the last few digits.

Each hand derivation, with L the output:

- ``reuse``, L = tanh(ab + c)·a, with t = tanh(ab + c): a is used twice, so ∂L/∂a has two terms,
  t (from the final product) + a·b·(1 − t²) (through ab);  ∂L/∂b = a²(1 − t²);  ∂L/∂c = a(1 − t²).
- ``neuron``, L = tanh(w₁x₁ + w₂x₂ + b) = y:  ∂L/∂wᵢ = xᵢ(1 − y²),  ∂L/∂xᵢ = wᵢ(1 − y²),  ∂L/∂b = 1 − y².
- ``squared_error``, L = (wx + b − y)² with e = wx + b − y:  ∂L/∂w = 2ex,  ∂L/∂x = 2ew,  ∂L/∂b = 2e,
  ∂L/∂y = −2e.
- ``regularised``, L = (ŷ − y)² + 0.1(w₁w₁ + w₂w₂) with ŷ = tanh(w₁x₁ + w₂x₂ + b): w₁ is used three times;
  ∂L/∂w₁ = 2(ŷ − y)(1 − ŷ²)x₁ + 0.2w₁ (the penalty's two uses give 0.1w₁ each), likewise w₂;
  ∂L/∂x₁ = 2(ŷ − y)(1 − ŷ²)w₁;  ∂L/∂b = 2(ŷ − y)(1 − ŷ²);  ∂L/∂y = −2(ŷ − y).
- ``square_product`` L = a·a and ``square_power`` L = a²: both 2a; the product gets it as a + a, two
  contributions of the same leaf, the power as one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from kaibo.engine.expression import Expression, parse

Values = Mapping[str, float]


@dataclass(frozen=True)
class Example:
    """A built-in expression, the values it opens at, and its derivatives worked out by hand.

    Attributes
    ----------
    name : str
        Its id (the lesson's texts about it are keyed by it).
    text : str
        The expression as the learner sees it in the text field.
    values : dict of str to float
        Where each variable starts.
    gradient : callable
        values → {variable: ∂L/∂variable}, from the formulas in `formulas`.
    formulas : dict of str to str
        Each derivative in TeX, as the lesson shows it.
    """

    name: str
    text: str
    values: dict[str, float]
    gradient: Callable[[Values], dict[str, float]]
    formulas: dict[str, str]

    @property
    def expression(self) -> Expression:
        return _parsed(self.text)


def _reuse(v: Values) -> dict[str, float]:
    a, b, c = v["a"], v["b"], v["c"]
    t = math.tanh(a * b + c)
    return {"a": t + a * b * (1 - t * t), "b": a * a * (1 - t * t), "c": a * (1 - t * t)}


def _neuron(v: Values) -> dict[str, float]:
    y = math.tanh(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"])
    slope = 1 - y * y
    return {"w1": v["x1"] * slope, "x1": v["w1"] * slope, "w2": v["x2"] * slope, "x2": v["w2"] * slope,
            "b": slope}


def _squared_error(v: Values) -> dict[str, float]:
    e = v["w"] * v["x"] + v["b"] - v["y"]
    return {"w": 2 * e * v["x"], "x": 2 * e * v["w"], "b": 2 * e, "y": -2 * e}


def _regularised(v: Values) -> dict[str, float]:
    y_hat = math.tanh(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"])
    back = 2 * (y_hat - v["y"]) * (1 - y_hat * y_hat)  # ∂L/∂z through the squared error and the tanh
    return {"w1": back * v["x1"] + 0.2 * v["w1"], "x1": back * v["w1"], "w2": back * v["x2"] + 0.2 * v["w2"],
            "x2": back * v["w2"], "b": back, "y": -2 * (y_hat - v["y"])}


def _square(v: Values) -> dict[str, float]:
    return {"a": 2 * v["a"]}


EXAMPLES: tuple[Example, ...] = (
    Example("reuse", "(a*b + c).tanh() * a", {"a": 0.5, "b": -1.5, "c": 1.0}, _reuse, {
        "a": r"\tanh(ab + c) + a\,b\,(1 - \tanh^2(ab + c))",
        "b": r"a^2\,(1 - \tanh^2(ab + c))",
        "c": r"a\,(1 - \tanh^2(ab + c))"}),
    Example("neuron", "tanh(w1*x1 + w2*x2 + b)", {"w1": 0.5, "x1": 1.0, "w2": -0.3, "x2": 2.0, "b": 0.2},
            _neuron, {
                "w1": r"x_1\,(1 - y^2)", "x1": r"w_1\,(1 - y^2)", "w2": r"x_2\,(1 - y^2)",
                "x2": r"w_2\,(1 - y^2)", "b": r"1 - y^2"}),
    Example("squared_error", "(w*x + b - y)**2", {"w": 0.5, "x": 2.0, "b": 0.0, "y": 3.0}, _squared_error, {
        "w": r"2\,(wx + b - y)\,x", "x": r"2\,(wx + b - y)\,w", "b": r"2\,(wx + b - y)",
        "y": r"-2\,(wx + b - y)"}),
    Example("regularised", "(tanh(w1*x1 + w2*x2 + b) - y)**2 + 0.1*(w1*w1 + w2*w2)",
            {"w1": 0.5, "x1": 1.0, "w2": -0.3, "x2": 2.0, "b": 0.2, "y": 0.8}, _regularised, {
                "w1": r"2(\hat y - y)(1 - \hat y^2)\,x_1 + 0.2\,w_1", "x1": r"2(\hat y - y)(1 - \hat y^2)\,w_1",
                "w2": r"2(\hat y - y)(1 - \hat y^2)\,x_2 + 0.2\,w_2", "x2": r"2(\hat y - y)(1 - \hat y^2)\,w_2",
                "b": r"2(\hat y - y)(1 - \hat y^2)", "y": r"-2(\hat y - y)"}),
    Example("square_product", "a*a", {"a": 1.5}, _square, {"a": r"a + a = 2a"}),
    Example("square_power", "a**2", {"a": 1.5}, _square, {"a": r"2a"}),
)


@cache
def _parsed(text: str) -> Expression:
    return parse(text)


def example(name: str) -> Example:
    return next(e for e in EXAMPLES if e.name == name)


def example_of(expression: Expression) -> Example | None:
    """The built-in example this expression is, whatever its spacing and brackets; None for one of the
    learner's own."""
    return next((e for e in EXAMPLES if e.expression.canonical == expression.canonical), None)


def start_value(name: str, expression: Expression) -> float:
    """Where a variable's slider starts: the example's own value when the expression is a built-in one;
    otherwise the first built-in example's value for that name, so editing an example keeps its numbers
    (and 1.0 for a name no example uses)."""
    found = example_of(expression)
    if found is not None:
        return found.values[name]
    return next((e.values[name] for e in EXAMPLES if name in e.values), 1.0)


@dataclass(frozen=True)
class Agreement:
    """One variable's gradient by backpropagation beside the hand-derived one."""

    variable: str
    backprop: float
    analytic: float

    @property
    def difference(self) -> float:
        return abs(self.backprop - self.analytic)


def compare(found: Example, values: Values) -> list[Agreement]:
    """Run the backward pass on the example at `values` and put each gradient beside its hand derivation."""
    built = found.expression.build(values)
    built.root.backward()
    analytic = found.gradient(values)
    return [Agreement(name, leaf.grad, analytic[name]) for name, leaf in built.leaves.items()]
