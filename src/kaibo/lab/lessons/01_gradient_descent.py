"""Lesson 1: gradient descent. A blindfolded walker on a loss landscape; words and wiring only.

Every number comes from `kaibo.train.descent` (the walk, the saddle-escape counts) on the landscapes of
`kaibo.models.landscapes`; this page only picks the settings, draws and explains.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 1")

with app.setup:
    from functools import cache

    import altair as alt
    import marimo as mo

    from kaibo.data import load_bmi_progression
    from kaibo.engine.optim import SGD, Adam
    from kaibo.lab.controls import Choice, LogSlider, Slider
    from kaibo.lab.exhibits import shown, tex
    from kaibo.lab.page import Lesson
    from kaibo.lab.path import lesson_url
    from kaibo.models.landscapes import get_landscape
    from kaibo.train import descent

    SLUG = "gradient_descent"
    STARTS = {"line": (-1.0, 3.0), "hills": (-1.5, 2.0)}  # where each landscape's walk begins by default
    SHOWN_NAMES = {"w1": "w₁", "w2": "w₂"}  # the parameters as the text writes them
    # The saddle experiment: a start next to the saddle and how far counts as "away" (kaibo.train.descent).
    NEAR_SADDLE, ESCAPE_RADIUS, ESCAPE_LIMIT, ON_SADDLE_LIMIT = (0.01, 0.3), 0.5, 2000, 300


@app.function
def rule(lesson, run, i: int, names: tuple) -> str:
    """Step i's update, one line per parameter, with the numbers the optimizer really used."""
    n = run.rule(i)
    # What each optimizer subtracts η times, for parameter p: as a symbol, and as step i's numbers.
    moves = {
        "sgd": (r"\frac{\partial L}{\partial %s}", lambda k: tex(n["grad"][k])),
        "momentum": (r"v_{%s}", lambda k: tex(n["velocity"][k])),
        "adam": (r"\frac{\hat m_{%s}}{\sqrt{\hat v_{%s}} + \epsilon}",
                 lambda k: rf"\frac{{{tex(n['m_hat'][k])}}}{{\sqrt{{{tex(n['v_hat'][k])}}} + \epsilon}}"),
    }
    symbol, numbers = moves[run.optimizer]
    lines = []
    for k, name in enumerate(names):
        p = name[0] + (f"_{name[1:]}" if len(name) > 1 else "")  # w1 → w_1
        equation = (rf"{p} \leftarrow {p} - \eta\,{symbol.replace('%s', p)} = {tex(n['before'][k])} - "
                    rf"{tex(n['lr'])} \times {numbers(k)} = {tex(n['after'][k])}")
        if run.optimizer == "momentum":  # first the velocity, from the last step's (v = g at the first step)
            v, grad = rf"v_{{{p}}}", rf"\frac{{\partial L}}{{\partial {p}}}"
            velocity = (rf"{v} \leftarrow \mu\,{v} + {grad} = {tex(n['momentum'])} \times "
                        rf"{tex(run.rule(i - 1)['velocity'][k])} + {tex(n['grad'][k])} = {tex(n['velocity'][k])}"
                        if i else rf"{v} \leftarrow {grad} = {tex(n['grad'][k])}")
            lines.append(f"$$\n{velocity}\n$$")
        lines.append(f"$$\n{equation}\n$$")
    notes = {"sgd": lesson.t("rule_sign"),
             "momentum": lesson.t("rule_momentum", mu=n.get("momentum")),
             "adam": lesson.t("rule_adam", t=n.get("t"), beta1=n.get("beta1"), beta2=n.get("beta2"),
                              eps=n.get("eps"))}
    return "\n\n".join([*lines, notes[run.optimizer]])


@app.function
@cache
def escapes(lr: float) -> tuple[dict, dict]:
    """Steps each optimizer needs to leave the saddle, from next to it and from exactly on it. Cached: the
    cell that shows them runs again whenever any control moves, and only the learning rate matters here."""
    near = descent.saddle_escape_steps("hills", NEAR_SADDLE, lr, radius=ESCAPE_RADIUS, max_steps=ESCAPE_LIMIT)
    on = descent.saddle_escape_steps("hills", (0.0, 0.0), lr, radius=ESCAPE_RADIUS, max_steps=ON_SADDLE_LIMIT)
    return near, on


@app.function
def try_links(lesson, **tries: dict) -> mo.Html:
    """One link per experiment, each reopening this page with its settings (the rest at their defaults)."""
    return mo.md("\n".join(f"- [{lesson.t(f'try.{key}')}]({lesson_url(SLUG, lesson.lang, **state)})"
                           for key, state in tries.items()))


@app.function
@cache
def ground(name: str) -> tuple[dict, ...]:
    """The loss on a 61 × 61 grid over the landscape's window, one row per grid line: Vega-Lite flattens
    the rows into points in the browser, which keeps the chart's specification small and fast to build."""
    p0, p1, loss = get_landscape(name).grid(61)
    return tuple({"p1": row[0], "p0": xs, "loss": ls}
                 for row, xs, ls in zip(p1.tolist(), p0.tolist(), loss.tolist(), strict=True))


