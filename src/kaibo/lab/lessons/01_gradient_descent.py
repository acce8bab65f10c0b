"""Lesson 1: gradient descent. A blindfolded walker on a loss landscape; words and wiring only.

Every number comes from `kaibo.train.descent` (the walk and its outcome, the steps it would need to settle,
the saddle-escape counts, SGD's rate limit) on the landscapes of `kaibo.models.landscapes` (the loss, its
contour levels and cross-sections); this page only picks the settings, draws and explains.

Steps are counted from 1 everywhere on the page: step s goes from point s − 1 to point s, and point 0 is
the start, so "after s steps" is point s on the map and s on the loss chart's axis.
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
    FIGURE = "walk"  # the id the presets' links open at: the controls, with the figure right under them
    STARTS = {"line": (-1.0, 3.0), "hills": (-1.5, 2.0)}  # where each landscape's walk begins by default
    SHOWN_NAMES = {"w1": "w₁", "w2": "w₂"}  # the parameters as the text writes them
    MAX_STEPS = 300  # the steps slider's end: "it settles after n steps" is only said when n is reachable
    NUMBERED = 15  # a walk this short has its points numbered on the map
    ORANGE, GREY = "#f97316", "#9ca3af"
    # The saddle experiment: a start next to the saddle and how far counts as "away" (kaibo.train.descent).
    NEAR_SADDLE, ESCAPE_RADIUS, ESCAPE_LIMIT, ON_SADDLE_LIMIT = (0.01, 0.3), 0.5, 2000, 300


@app.function
def rule(lesson, run, s: int, names: tuple) -> str:
    """Step s's update (s from 1), one line per parameter, with the numbers the optimizer really used."""
    i = s - 1
    n = run.rule(i)
    # What each optimizer subtracts η times, for parameter p: as a symbol, and as step s's numbers.
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
    rate = lesson.t(f"rule_rate.{run.schedule}", lr=shown(float(n["lr"])), base=shown(run.lr), step=s,
                    steps=run.steps)
    return "\n\n".join([*lines, notes[run.optimizer], rate])


@app.function
def verdict(lesson, land, run) -> tuple[list[str], str]:
    """What the outcome box says about `run`, paragraph by paragraph, and its kind (marimo's callout)."""
    outcome = run.outcome
    if outcome == "crawling" and run.near is not None:
        outcome = "nearly"  # still going straight down, and already close: more steps, not a larger rate
    mark = land.landmark(run.near) if run.near else None
    text = [lesson.t(f"outcome.{outcome}", at=run.converged_at, tol=run.tol, steps=run.steps,
                     near_at=run.near_at, rise=shown(run.rise), mark=lesson.t(f"landmark.{run.near}") if mark else "",
                     bottom=shown(mark.loss) if mark else "", p0=SHOWN_NAMES.get(land.param_names[0], "w"),
                     push=shown(float(abs(run.grad[:, 0]).max())))]
    if outcome == "settling":
        text.append(lesson.t(f"settling.{run.optimizer}", mu=descent.MOMENTUM))
    if outcome in ("settling", "nearly"):
        if run.schedule == "constant":
            start = tuple(run.path[0].tolist())
            need = descent.steps_to_converge(land, start, run.optimizer, run.lr, limit=MAX_STEPS)
            text.append(lesson.t("settle_after", steps=need) if need else lesson.t("settle_never", steps=MAX_STEPS))
        else:
            text.append(lesson.t("settle_schedule", lr=shown(float(run.lrs[-1]))))
    if run.stopped_at is not None:
        text.append(lesson.t("outcome.stopped_at", step=run.stopped_at, made=run.steps, far=int(descent.FAR)))
    if outside := off_map(land, run):
        text.append(lesson.t("outcome.outside", points=runs_of(outside)))
    if outcome == "converged" and run.end_landmark == "local_minimum":
        text.append(lesson.t("outcome.at_local"))
    kinds = {"converged": "success", "settling": "info", "nearly": "info", "crawling": "info",
             "oscillating": "warn", "diverged": "danger", "stalled": "warn", "trapped": "warn"}
    return text, kinds[outcome]


