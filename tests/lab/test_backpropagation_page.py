"""Lesson 3's page in states a learner can reach, run outside the browser: every built-in example at several
steps, a learner's own expression, one refused and one undefined at its values; and the drawing's layout,
checked for what makes a graph illegible (boxes overlapping, an arrow through a box, a figure wider than
the page) on every example and on the largest and the deepest graphs the reader accepts."""

from types import SimpleNamespace

import pytest

from kaibo.engine.expression import MAX_DEPTH, parse
from kaibo.engine.expression_examples import EXAMPLES, start_value
from kaibo.engine.scalar_graph import graph
from kaibo.lab.figures.backpropagation import BOX_H, BOX_W, MAX_WIDTH, layout
from kaibo.lab.page import Lesson
from tests.engine.test_expression import LARGEST
from tests.lab.test_pages import load

SLUG = "backpropagation"
OWN = "sigmoid(a*b - c) * log(a + 2) + (b / (c + 3)) ** 2"
DEEPEST = "-(-(-(-(-(-(-(a*b)))))))"  # operations nested MAX_DEPTH deep


@pytest.fixture(scope="module")
def app():
    return load(SLUG)


class Controls(SimpleNamespace):
    """Stands in for a group of controls: the cells read `.value`, and show each control (here its value)."""

    def __getitem__(self, name: str) -> str:
        return str(self.value[name])


def controls(**values: object) -> Controls:
    return Controls(value=values)


def start(text: str) -> dict:
    return {name: start_value(name, parse(text)) for name in parse(text).variables}


# (expression, step looked at: "last" for the final one)
STATES = [(e.text, step) for e in EXAMPLES for step in (0, 1, "last")] + [(OWN, 4), (LARGEST, 12)]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(("text", "step"), STATES)
def test_every_cell_runs_and_shows_something(app, lang: str, text: str, step, monkeypatch) -> None:
    monkeypatch.setenv("KAIBO_LANG", lang)
    expression = parse(text)
    k = expression.nodes if step == "last" else step
    outputs, defs = app.run(defs={
        "lesson": Lesson(SLUG), "reset": None, "expr_ui": controls(expr=text), "expression": expression,
        "values_ui": controls(**start(text)), "step_ui": controls(step=k)})
    assert defs["k"] == k and len(defs["steps"]) == expression.nodes
    assert defs["built"].root.data == parse(text).build(start(text)).root.data
    assert sum(output is not None for output in outputs) >= 10


@pytest.mark.parametrize(("text", "values"), [("a.__class__", None), ("log(a - b)", {"a": 1.0, "b": 1.0})])
def test_a_refused_or_undefined_expression_stops_the_page_with_its_message(app, text: str, values) -> None:
    given = {"lesson": Lesson(SLUG), "reset": None, "expr_ui": controls(expr=text)}
    if values is not None:
        given.update(expression=parse(text), values_ui=controls(**values))
    outputs, defs = app.run(defs=given)
    assert "steps" not in defs  # nothing after the message ran
    assert any(output is not None for output in outputs)


@pytest.mark.parametrize("text", [e.text for e in EXAMPLES] + [OWN, LARGEST, DEEPEST])
def test_the_drawing_stays_legible(text: str) -> None:
    assert parse(DEEPEST)  # the deepest expression accepted is drawn too
    built = parse(text).build(start(text))
    g = graph(built.root)
    placed = layout(g)
    assert placed.width <= MAX_WIDTH
    centres = placed.centre
    for i, (x0, y0) in centres.items():
        for j, (x1, y1) in centres.items():
            if i < j:
                assert abs(x0 - x1) >= BOX_W or abs(y0 - y1) >= BOX_H + 10, f"boxes {i} and {j} overlap"
    for edge, points in zip(g["edges"], placed.routes, strict=True):
        assert points[0][0] < points[-1][0]  # left to right
        for (ax, ay), (bx, by) in zip(points[:-1], points[1:], strict=True):
            for node, (cx, cy) in centres.items():
                if node in (edge["source"], edge["target"]):
                    continue
                crossing = [t / 40 for t in range(41)
                            if abs(ax + (bx - ax) * t / 40 - cx) < BOX_W / 2
                            and abs(ay + (by - ay) * t / 40 - cy) < BOX_H / 2]
                assert not crossing, f"the arrow {edge} runs through node {node}"


def test_the_deepest_accepted_expression_is_as_deep_as_allowed() -> None:
    assert DEEPEST.count("(") == MAX_DEPTH - 1  # seven minus signs and a product: MAX_DEPTH operations