@app.function
def walk_chart(lesson, land, run, i: int):
    """The landscape as a heat map with the path on it, beside the loss at every step; and the data sets
    the chart names (`lesson.figure` attaches them to the finished chart, which is much faster)."""
    names, ((lo0, hi0), (lo1, hi1)) = [SHOWN_NAMES.get(n, n) for n in land.param_names], land.window
    steps = [{"step": s, "p0": a, "p1": b, "loss": c}
             for s, ((a, b), c) in enumerate(zip(run.path.tolist(), run.loss.tolist(), strict=True))]
    data = {"ground": list(ground(land.name)), "path": steps, "start": steps[:1], "here": steps[i:i + 1],
            "marks": [{"p0": m.point[0], "p1": m.point[1], "name": lesson.t(f"landmark.{m.name}")}
                      for m in land.landmarks]}
    chart = {name: alt.Chart(alt.NamedData(name)) for name in data}
    x = alt.X("p0:Q", title=names[0], scale=alt.Scale(domain=[lo0, hi0], nice=False))
    y = alt.Y("p1:Q", title=names[1], scale=alt.Scale(domain=[lo1, hi1], nice=False))
    color = alt.Color("loss:Q", title=lesson.t("axis.loss"), scale=alt.Scale(scheme="viridis", type="sqrt"))
    landscape = alt.layer(
        chart["ground"].transform_flatten(["p0", "loss"]).mark_square(size=48, opacity=1).encode(x, y, color),
        chart["path"].mark_line(color="white", strokeWidth=2, clip=True).encode(x, y, order="step:Q"),
        chart["path"].mark_circle(color="white", size=18, opacity=1, clip=True).encode(x, y),
        chart["start"].mark_circle(color="white", size=160, opacity=1, stroke="black").encode(x, y),
        chart["here"].mark_point(color="#f97316", size=260, strokeWidth=3, clip=True).encode(x, y),
        # Landmarks last, so the path never hides them; the valleys they sit in are dark, hence white text.
        chart["marks"].mark_point(shape="diamond", filled=True, color="white", stroke="black", size=110)
        .encode(x, y),
        chart["marks"].mark_text(dy=15, fontWeight="bold", color="white").encode(x, y, text="name:N"),
    ).properties(width=360, height=360)
    step_x = alt.X("step:Q", title=lesson.t("axis.step"))
    curve = alt.layer(
        chart["path"].mark_line(point=True).encode(step_x, alt.Y("loss:Q", title=lesson.t("axis.loss"))),
        chart["here"].mark_rule(color="#f97316", strokeWidth=2).encode(step_x),
    ).properties(width=300, height=360)
    return alt.hconcat(landscape, curve), data


@app.function
def data_chart(lesson, w: float, b: float):
    """The patients' data and the line y = w·x + b of the step looked at (drawn by the browser); and the
    data set it names."""
    data = load_bmi_progression()
    titles = {}
    for key, column in (("x", data.x_column), ("y", data.y_column)):
        name = lesson.text(column.label_key)
        titles[key] = f"{key} = {f'({name} − {column.offset:g})' if column.offset else name} ÷ {column.scale:g}"
    points = alt.Chart(alt.NamedData("points"))
    x = alt.X("x:Q", title=titles["x"])
    chart = alt.layer(
        points.mark_circle(size=20, opacity=0.5).encode(x, alt.Y("y:Q", title=titles["y"])),
        points.transform_calculate(fit=f"{w} * datum.x + {b}").mark_line(color="#f97316", strokeWidth=3)
        .encode(x, alt.Y("fit:Q")),
    ).properties(width=500, height=260)
    rows = [{"x": a, "y": c} for a, c in zip(data.x.tolist(), data.y.tolist(), strict=True)]
    return chart, {"points": rows}


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    mo.vstack([lesson.md("intro"), lesson.md("walker")])
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    ui = lesson.controls(
        reset,
        landscape=Choice(("line", "hills"), default="line"),
        optimizer=Choice(descent.OPTIMIZERS, default="sgd"),
        lr=LogSlider(0.001, 3.0, default=0.1),
        steps=Slider(5, 300, 5, default=50),
    )
    return (ui,)


@app.cell
def _(lesson, reset, ui):
    land = get_landscape(ui.value["landscape"])
    start_ui = lesson.controls(reset, **{
        name: Slider(lo, hi, 0.01, default=STARTS[land.name][k])
        for k, (name, (lo, hi)) in enumerate(zip(land.param_names, land.window, strict=True))})
    mo.vstack([
        lesson.md("controls_intro"),
        mo.hstack([ui["landscape"], ui["optimizer"]], justify="start", gap=2),
        mo.hstack([ui["lr"], ui["steps"]], justify="start", gap=2),
        mo.hstack([*(start_ui[name] for name in land.param_names), reset], justify="start", gap=2),
    ])
    return land, start_ui


@app.cell
def _(land, start_ui, ui):
    start = tuple(start_ui.value[name] for name in land.param_names)
    run = descent.walk(land, start, ui.value["optimizer"], ui.value["lr"], ui.value["steps"])
    return (run,)