@app.function
def off_map(land, run) -> list[int]:
    """The points of the walk (numbered by the steps that reached them) that lie outside the map."""
    return [k for k, point in enumerate(run.path.tolist()) if not land.contains(point)]


@app.function
def runs_of(numbers: list[int]) -> str:
    """1, 2, 3, 4, 7 → "1–4, 7": a long list of step numbers, short."""
    spans, first = [], None
    for k, n in enumerate(numbers):
        first = n if first is None else first
        if k + 1 == len(numbers) or numbers[k + 1] != n + 1:
            spans.append(str(n) if n == first else f"{first}–{n}")
            first = None
    return ", ".join(spans)


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
    """One link per experiment, each reopening this page with its settings (the rest at their defaults), at
    the controls and the figure rather than at the top of the page."""
    return mo.md("\n".join(f"- [{lesson.t(f'try.{key}')}]({lesson_url(SLUG, lesson.lang, anchor=FIGURE, **state)})"
                           for key, state in tries.items()))


@app.function
@cache
def ground(name: str) -> tuple[tuple[dict, ...], str]:
    """The loss on a 61 × 61 grid over the landscape's window, one row per grid line, with the contour band
    of each point (Vega-Lite flattens the rows into points in the browser, which keeps the chart's
    specification small and fast to build); and the band's names for the legend, "< 0.78", "0.78–1.2", …"""
    land = get_landscape(name)
    p0, p1, loss = land.grid(61)
    rows = tuple({"p1": row[0], "p0": xs, "loss": ls, "band": bs} for row, xs, ls, bs in
                 zip(p1.tolist(), p0.tolist(), loss.tolist(), land.band(loss).tolist(), strict=True))
    levels = [shown(level) for level in land.levels()]
    names = [f"< {levels[0]}", *(f"{a} – {b}" for a, b in zip(levels[:-1], levels[1:], strict=True)),
             f"≥ {levels[-1]}"]
    return rows, "[" + ", ".join(f"'{name}'" for name in names) + "]"


@app.function
def halo(chart, *encodings, text: str, **mark) -> list:
    """Text that stays readable on any colour and over the path: a black outline, white letters on top."""
    return [chart.mark_text(stroke="black", strokeWidth=3, strokeJoin="round", **mark).encode(*encodings, text=text),
            chart.mark_text(color="white", **mark).encode(*encodings, text=text)]


