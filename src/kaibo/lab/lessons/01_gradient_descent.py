"""Lesson 1: gradient descent. A blindfolded walker on a loss landscape; words and wiring only.

Every number comes from `kaibo.train.descent` (the walk and its outcome, the steps it would need to settle,
the saddle-escape counts, SGD's rate limit) on the landscapes of `kaibo.models.landscapes` (the loss, its
contour levels and cross-sections); the figures are drawn by `kaibo.lab.figures.gradient_descent`; this
page only picks the settings and explains.

Steps are counted from 1 everywhere on the page: step s goes from point s − 1 to point s, and point 0 is
the start, so "after s steps" is point s on the map and s on the loss chart's axis.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 1")

with app.setup:
    from functools import cache

    import marimo as mo

    from kaibo.engine.optim import SGD, Adam
    from kaibo.lab.controls import Choice, LogSlider, Slider
    from kaibo.lab.exhibits import shown, tex
    from kaibo.lab.figures import gradient_descent as draw
    from kaibo.lab.figures.gradient_descent import SHOWN_NAMES, off_map
    from kaibo.lab.page import Lesson
    from kaibo.models.landscapes import get_landscape
    from kaibo.train import descent, descent_measures

    SLUG = "gradient_descent"
    FIGURE = "walk"  # the id the presets' links open at: the controls, with the figure right under them
    STARTS = {"line": (-1.0, 3.0), "hills": (-1.5, 2.0)}  # where each landscape's walk begins by default
    MAX_STEPS = 300  # the steps slider's end: "it settles after n steps" is only said when n is reachable
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
            need = settle_steps(land.name, tuple(run.path[0].tolist()), run.optimizer, run.lr)
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
@cache
def settle_steps(landscape: str, start: tuple, optimizer: str, lr: float) -> int | None:
    """`descent_measures.steps_to_converge` up to the steps slider's end. Cached: it does not depend on the number of
    steps, so moving that slider (to check the answer) costs nothing."""
    return descent_measures.steps_to_converge(landscape, start, optimizer, lr, limit=MAX_STEPS)


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
    near = descent_measures.saddle_escape_steps("hills", NEAR_SADDLE, lr, radius=ESCAPE_RADIUS, max_steps=ESCAPE_LIMIT)
    on = descent_measures.saddle_escape_steps("hills", (0.0, 0.0), lr, radius=ESCAPE_RADIUS, max_steps=ON_SADDLE_LIMIT)
    return near, on


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
        lesson.anchor(FIGURE),
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
    chart, datasets = draw.walk_chart(lesson, land, run, shown_step)
    away = []
    if off_map(land, run):
        _chart, _data = draw.overview_chart(lesson, land, run)
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
            _chart, _points = draw.data_chart(lesson, [w0, b0], [w1, b1])
            _rows = [{**row, "step": shown_step, "w_before": w0, "b_before": b0, "w_after": w1, "b_after": b1}
                     for row in _points]
            closeup.append(lesson.figure("data", _chart, _rows, datasets={"points": _points}))
    mo.vstack(closeup)
    return


@app.cell
def _(lesson):
    rates = lesson.try_links(FIGURE, small={"lr": 0.01}, right={"lr": 0.1}, large={"lr": 1.0})
    mo.vstack([lesson.md("rates"), rates])
    return


@app.cell
def _(lesson):
    rescue = lesson.try_links(FIGURE, constant={"lr": 1.0}, cosine={"lr": 1.0, "schedule": "cosine"})
    mo.vstack([lesson.md("schedules"), lesson.md("schedules_rescue", limit=shown(descent_measures.stable_rate("line"))),
               rescue])
    return


@app.cell
def _(lesson):
    swings = lesson.try_links(FIGURE, momentum={"optimizer": "momentum"}, adam={"optimizer": "adam"},
                       momentum_more={"optimizer": "momentum", "steps": 150})
    mo.vstack([lesson.md("optimizers"), swings])
    return


@app.cell
def _(lesson):
    _chart, _rows, _data = draw.sections_chart(lesson)
    hills = lesson.try_links(FIGURE, local={"landscape": "hills", "w1": -1.5, "w2": 2.0},
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
    how = descent_measures.compare_escapes(near)
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
    lesson.code(descent.walk, descent.run_steps, descent._classify, SGD, Adam, descent_measures.steps_to_converge,
                descent_measures.saddle_escape_steps, descent_measures.compare_escapes)
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