@app.cell
def _(inspect_ui, run):
    # A walk stopped by divergence made fewer steps than asked: look at its last one.
    shown_step = min(inspect_ui.value["step"], max(run.steps - 1, 0))
    return (shown_step,)


@app.cell
def _(land, lesson, run, shown_step):
    names = land.param_names
    rows = [{"step": s, **dict(zip(names, point, strict=True)), "loss": c,
             **{f"dL/d{n}": g for n, g in zip(names, grad, strict=True)}}
            for s, (point, c, grad) in enumerate(zip(run.path.tolist(), run.loss.tolist(), run.grad.tolist(),
                                                     strict=True))]
    verdict = [lesson.t(f"outcome.{run.outcome}", at=run.converged_at, tol=run.tol)]
    if run.stopped_at is not None:
        verdict.append(lesson.t("outcome.stopped_at", step=run.stopped_at))
    if run.outcome == "converged" and run.end_landmark == "local_minimum":
        verdict.append(lesson.t("outcome.at_local"))
    kinds = {"converged": "success", "crawling": "info", "oscillating": "warn", "diverged": "danger",
             "stalled": "warn"}
    end = run.path[-1].tolist()
    chart, datasets = walk_chart(lesson, land, run, shown_step)
    mo.vstack([
        lesson.figure("walk", chart, rows, datasets=datasets),
        mo.callout(mo.md("\n\n".join(verdict)), kind=kinds[run.outcome]),
        lesson.readout(outcome=lesson.text(f"descent.outcome.{run.outcome}"), steps_made=run.steps,
                       loss_start=float(run.loss[0]), loss_end=float(run.loss[-1]),
                       end=f"({shown(end[0])}, {shown(end[1])})", grad_end=run.grad_norm),
    ])
    return


@app.cell
def _(lesson, reset, ui):
    inspect_ui = lesson.controls(reset, step=Slider(0, ui.value["steps"] - 1, 1, default=0))
    mo.vstack([lesson.md("rule_title"), inspect_ui["step"]])
    return (inspect_ui,)


@app.cell
def _(inspect_ui, land, lesson, run, shown_step):
    if run.steps == 0:
        closeup = [lesson.md("rule_none")]
    else:
        point, grad = run.path[shown_step].tolist(), run.grad[shown_step].tolist()
        closeup = [lesson.md("rule_intro", point=f"({shown(point[0])}, {shown(point[1])})",
                             loss=shown(float(run.loss[shown_step])), grad=f"({shown(grad[0])}, {shown(grad[1])})"),
                   mo.md(rule(lesson, run, shown_step, land.param_names))]
        if inspect_ui.value["step"] > shown_step:
            closeup.append(lesson.md("rule_stopped", made=run.steps, last=shown_step))
    if land.name == "line":
        _chart, _data = data_chart(lesson, *run.path[shown_step].tolist())
        closeup.append(lesson.figure("data", _chart, _data["points"], datasets=_data))
    mo.vstack(closeup)
    return


@app.cell
def _(lesson):
    rates = try_links(lesson, small={"lr": 0.01}, right={"lr": 0.1}, large={"lr": 1.0})
    mo.vstack([lesson.md("rates"), rates, lesson.md("optimizers")])
    return


@app.cell
def _(lesson):
    hills = try_links(lesson, local={"landscape": "hills", "w1": -1.5, "w2": 2.0},
                      near_saddle={"landscape": "hills", "w1": NEAR_SADDLE[0], "w2": NEAR_SADDLE[1], "steps": 100},
                      on_saddle={"landscape": "hills", "w1": 0.0, "w2": 0.0})
    mo.vstack([lesson.md("hills"), hills])
    return


@app.cell
def _(lesson, ui):
    near, on = escapes(ui.value["lr"])
    never = {limit: lesson.t("never", steps=limit) for limit in (ESCAPE_LIMIT, ON_SADDLE_LIMIT)}
    mo.vstack([
        lesson.md("saddle", lr=ui.value["lr"], radius=ESCAPE_RADIUS),
        lesson.readout(**{name: never[ESCAPE_LIMIT] if n is None else n for name, n in near.items()},
                       on_saddle=never[ON_SADDLE_LIMIT] if on["sgd"] is None else on["sgd"]),
    ])
    return near, on


@app.cell
def _(lesson):
    lesson.code(descent.walk, descent._run, SGD, Adam, descent.saddle_escape_steps)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(direction=("down", "up", "same"), slowest=descent.OPTIMIZERS,
                       on_saddle=("one", "some", "never"))
    return (quiz,)


@app.cell
def _(lesson, near, on, quiz, run, shown_step):
    move = run.update[shown_step][0] if run.steps else 0.0
    most = max(ESCAPE_LIMIT + 1 if n is None else n for n in near.values())
    lesson.check(
        quiz,
        direction="down" if move < 0 else "up" if move > 0 else "same",
        slowest=[name for name, n in near.items() if (ESCAPE_LIMIT + 1 if n is None else n) == most],
        on_saddle="never" if on["sgd"] is None else "one" if on["sgd"] == 1 else "some",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