@app.function
def walk_chart(lesson, land, run, s: int):
    """The landscape in contour bands with the path on it, beside the loss after each step (and η at each
    step when a schedule changes it); and the data sets the chart names (`lesson.figure` attaches them to
    the finished chart, which is much faster). s is the step looked at, 0 when there is none."""
    names, ((lo0, hi0), (lo1, hi1)) = [SHOWN_NAMES.get(n, n) for n in land.param_names], land.window
    points = [{"step": k, "p0": a, "p1": b, "loss": c}
              for k, ((a, b), c) in enumerate(zip(run.path.tolist(), run.loss.tolist(), strict=True))]
    rows, band_names = ground(land.name)
    data = {"ground": list(rows), "path": points, "start": points[:1],
            "here": points[s - 1:s + 1] if s else [], "landed": points[s:s + 1] if s else [],
            "numbered": points if run.steps <= NUMBERED else [],
            "marks": [{"p0": m.point[0], "p1": m.point[1], "name": lesson.t(f"landmark.{m.name}")}
                      for m in land.landmarks]}
    chart = {name: alt.Chart(alt.NamedData(name)) for name in data}
    x = alt.X("p0:Q", title=names[0], scale=alt.Scale(domain=[lo0, hi0], nice=False))
    y = alt.Y("p1:Q", title=names[1], scale=alt.Scale(domain=[lo1, hi1], nice=False))
    # Contour bands (kaibo.models.landscapes.Landscape.levels): each edge between two colours is a line of
    # equal loss, and the second valley and the pass of the hills get colours of their own.
    color = alt.Color("band:O", title=lesson.t("axis.map_loss"), scale=alt.Scale(scheme="viridis"),
                      legend=alt.Legend(orient="left", symbolType="square", symbolSize=150, symbolStrokeWidth=0,
                                        titleLimit=200, labelExpr=f"{band_names}[datum.value]"))
    landscape = alt.layer(
        chart["ground"].transform_flatten(["p0", "loss", "band"]).mark_square(size=48, opacity=1).encode(x, y, color),
        chart["path"].mark_line(color="white", strokeWidth=2, clip=True).encode(x, y, order="step:Q"),
        chart["path"].mark_circle(color="white", size=18, opacity=1, clip=True).encode(x, y),
        chart["here"].mark_line(color=ORANGE, strokeWidth=4, clip=True).encode(x, y, order="step:Q"),
        chart["landed"].mark_point(color=ORANGE, size=200, strokeWidth=3, clip=True).encode(x, y),
        chart["start"].mark_circle(color="white", size=110, opacity=1, stroke="black", strokeWidth=1.5)
        .encode(x, y),
        *halo(chart["numbered"], x, y, text="step:Q", dx=7, dy=-8, fontSize=11, align="left", clip=True),
        # Landmarks last, so the path never hides them; their names outlined so they read over the path.
        chart["marks"].mark_point(shape="diamond", filled=True, color="white", stroke="black", size=110)
        .encode(x, y),
        *halo(chart["marks"], x, y, text="name:N", dy=16, fontWeight="bold"),
    ).properties(width=360, height=360)
    steps_axis = alt.Axis(tickMinStep=1, format="d")
    step_x = alt.X("step:Q", title=lesson.t("axis.steps_taken"), axis=steps_axis,
                   scale=alt.Scale(domain=[0, max(run.steps, 1)], nice=False))
    loss_y = alt.Y("loss:Q", title=lesson.t("axis.loss"))
    curve = alt.layer(
        chart["path"].mark_line(point=True).encode(step_x, loss_y),
        chart["here"].mark_line(color=ORANGE, strokeWidth=4).encode(step_x, loss_y),
        chart["landed"].mark_point(color=ORANGE, size=120, strokeWidth=3).encode(step_x, loss_y),
    ).properties(width=300, height=360 if run.schedule == "constant" else 250)
    if run.schedule == "constant":
        return alt.hconcat(landscape, curve), data
    data["rates"] = [{"step": k + 1, "lr": r} for k, r in enumerate(run.lrs.tolist())]
    rates = [alt.Chart(alt.NamedData("rates")).mark_line(point=True, color=GREY)
             .encode(step_x, alt.Y("lr:Q", title=lesson.t("axis.lr")))]
    if land.name == "line" and run.optimizer == "sgd":  # on the bowl, SGD's limit is one number: draw it
        data["limit"] = [{"lr": descent.stable_rate(land), "label": lesson.t("axis.limit")}]
        limit = alt.Chart(alt.NamedData("limit"))
        rates += [limit.mark_rule(color="#b91c1c", strokeDash=[4, 3]).encode(alt.Y("lr:Q")),
                  limit.mark_text(color="#b91c1c", align="right", dx=-4, dy=-6, x="width")
                  .encode(alt.Y("lr:Q"), text="label:N")]
    return alt.hconcat(landscape, alt.vconcat(curve, alt.layer(*rates).properties(width=300, height=80))), data


