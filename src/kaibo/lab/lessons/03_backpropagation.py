"""Lesson 3: backpropagation on a computation graph. The learner's own expression, stepped node by node;
words and wiring only.

The expression is read by `kaibo.engine.expression` (safely: a whitelist over Python's `ast`, never eval),
built as a graph of `kaibo.engine.scalar.Value` nodes, and walked backwards by
`kaibo.engine.scalar_graph.backward_steps`, the backward pass itself one node at a time; the built-in
examples and their hand-derived derivatives are `kaibo.engine.expression_examples`; the graph is laid out
and drawn by `kaibo.lab.figures.backpropagation`. This page picks the step and explains.

Steps are counted from 1: step k processes the k-th node of the backward pass (the output first); step 0
is the graph after the forward pass, before any gradient.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 3")

with app.setup:
    import textwrap

    import marimo as mo

    from kaibo.engine import expression as reader
    from kaibo.engine import expression_examples as examples
    from kaibo.engine.expression import Expression, parse
    from kaibo.engine.scalar import Value
    from kaibo.engine.scalar_graph import backward_steps, graph, op_method, received_by
    from kaibo.errors import InputError
    from kaibo.lab.controls import Slider, Text
    from kaibo.lab.exhibits import shown, tex
    from kaibo.lab.exhibits import source as source_of
    from kaibo.lab.figures import backpropagation as draw
    from kaibo.lab.page import Lesson
    from kaibo.lab.path import lesson_url

    SLUG = "backpropagation"
    FIGURE = "graph"  # the id the example links open at: the controls, with the graph right under them
    LOW, HIGH, STEP = -5.0, 5.0, 0.1  # every variable's slider
    # The local derivative of each op, for its first input u and its second v; y is the node itself.
    RULES = {
        "+": (r"\frac{\partial (u + v)}{\partial u} = 1", r"\frac{\partial (u + v)}{\partial v} = 1"),
        "-": (r"\frac{\partial (u - v)}{\partial u} = 1", r"\frac{\partial (u - v)}{\partial v} = -1"),
        "*": (r"\frac{\partial (u v)}{\partial u} = v", r"\frac{\partial (u v)}{\partial v} = u"),
        "/": (r"\frac{\partial (u / v)}{\partial u} = \frac{1}{v}",
              r"\frac{\partial (u / v)}{\partial v} = -\frac{u}{v^2}"),
        "neg": (r"\frac{\partial (-u)}{\partial u} = -1",),
        "**": (r"\frac{\partial u^{n}}{\partial u} = n\,u^{n-1}",),
        "exp": (r"\frac{\partial e^{u}}{\partial u} = e^{u} = y",),
        "log": (r"\frac{\partial \log u}{\partial u} = \frac{1}{u}",),
        "tanh": (r"\frac{\partial \tanh u}{\partial u} = 1 - \tanh^2 u = 1 - y^2",),
        "relu": (r"\frac{\partial\,\mathrm{relu}(u)}{\partial u} = 1 \text{ if } u > 0,\ 0 \text{ otherwise}",),
        "sigmoid": (r"\frac{\partial \sigma(u)}{\partial u} = \sigma(u)\,(1 - \sigma(u)) = y\,(1 - y)",),
    }


@app.function
def name_of(g: dict, node_id: int) -> str:
    """A node as the text names it: a variable by its name, a number by its value, an op by #id; as code, so
    Markdown never reads "#3" at the start of a line as a heading."""
    return f"`{draw.node_name(g['nodes'][node_id])}`"


@app.function
def math_name(g: dict, node_id: int) -> str:
    """The same name inside a formula (\\#3, w_1)."""
    name = draw.node_name(g["nodes"][node_id])
    if name.startswith("#"):
        return r"\#" + name[1:]
    return name[0] + (f"_{{{name[1:]}}}" if len(name) > 1 and name[1:].isdigit() else name[1:])


@app.function
def chain_rule_lines() -> str:
    """The heart of `Value.chain_rule`: from the comment above the line that orders the nodes to the end."""
    lines = textwrap.dedent(source_of(Value.chain_rule)[0]).splitlines(keepends=True)
    start = next(k for k, line in enumerate(lines) if line.lstrip().startswith("order = "))
    while lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return textwrap.dedent("".join(lines[start:]))


@app.function
def bare(x: float) -> str:
    """A number alone in a formula, a result or a first term: without the brackets `tex` gives a negative
    number for a product (0.47 × (−1.5) = −0.705)."""
    return tex(x).removeprefix("(").removesuffix(")")


@app.function
def step_text(lesson, g: dict, steps: list, k: int, source: dict, variables: tuple) -> tuple[list, str]:
    """What step k did, in words and formulas with its numbers; and the code of the op that made the node."""
    s = steps[k - 1]
    n = g["nodes"][s.id]
    here, y = name_of(g, s.id), math_name(g, s.id)
    op = f"`{n['op']}`" if n["op"] else lesson.t("leaf")
    parts = [lesson.md("step_title", k=k, total=len(steps), name=here, op=op,
                       computes=source[s.id])]
    got = received_by(steps, s.id)
    if k == 1:
        parts.append(lesson.md("step_seed", name=here))
    else:
        pieces = " + ".join([bare(got[0][2]), *(tex(c) for _, _, c in got[1:])])
        whence = lesson.t("separator").join(lesson.t("from_step", step=j, name=name_of(g, i)) for j, i, _ in got)
        parts.append(lesson.md("step_upstream" if len(got) > 1 else "step_upstream_one", name=here,
                               count=len(got), whence=whence))
        parts.append(mo.md(rf"$$\frac{{\partial L}}{{\partial {y}}} = {pieces} = {bare(s.upstream)}$$"
                           if len(got) > 1 else rf"$$\frac{{\partial L}}{{\partial {y}}} = {bare(s.upstream)}$$"))
    if not s.parents:
        kind = "step_variable" if n["label"] in variables else "step_number"
        parts.append(lesson.md(kind, name=here, grad=shown(s.upstream)))
        return parts, ""
    names = [math_name(g, p) for p in s.parents]
    parts.append(lesson.md("step_inputs", name=here,
                           inputs=lesson.t(f"inputs.{len(names)}", u=name_of(g, s.parents[0]),
                                           v=name_of(g, s.parents[-1]))))
    rules = RULES["**" if n["op"].startswith("**") else n["op"]]
    lines = []
    for j, (p, local, c, before) in enumerate(zip(s.parents, s.local, s.contributions, s.received, strict=True)):
        named = names[j]  # the input as the formula names it: a, w_{1}, \#3
        rule = rules[j].replace("{n}", n["op"][2:]) if n["op"].startswith("**") else rules[j]
        said = rule.rsplit("=", 1)[-1].strip()  # a rule that is already a number (1, -1) is not said twice
        lines.append(rf"$${rule}$$" if said == bare(local) else rf"$${rule} = {bare(local)}$$")
        # The update `pending[parent] += contribution` of the code, as maths: the new sum so far of ∂L/∂u.
        # The local factor keeps the rule's u or v: in x * x both are x, and ∂y/∂x alone would mean their sum.
        grad_u, grad_y = rf"\frac{{\partial L}}{{\partial {named}}}", rf"\frac{{\partial L}}{{\partial {y}}}"
        lines.append(rf"$${grad_u} \leftarrow {grad_u} + {grad_y} \times \frac{{\partial y}}{{\partial {'uv'[j]}}}"
                     rf" = {bare(before)} + {tex(s.upstream)} \times {tex(local)} = {bare(before + c)}$$")
        arrived = sum(1 for j2, _, _ in received_by(steps, p) if j2 < k) + s.parents[:j].count(p) + 1
        expected = len(received_by(steps, p))
        said = "only" if expected == 1 else "complete" if arrived == expected else "partial"
        lines.append(lesson.t(f"so_far.{said}", name=name_of(g, p), arrived=arrived, expected=expected)
                     + (" " + lesson.t("so_far_again") if arrived > 1 else ""))
    lines.append(lesson.t("update_note"))
    parts.append(mo.md("\n\n".join(lines)))
    code = textwrap.dedent(source_of(op_method(n["op"]))[0])
    return parts, code


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    mo.vstack([lesson.md("intro"), lesson.md("chain")])
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    expr_ui = lesson.controls(reset, expr=Text(examples.EXAMPLES[0].text, max_length=2 * reader.MAX_LENGTH))
    return (expr_ui,)


@app.cell
def _(expr_ui, lesson, reset):
    links = "\n".join(
        f"- [`{e.text}`]({lesson_url(SLUG, lesson.lang, anchor=FIGURE, expr=e.text)}) — {lesson.t(f'example.{e.name}')}"
        for e in examples.EXAMPLES)
    mo.vstack([
        lesson.anchor(FIGURE),
        lesson.md("controls_intro"),
        expr_ui["expr"],
        mo.accordion({lesson.t("allowed_title"): lesson.md(
            "allowed", functions=", ".join(reader.FUNCTIONS), length=reader.MAX_LENGTH, depth=reader.MAX_DEPTH,
            nodes=reader.MAX_NODES, variables=reader.MAX_VARIABLES, exponent=reader.MAX_EXPONENT)}),
        lesson.md("examples"),
        mo.md(links),
        reset,
    ], gap=1)
    return


@app.cell
def _(expr_ui, lesson, reset):
    try:
        expression, _refusal = parse(expr_ui.value["expr"]), ""
    except InputError as error:
        expression, _refusal = None, error.message(lesson.lang)
    mo.stop(expression is None, mo.callout(mo.md(f"**{lesson.t('refused')}** {_refusal}"), kind="danger"))
    values_ui = lesson.controls(reset, **{
        name: Slider(LOW, HIGH, STEP, default=examples.start_value(name, expression), label="variable")
        for name in expression.variables})
    mo.vstack([lesson.md("values_intro"),
               mo.hstack([values_ui[name] for name in expression.variables], justify="start", gap=2, wrap=True)])
    return expression, values_ui


@app.cell
def _(expression: Expression, lesson, values_ui):
    try:
        built, _problem = expression.build(values_ui.value), ""
    except InputError as error:
        built, _problem = None, error.message(lesson.lang)
    mo.stop(built is None, mo.callout(mo.md(f"**{lesson.t('undefined')}** {_problem}"), kind="danger"))
    steps = list(backward_steps(built.root))  # the whole walk; the page shows it one step at a time
    g = graph(built.root)
    order = built.root.topological_order()
    source = {i: built.source[node] for i, node in enumerate(order)}
    return built, g, source, steps


@app.cell
def _(lesson, reset, steps):
    step_ui = lesson.controls(reset, step=Slider(0, len(steps), 1, default=1))
    # Far enough below the text that the slider's value bubble, shown while it moves, covers nothing.
    mo.vstack([lesson.md("step_intro", total=len(steps)), step_ui["step"]], gap=2.25)
    return (step_ui,)


@app.cell
def _(built, g, lesson, source, step_ui, steps):
    k = step_ui.value["step"]
    _chart, _data, _rows = draw.graph_chart(lesson, g, steps, k, source)
    grads = ", ".join(f"∂L/∂{name} = {shown(leaf.grad)}" for name, leaf in built.leaves.items())
    here = g["nodes"][steps[k - 1].id] if k else None
    current = f"{draw.node_name(here)} ({here['op'] or lesson.t('leaf')})" if here else "—"
    mo.vstack([
        lesson.figure("graph", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("legend")}</p>'),
        lesson.readout(output=built.root.data, node=current, upstream=steps[k - 1].upstream if k else "—",
                       grads=grads),
    ])
    return (k,)


@app.cell
def _(expression: Expression, g, k, lesson, source, steps):
    if k == 0:
        detail = mo.vstack([lesson.md("step_zero")])
    else:
        words, code = step_text(lesson, g, steps, k, source, expression.variables)
        machine = [lesson.md("code_op" if code else "code_leaf")]
        if code:
            machine.append(mo.md(f"```python\n{code}```"))
        machine += [lesson.md("code_chain"), mo.md(f"```python\n{chain_rule_lines()}```")]
        # The numbers, then the code that produced them: full width, so no line of the code is cut.
        detail = mo.vstack([*words, *machine])
    mo.vstack([lesson.md("close_title"), detail])
    return


@app.cell
def _(built, g, lesson, steps):
    ids = {node["label"]: node["id"] for node in g["nodes"] if node["label"] in built.leaves}
    sums = []
    for name, i in ids.items():
        got = received_by(steps, i)
        if len(got) > 1:
            terms = " + ".join(f"{tex(c)}" for _, _, c in got)
            whence = lesson.t("separator").join(lesson.t("from_step", step=j, name=name_of(g, f)) for j, f, _ in got)
            sums.append(lesson.t("sum_line", name=name, count=len(got), whence=whence) +
                        f"\n\n$$\\frac{{\\partial L}}{{\\partial {math_name(g, i)}}} = {terms} = "
                        f"{tex(built.leaves[name].grad)}$$")
    mo.vstack([lesson.md("accumulate"), mo.md("\n\n".join(sums)) if sums else lesson.md("accumulate_none")])
    return


@app.cell
def _(built, expression: Expression, lesson):
    values = {name: leaf.data for name, leaf in built.leaves.items()}
    again = expression.build(values)  # a fresh graph of the same expression: every gradient 0
    rounds = []
    again.root.backward()
    rounds.append({name: leaf.grad for name, leaf in again.leaves.items()})
    again.root.backward()  # a second time, without zero_grad: every gradient is added again
    rounds.append({name: leaf.grad for name, leaf in again.leaves.items()})
    again.root.zero_grad()
    again.root.backward()
    rounds.append({name: leaf.grad for name, leaf in again.leaves.items()})
    _header = f"| | {' | '.join(lesson.t(f'round.{r}') for r in range(3))} |\n|---|---:|---:|---:|\n"
    _table = _header + "\n".join(f"| ∂L/∂{name} | " + " | ".join(shown(r[name]) for r in rounds) + " |"
                                 for name in expression.variables)
    mo.vstack([lesson.md("zero_grad"), mo.md(_table), lesson.md("zero_grad_why")])
    return


@app.cell
def _(expression: Expression, lesson, values):
    found = examples.example_of(expression)
    if found is None:
        check_view, largest = lesson.md("analytic_none"), None
    else:
        _agree = examples.compare(found, values)
        largest = max(r.difference for r in _agree)
        _table = (f"| | {lesson.t('column.formula')} | {lesson.t('column.backprop')} | {lesson.t('column.analytic')} "
                 f"| {lesson.t('column.difference')} |\n|---|---|---:|---:|---:|\n" +
                 "\n".join(f"| ∂L/∂{r.variable} | ${found.formulas[r.variable]}$ | {shown(r.backprop)} | "
                           f"{shown(r.analytic)} | {shown(r.difference)} |" for r in _agree))
        check_view = mo.vstack([lesson.md("analytic_intro"), mo.md(_table),
                                lesson.readout(largest_difference=largest), lesson.md("analytic_after")])
    mo.vstack([lesson.md("analytic_title"), check_view])
    return


@app.cell
def _(lesson):
    lesson.code(parse, Expression.build, Value.chain_rule, backward_steps, examples.compare)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(sign=("positive", "negative", "zero"), count=("one", "two", "more"), second=("yes", "no"))
    return (quiz,)


@app.cell
def _(built, g, k, lesson, quiz, steps):
    first = next(iter(built.leaves))
    grad = built.leaves[first].grad
    counts = {name: len(received_by(steps, node["id"]))
              for name in built.leaves for node in g["nodes"] if node["label"] == name}
    most = max(counts, key=counts.get)
    # Counted, not read off a sum: an earlier contribution can be exactly 0 (relu below its kink).
    seconds = [p for p in set(steps[k - 1].parents)
               if len([1 for j, _, _ in received_by(steps, p) if j <= k]) > 1] if k else []
    lesson.check(
        quiz,
        asked={"sign": {"name": first}, "count": {"name": most}, "second": {"step": k}},
        sign="positive" if grad > 0 else "negative" if grad < 0 else "zero",
        count={1: "one", 2: "two"}.get(counts[most], "more"),
        second="yes" if seconds else "no",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
