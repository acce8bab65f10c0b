"""Lesson 3 in the browser: the step slider walks the backward pass (the graph and the numbers follow), a
variable's slider recomputes everything, a typed expression is drawn and one that is not allowed is refused
with its message; the self-check is answered wrongly, then rightly, from the numbers the library computes;
in Japanese and English. Screenshots of every built-in example and of a learner's own
15-node expression land in test-output/browser/<test file>/<test>/ to be looked at."""

from playwright.sync_api import expect

from kaibo.engine.expression import parse
from kaibo.engine.expression_examples import EXAMPLES, compare, start_value
from kaibo.engine.scalar_graph import backward_steps, graph
from kaibo.errors import InputError
from kaibo.i18n import t
from kaibo.lab.exhibits import shown
from kaibo.lab.figures.backpropagation import node_name
from tests.browser.lab import Lab

SLUG = "backpropagation"
OWN = "sigmoid(a*b - c) * log(a + 2) + (b / (c + 3)) ** 2"  # a learner's own: 15 nodes, a b c used twice


def lesson(key: str, lang: str, **args: object) -> str:
    return t(f"{SLUG}.{key}", lang, **args)


def shows(lab: Lab, text: str, values: dict, step: int, lang: str) -> None:
    """The page shows what the library computes for `text` at `values`, at backward step `step`."""
    built = parse(text).build(values)
    steps = list(backward_steps(built.root))
    g = graph(built.root)
    node = g["nodes"][steps[step - 1].id]
    lab.wait_value("grads", ", ".join(f"∂L/∂{n} = {shown(v.grad)}" for n, v in built.leaves.items()))
    lab.wait_value("node", f"{node_name(node)} ({node['op'] or lesson('leaf', lang)})")
    lab.wait_value("upstream", shown(steps[step - 1].upstream))
    assert lab.value("output") == shown(built.root.data)


def test_stepping_and_values_redraw_the_graph(lab: Lab) -> None:
    lab.open(SLUG, "ja")
    first = EXAMPLES[0]
    shows(lab, first.text, first.values, 1, "ja")
    lab.shot("default")
    before = lab.fingerprint(0)

    lab.slide(lesson("control.step", "ja"), 1)
    lab.wait_query(step="2")
    shows(lab, first.text, first.values, 2, "ja")
    before = lab.wait_changed(0, before)

    lab.slide(lesson("control.step", "ja"), 2)  # step 4: a*b sends a its second contribution
    lab.wait_query(step="4")
    shows(lab, first.text, first.values, 4, "ja")
    before = lab.wait_changed(0, before)
    expect(lab.page.get_by_text(lesson("so_far_again", "ja").strip("*"))).to_be_visible()
    lab.shot("second-contribution")

    lab.slide(lesson("control.variable", "ja", name="a"), 1)  # a: 0.5 → 0.6
    lab.wait_query(a="0.6")
    shows(lab, first.text, {**first.values, "a": 0.6}, 4, "ja")
    lab.wait_changed(0, before)
    largest = max(row.difference for row in compare(first, {**first.values, "a": 0.6}))
    assert lab.value("largest_difference") == shown(largest) and largest < 1e-15

    page = lab.page
    page.get_by_role("link", name="English").first.click()  # the language switch keeps the view
    page.get_by_role("heading", name="Backpropagation on a computation graph", exact=True).wait_for()
    lab.goto(page.url)
    assert lab.query() == {"lang": "en", "step": "4", "a": "0.6"}
    shows(lab, first.text, {**first.values, "a": 0.6}, 4, "en")

    built = parse(first.text).build({**first.values, "a": 0.6})
    built.root.backward()
    right = "negative" if built.leaves["a"].grad < 0 else "positive"
    wrong = {"negative": "positive", "positive": "negative"}[right]
    lab.self_check("sign", lesson(f"check.sign.{wrong}", "en"), lesson(f"check.sign.{right}", "en"),
                   lesson("check.sign.where", "en"))
    lab.self_check("count", lesson("check.count.one", "en"), lesson("check.count.two", "en"),  # a is used twice
                   lesson("check.count.where", "en", name="a"))
    lab.self_check("second", lesson("check.second.no", "en"), lesson("check.second.yes", "en"),  # a's second
                   lesson("check.second.where", "en"))


def telling_step(text: str, values: dict) -> int:
    """A step whose labelled arrows are worth a look: the first where a node uses one input twice (w2*w2,
    a*a: two arrows side by side, each with its label), else step 3."""
    steps = list(backward_steps(parse(text).build(values).root))
    return next((k for k, s in enumerate(steps, start=1) if len(set(s.parents)) < len(s.parents)),
                min(3, len(steps) - 1))


def test_every_built_in_example_is_drawn(lab: Lab) -> None:
    for found in EXAMPLES[1:]:
        step = telling_step(found.text, found.values)
        lab.open(SLUG, "en", expr=found.text, step=step)
        shows(lab, found.text, found.values, step, "en")
        lab.shot(found.name)


def test_a_typed_expression_is_drawn_and_a_forbidden_one_refused(lab: Lab) -> None:
    lab.open(SLUG, "en")
    before = lab.fingerprint(0)
    field = lab.page.locator("marimo-text input")
    field.fill(OWN)
    field.press("Enter")
    lab.wait_query(expr=OWN)
    values = {name: start_value(name, parse(OWN)) for name in parse(OWN).variables}
    shows(lab, OWN, values, 1, "en")
    lab.wait_changed(0, before)
    assert len(graph(parse(OWN).build(values).root)["nodes"]) == 15
    expect(lab.page.get_by_text(lesson("analytic_none", "en"))).to_be_visible()
    lab.shot("own")

    field.fill("__import__('os').system('ls')")
    field.press("Enter")
    try:
        parse("__import__('os').system('ls')")
    except InputError as error:
        refusal = error.message("en")
    expect(lab.page.get_by_text(refusal)).to_be_visible()
    expect(lab.page.locator('[data-kaibo-value="node"]')).to_have_count(0)
    lab.shot("refused")

    try:  # fine as text, undefined at these values: said on the page, in its language
        parse("log(a - b)").build({"a": 1.0, "b": 1.0})
    except InputError as error:
        undefined = error.message("ja")
    lab.open(SLUG, "ja", ready=f"text={undefined}", expr="log(a - b)", a=1, b=1)
    expect(lab.page.get_by_text(lesson("undefined", "ja"))).to_be_visible()