@app.function
def overview_chart(lesson, land, run):
    """The whole path when part of it is off the map: zoomed out until every point fits, the map drawn as a
    grey square, the points outside it numbered; and the data sets it names."""
    names, ((lo0, hi0), (lo1, hi1)) = [SHOWN_NAMES.get(n, n) for n in land.param_names], land.window
    path = run.path.tolist()
    xs, ys = [lo0, hi0, *(a for a, _ in path)], [lo1, hi1, *(b for _, b in path)]
    half = 0.55 * max(max(xs) - min(xs), max(ys) - min(ys))  # a square view, a little larger than needed
    mid = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    outside = set(off_map(land, run))
    data = {"map": [{"x0": lo0, "x1": hi0, "y0": lo1, "y1": hi1}],
            "route": [{"step": k, "p0": a, "p1": b} for k, (a, b) in enumerate(path)],
            "away": [{"step": k, "p0": a, "p1": b} for k, (a, b) in enumerate(path) if k in outside][:NUMBERED],
            "marks": [{"p0": m.point[0], "p1": m.point[1]} for m in land.landmarks]}
    x = alt.X("p0:Q", title=names[0], scale=alt.Scale(domain=[mid[0] - half, mid[0] + half], nice=False))
    y = alt.Y("p1:Q", title=names[1], scale=alt.Scale(domain=[mid[1] - half, mid[1] + half], nice=False))
    box = alt.Chart(alt.NamedData("map")).mark_rect(color="#d1d5db", stroke="#6b7280")
    chart = alt.layer(
        box.encode(alt.X("x0:Q"), alt.X2("x1:Q"), alt.Y("y0:Q"), alt.Y2("y1:Q")),
        alt.Chart(alt.NamedData("marks")).mark_point(shape="diamond", filled=True, color="black", size=50)
        .encode(x, y),
        alt.Chart(alt.NamedData("route")).mark_line(color="#374151", point=True).encode(x, y, order="step:Q"),
        alt.Chart(alt.NamedData("route")).transform_filter("datum.step == 0")
        .mark_circle(color="white", size=70, opacity=1, stroke="black").encode(x, y),
        # A diverging walk jumps from side to side: odd steps labelled on the right, even on the left.
        *(alt.Chart(alt.NamedData("away")).transform_filter(f"datum.step % 2 == {odd}")
          .mark_text(dx=8 if odd else -8, align="left" if odd else "right", fontWeight="bold")
          .encode(x, y, text="step:Q") for odd in (1, 0)),
    ).properties(width=280, height=280)
    return chart, data


@app.function
def data_chart(lesson, before: list, after: list):
    """The patients' data and the lines y = w·x + b before and after the step looked at (drawn by the
    browser); and the data set it names."""
    data = load_bmi_progression()
    titles = {}
    for key, column in (("x", data.x_column), ("y", data.y_column)):
        name = lesson.text(column.label_key)
        titles[key] = f"{key} = {f'({name} − {column.offset:g})' if column.offset else name} ÷ {column.scale:g}"
    points = alt.Chart(alt.NamedData("points"))
    x = alt.X("x:Q", title=titles["x"])
    chart = alt.layer(
        points.mark_circle(size=20, opacity=0.5).encode(x, alt.Y("y:Q", title=titles["y"])),
        points.transform_calculate(fit=f"{before[0]} * datum.x + {before[1]}")
        .mark_line(color=GREY, strokeWidth=2, strokeDash=[6, 4]).encode(x, alt.Y("fit:Q")),
        points.transform_calculate(fit=f"{after[0]} * datum.x + {after[1]}").mark_line(color=ORANGE, strokeWidth=3)
        .encode(x, alt.Y("fit:Q")),
    ).properties(width=500, height=260)
    return chart, [{"x": a, "y": c} for a, c in zip(data.x.tolist(), data.y.tolist(), strict=True)]


@app.function
@cache
def sections() -> tuple:
    """Two cross-sections of the hills through the saddle (0, 0): along w₁ (w₂ = 0) and along w₂ (w₁ = 0);
    the rows, and the data set each names."""
    hills, rows, data = get_landscape("hills"), [], {}
    for axis, name in enumerate(("w1", "w2")):
        values, loss = hills.section((0.0, 0.0), axis, 101)
        data[name] = [{"at": a, "loss": c} for a, c in zip(values.tolist(), loss.tolist(), strict=True)]
        rows += [{"along": name, "at": a, "loss": c} for a, c in zip(values.tolist(), loss.tolist(), strict=True)]
    data["saddle"] = [{"at": 0.0, "loss": hills.landmark("saddle").loss}]
    return rows, data


@app.function
def sections_chart(lesson):
    """The cross-sections drawn side by side, each with the saddle marked; the rows and data sets."""
    rows, data = sections()
    saddle = alt.Chart(alt.NamedData("saddle"))
    panels = []
    for name in ("w1", "w2"):
        x = alt.X("at:Q", title=lesson.t(f"axis.section_{name}"), scale=alt.Scale(nice=False))
        y = alt.Y("loss:Q", title=lesson.t("axis.loss"), scale=alt.Scale(domain=[0, 10]))
        panels.append(alt.layer(
            alt.Chart(alt.NamedData(name)).mark_line(clip=True).encode(x, y),
            saddle.mark_point(shape="diamond", filled=True, color="black", size=90).encode(x, y),
            saddle.mark_text(dy=-14, fontWeight="bold").encode(x, y, text=alt.value(lesson.t("landmark.saddle"))),
        ).properties(width=280, height=180, title=lesson.t(f"section_title.{name}")))
    return alt.hconcat(*panels), rows, data


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
        schedule=Choice(descent.SCHEDULES, default="constant"),
        lr=LogSlider(0.001, 3.0, default=0.1),
        steps=Slider(5, MAX_STEPS, 5, default=50),
    )
    return (ui,)


@app.cell
def _(lesson, reset, ui):
    land = get_landscape(ui.value["landscape"])
    start_ui = lesson.controls(reset, **{
        name: Slider(lo, hi, 0.01, default=STARTS[land.name][k])
        for k, (name, (lo, hi)) in enumerate(zip(land.param_names, land.window, strict=True))})
    # Rows far enough apart that a slider's value bubble, shown above it while it is moved, covers nothing.
    mo.vstack([
        mo.Html(f'<span id="{FIGURE}" class="kaibo-anchor"></span>'),
        lesson.md("controls_intro"),
        mo.hstack([ui["landscape"], ui["optimizer"]], justify="start", gap=2),
        mo.hstack([ui["lr"], ui["steps"], ui["schedule"]], justify="start", gap=3),
        mo.hstack([*(start_ui[name] for name in land.param_names), reset], justify="start", gap=3),
    ], gap=2.25)
    return land, start_ui


@app.cell
def _(land, start_ui, ui):
    start = tuple(start_ui.value[name] for name in land.param_names)
    run = descent.walk(land, start, ui.value["optimizer"], ui.value["lr"], ui.value["steps"],
                       schedule=ui.value["schedule"])
    return (run,)


@app.cell
def _(inspect_ui, run):
    # Step s (from 1) is the one looked at; a walk stopped by divergence made fewer steps than asked: its
    # last one is shown; 0 when it made none.
    shown_step = min(inspect_ui.value["step"], run.steps)
    return (shown_step,)


@app.cell
def _(land, lesson, run, shown_step):
    names = land.param_names
    rows = [{"step": k, **dict(zip(names, point, strict=True)), "loss": c,
             **{f"dL/d{n}": g for n, g in zip(names, grad, strict=True)}, "lr": run.lrs[k - 1] if k else ""}
            for k, (point, c, grad) in enumerate(zip(run.path.tolist(), run.loss.tolist(), run.grad.tolist(),
                                                     strict=True))]
    said, kind = verdict(lesson, land, run)
    end = run.path[-1].tolist()
    chart, datasets = walk_chart(lesson, land, run, shown_step)
    away = []
    if off_map(land, run):
        _chart, _data = overview_chart(lesson, land, run)
        away = [lesson.figure("overview", _chart, _data["route"], datasets=_data)]
    mo.vstack([
        lesson.figure("walk", chart, rows, datasets=datasets),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("legend")}</p>'),
        mo.callout(mo.md("\n\n".join(said)), kind=kind),
        *away,
        lesson.readout(outcome=lesson.text(f"descent.outcome.{run.outcome}"), steps_made=run.steps,
                       loss_start=float(run.loss[0]), loss_end=float(run.loss[-1]),
                       end=f"({shown(end[0])}, {shown(end[1])})", grad_end=run.grad_norm),
    ])
    return


@app.cell
def _(lesson, reset, ui):
    inspect_ui = lesson.controls(reset, step=Slider(1, ui.value["steps"], 1, default=1))
    mo.vstack([lesson.md("rule_title"), inspect_ui["step"]])
    return (inspect_ui,)


@app.cell
def _(inspect_ui, land, lesson, run, shown_step):
    if shown_step == 0:
        closeup = [lesson.md("rule_none")]
    else:
        point, grad = run.path[shown_step - 1].tolist(), run.grad[shown_step - 1].tolist()
        closeup = [lesson.md("rule_intro", step=shown_step, point=f"({shown(point[0])}, {shown(point[1])})",
                             loss=shown(float(run.loss[shown_step - 1])),
                             grad=f"({shown(grad[0])}, {shown(grad[1])})"),
                   mo.md(rule(lesson, run, shown_step, land.param_names))]
        if inspect_ui.value["step"] > shown_step:
            closeup.append(lesson.md("rule_stopped", made=run.steps))
        if land.name == "line":
            (w0, b0), (w1, b1) = run.path[shown_step - 1].tolist(), run.path[shown_step].tolist()
            _chart, _points = data_chart(lesson, [w0, b0], [w1, b1])
            _rows = [{**row, "step": shown_step, "w_before": w0, "b_before": b0, "w_after": w1, "b_after": b1}
                     for row in _points]
            closeup.append(lesson.figure("data", _chart, _rows, datasets={"points": _points}))
    mo.vstack(closeup)
    return


@app.cell
def _(lesson):
    rates = try_links(lesson, small={"lr": 0.01}, right={"lr": 0.1}, large={"lr": 1.0})
    mo.vstack([lesson.md("rates"), rates])
    return


@app.cell
def _(lesson):
    rescue = try_links(lesson, constant={"lr": 1.0}, cosine={"lr": 1.0, "schedule": "cosine"})
    mo.vstack([lesson.md("schedules"), lesson.md("schedules_rescue", limit=shown(descent.stable_rate("line"))),
               rescue])
    return


@app.cell
def _(lesson):
    swings = try_links(lesson, momentum={"optimizer": "momentum"}, adam={"optimizer": "adam"},
                       momentum_more={"optimizer": "momentum", "steps": 150})
    mo.vstack([lesson.md("optimizers"), swings])
    return


@app.cell
def _(lesson):
    _chart, _rows, _data = sections_chart(lesson)
    hills = try_links(lesson, local={"landscape": "hills", "w1": -1.5, "w2": 2.0},
                      near_saddle={"landscape": "hills", "w1": NEAR_SADDLE[0], "w2": NEAR_SADDLE[1], "steps": 100},
                      slid_in={"landscape": "hills", "w1": 0.0, "w2": 0.3},
                      on_saddle={"landscape": "hills", "w1": 0.0, "w2": 0.0})
    mo.vstack([lesson.md("hills"), lesson.figure("sections", _chart, _rows, datasets=_data), lesson.md("trap"),
               hills])
    return


@app.cell
def _(lesson, ui):
    near, on = escapes(ui.value["lr"])
    never = {limit: lesson.t("never", steps=limit) for limit in (ESCAPE_LIMIT, ON_SADDLE_LIMIT)}
    counts = {name: never[ESCAPE_LIMIT] if n is None else n for name, n in near.items()}
    # The sentence that compares them is chosen from the counts themselves: at large rates the lead goes.
    how = descent.compare_escapes(near)
    compared = [f"- {lesson.t(f'saddle_compare.{way}', name=lesson.t(f'name.{name}'), n=counts[name], sgd=counts['sgd'])}"
                for name, way in how.items()]
    if set(near.values()) == {1}:
        compared.append("\n" + lesson.t("saddle_one_step", radius=ESCAPE_RADIUS))
    elif set(how.values()) != {"sooner"}:
        compared.append("\n" + lesson.t("saddle_large"))
    mo.vstack([
        lesson.md("saddle", lr=ui.value["lr"], radius=ESCAPE_RADIUS),
        lesson.readout(**counts, on_saddle=never[ON_SADDLE_LIMIT] if on["sgd"] is None else on["sgd"]),
        lesson.md("saddle_measured", lr=ui.value["lr"], compared="\n".join(compared)),
        lesson.md("saddle_exact"),
    ])
    return near, on


@app.cell
def _(lesson):
    lesson.code(descent.walk, descent._run, descent._classify, SGD, Adam, descent.saddle_escape_steps)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(direction=("down", "up", "same"), slowest=descent.OPTIMIZERS,
                       on_saddle=("one", "some", "never"))
    return (quiz,)


@app.cell
def _(land, lesson, near, on, quiz, run, shown_step, ui):
    move = run.update[shown_step - 1][0] if shown_step else 0.0
    most = max(ESCAPE_LIMIT + 1 if n is None else n for n in near.values())
    lesson.check(
        quiz,
        asked={"direction": {"step": shown_step, "p0": SHOWN_NAMES.get(land.param_names[0], "w")},
               "slowest": {"lr": ui.value["lr"]}},
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
