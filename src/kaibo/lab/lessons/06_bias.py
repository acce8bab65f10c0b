"""Lesson 6: the bias term. One neuron's border with and without b on data moved away from the origin, how b
and ∂L/∂b move while it trains, a line fit without b, and a deeper network with no bias at all; words and
wiring only.

Every number comes from `kaibo.train.logistic_neuron` (the neuron, its gradient by hand, its training),
`kaibo.train.origin_line` (the exact best line through the origin, least squares with and without b) and
`kaibo.train.bias_free_network` (networks trained with and without biases, their output at the origin and
their symmetries); the figures are drawn by `kaibo.lab.figures.bias`.

Steps are counted as in lessons 1 and 4: point 0 is the start, and step s goes from point s − 1 to point s.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 6")

with app.setup:
    from functools import cache, lru_cache

    import marimo as mo
    import numpy as np

    from kaibo.data import load_bmi_progression
    from kaibo.data.toy2d import grid_around, make_points
    from kaibo.lab.controls import Choice, LogSlider, Slider
    from kaibo.lab.exhibits import percent, shown, tex
    from kaibo.lab.figures import bias as draw
    from kaibo.lab.page import Lesson
    from kaibo.train import bias_free_network as network
    from kaibo.train import logistic_neuron as neuron
    from kaibo.train import origin_line

    SLUG = "bias"
    PLANE = "plane"  # the anchor the preset links open at: the controls, with the maps under them
    NETWORK = "network"
    N, NOISE, SEED = 200, 0.1, 0
    START = (1.0, -1.0)  # the neuron's first w: its border runs through both clouds
    DISTANCES = np.linspace(0.0, 4.0, 33)
    NET_DATA = {"blobs": ("blobs", (2.0, 2.0)), "circles": ("circles", (0.0, 0.0))}
    NET_HIDDEN, NET_STEPS, NET_LR = (16, 16), 300, 0.03
    SHOWN_EXAMPLES = 5


@app.function
@lru_cache(maxsize=32)
def points_at(shift1: float, shift2: float):
    """The two clouds, moved by (shift1, shift2): the same points at every shift, only moved."""
    return make_points("blobs", N, NOISE, SEED, (shift1, shift2))


@app.function
@lru_cache(maxsize=32)
def neuron_runs(shift1: float, shift2: float, optimizer: str, lr: float, steps: int) -> dict:
    """The neuron trained without b and with b on the same points from the same start (~20 ms)."""
    points = points_at(shift1, shift2)
    return {name: neuron.train_neuron(points.x, points.y, bias=name == "with", optimizer=optimizer, lr=lr,
                                      steps=steps, start=START) for name in ("without", "with")}


@app.function
@lru_cache(maxsize=32)
def constant_input_gap(shift1: float, shift2: float, optimizer: str, lr: float, steps: int) -> float:
    """The largest difference, over every step, between the neuron with b and a neuron without b whose third
    input is always 1 (its third weight set against b)."""
    points = points_at(shift1, shift2)
    with_b = neuron_runs(shift1, shift2, optimizer, lr, steps)["with"]
    on_ones = neuron.train_neuron(neuron.with_constant_input(points.x), points.y, bias=False, optimizer=optimizer,
                                  lr=lr, steps=steps, start=(*START, 0.0))
    return float(max(np.abs(on_ones.w[:, :2] - with_b.w).max(), np.abs(on_ones.w[:, 2] - with_b.b).max()))


@app.function
@cache
def reach_curves() -> tuple:
    """The best accuracy through the origin as the centred clouds move across their border and along it."""
    base = points_at(0.0, 0.0)
    return (origin_line.best_against_distance(base.x, base.y, (1.0, 1.0), DISTANCES),
            origin_line.best_against_distance(base.x, base.y, (1.0, -1.0), DISTANCES))


@app.function
@lru_cache(maxsize=16)
def networks(data: str, activation: str) -> tuple:
    """The data set, and a network trained on it without any bias and one with biases (~0.1 s each)."""
    shape, shift = NET_DATA[data]
    points = make_points(shape, N, NOISE, SEED, shift)
    return points, {name: network.train_on_points(points, activation=activation, bias=name == "with",
                                                  hidden=NET_HIDDEN, steps=NET_STEPS, lr=NET_LR, seed=SEED)
                    for name in ("without", "with")}


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    lesson.md("intro")
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    ui = lesson.controls(
        reset,
        shift1=Slider(-3.0, 3.0, 0.25, default=1.5),
        shift2=Slider(-3.0, 3.0, 0.25, default=1.0),
        optimizer=Choice(neuron.OPTIMIZERS, default="sgd"),
        lr=LogSlider(0.01, 3.0, default=0.5),
        steps=Slider(10, 300, 10, default=200),
        data=Choice(tuple(NET_DATA), default="blobs"),
        activation=Choice(("relu", "tanh", "gelu", "sigmoid"), default="relu"),
    )
    return (ui,)


@app.cell
def _(lesson, reset, ui):
    # The words in a stack of their own, without gaps: the controls' wide gap would open between heading and text.
    mo.vstack([
        mo.vstack([lesson.anchor(PLANE), lesson.md("controls_intro", n=N)], gap=0),
        mo.hstack([ui["shift1"], ui["shift2"], reset], justify="start", gap=3),
        mo.hstack([ui["optimizer"], ui["lr"]], justify="start", gap=3),
        ui["steps"],
    ], gap=2.25)
    return


@app.cell
def _(ui):
    shift = (ui.value["shift1"], ui.value["shift2"])
    setting = (*shift, ui.value["optimizer"], ui.value["lr"], ui.value["steps"])
    points = points_at(*shift)
    runs = neuron_runs(*setting)
    best = origin_line.best_through_origin(points.x, points.y)
    grid = grid_around(points.x, steps=45, margin=0.4, include_origin=True)
    return best, grid, points, runs, setting, shift


@app.cell
def _(lesson, reset, ui):
    step_ui = lesson.controls(reset, step=Slider(0, ui.value["steps"], 1, default=ui.value["steps"]))
    return (step_ui,)


@app.cell
def _(runs, step_ui):
    s = min(step_ui.value["step"], runs["with"].steps)
    return (s,)


@app.cell
def _(best, grid, lesson, points, runs, s, shift, step_ui):
    panels = {name: (run.w[s], float(run.b[s]), neuron.neuron_forward(run.w[s], float(run.b[s]), grid.points)[1])
              for name, run in runs.items()}
    _chart, _rows, _data = draw.boundary_chart(lesson, points, grid, panels, best.normal)
    without, with_b = runs["without"], runs["with"]
    _trained = "trained_best" if without.accuracy[s] >= best.accuracy else "trained_below"
    mo.vstack([
        step_ui["step"],
        lesson.figure("plane", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("plane_legend")}</p>'),
        lesson.readout(acc_without=percent(without.accuracy[s]), best_origin=percent(best.accuracy),
                       acc_with=percent(with_b.accuracy[s]), b=float(with_b.b[s]),
                       norm_w=float(np.linalg.norm(with_b.w[s])), distance=with_b.distance(s)),
        lesson.md("plane_read", step=s, shift=f"({shown(shift[0])}, {shown(shift[1])})",
                  without=percent(without.accuracy[s]), best=percent(best.accuracy),
                  trained=lesson.t(_trained), with_acc=percent(with_b.accuracy[s]),
                  b=shown(float(with_b.b[s])), norm=shown(float(np.linalg.norm(with_b.w[s]))),
                  distance=shown(with_b.distance(s))),
        lesson.try_links(PLANE, centred={"shift1": 0.0, "shift2": 0.0}, along={"shift1": 2.0, "shift2": -2.0},
                         far={"shift1": 2.5, "shift2": 2.5}, adam={"optimizer": "adam", "lr": 0.1}),
    ])
    return


@app.cell
def _(best, lesson, shift):
    across, along = reach_curves()
    _distance = float(np.hypot(*shift))
    _chart, _rows, _data = draw.reach_chart(lesson, DISTANCES, across, along, (_distance, best.accuracy))
    mo.vstack([
        lesson.md("reach_intro"),
        lesson.figure("reach", _chart, _rows, datasets=_data),
        lesson.md("reach_read", far=shown(float(DISTANCES[-1])), across=percent(across[-1]),
                  along=percent(along.min()), distance=shown(_distance), best=percent(best.accuracy)),
    ])
    return


@app.cell
def _(lesson, points, runs, s):
    _chart, _rows, _data = draw.history_chart(lesson, runs, s)
    run = runs["with"]
    w_s, b_s = run.w[s], float(run.b[s])
    z, p = neuron.neuron_forward(w_s, b_s, points.x.astype(np.float64))
    y = points.y.astype(np.float64)
    k = SHOWN_EXAMPLES
    table = "\n".join(f"| {i + 1} | {shown(float(a))} | {shown(float(c))} | {int(t)} | {shown(float(zi))} | "
                      f"{shown(float(pi))} | {shown(float(pi - t))} |"
                      for i, ((a, c), t, zi, pi) in enumerate(zip(points.x[:k], y[:k], z[:k], p[:k], strict=True)))
    numeric = neuron.numeric_bias_gradient(points.x.astype(np.float64), y, w_s, b_s)
    pull = float(runs["without"].grad_b[s])
    direction = "down" if run.grad_b[s] > 0 else "up" if run.grad_b[s] < 0 else "still"
    mo.vstack([
        lesson.md("history_intro"),
        lesson.figure("history", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("history_legend")}</p>'),
        lesson.md("derivation"),
        lesson.md("numbers", step=s, n=N, shown=SHOWN_EXAMPLES, rows=table,
                  mean=rf"\frac{{1}}{{{N}}}\sum_{{i=1}}^{{{N}}} (p_i - y_i) = {tex(float(p.mean()))} - "
                       rf"{tex(float(y.mean()))} = {tex(float(run.grad_b[s]))}"),
        lesson.readout(grad_b=float(run.grad_b[s]), grad_b_numeric=numeric, mean_p=float(p.mean()),
                       share=float(y.mean()), pull=pull),
        lesson.md(f"balance.{direction}", step=s, grad=shown(float(run.grad_b[s])), pull=shown(pull),
                  steps=run.steps, last=shown(float(run.grad_b[-1])), last_pull=shown(float(runs["without"].grad_b[-1]))),
    ])
    return (direction,)


@app.cell
def _(lesson, setting):
    gap = constant_input_gap(*setting)
    mo.vstack([lesson.md("constant_input"), lesson.readout(same_gap=gap),
               lesson.md("constant_input_read", gap=shown(gap), steps=setting[-1])])
    return


@app.cell
def _(lesson):
    _data = load_bmi_progression()
    _x, _y = _data.x.astype(np.float64), _data.y.astype(np.float64)
    fits = {name: origin_line.least_squares(_x, _y, bias=name == "with") for name in ("without", "with")}
    _bs = np.linspace(-0.5, 3.0, 71)
    _profile = (_bs, origin_line.loss_profile(_x, _y, _bs)[1])
    raw = origin_line.least_squares(_data.x_column.offset + _data.x_column.scale * _x, _y, bias=False)
    _w0, _, _loss0 = fits["without"]
    _pull = float(2 * np.mean(_w0 * _x - _y))  # ∂L/∂b = 2·mean(ŷ − y) at the fit without b
    _titles = {"x": lesson.t("axis.bmi"), "y": lesson.t("axis.progression")}
    _chart, _rows, _datasets = draw.fit_chart(lesson, _x, _y, fits, _profile, _titles)
    mo.vstack([
        lesson.md("fit_intro", n=len(_x)),
        lesson.figure("fit", _chart, _rows, datasets=_datasets),
        lesson.readout(loss_with=fits["with"][2], loss_without=_loss0, loss_raw=raw[2], fit_pull=_pull),
        lesson.md("fit_read", loss_with=shown(fits["with"][2]), loss_without=shown(_loss0), loss_raw=shown(raw[2]),
                  b=shown(fits["with"][1]), w=shown(fits["with"][0]), w0=shown(_w0), pull=shown(_pull),
                  variance=shown(float(np.var(_y)))),
    ])
    return


@app.cell
def _(lesson, ui):
    mo.vstack([
        mo.vstack([lesson.anchor(NETWORK),
                   lesson.md("network_intro", hidden=" → ".join(str(h) for h in NET_HIDDEN), steps=NET_STEPS)], gap=0),
        mo.hstack([ui["data"], ui["activation"]], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(lesson, ui):
    net_points, nets = networks(ui.value["data"], ui.value["activation"])
    _grid = grid_around(net_points.x, steps=45, margin=0.4, include_origin=True)
    _probs = {name: model.trace(_grid.points)["probs"][:, 1] for name, model in nets.items()}
    _chart, _rows, _data = draw.network_chart(lesson, net_points, _grid, _probs)
    origin = {name: network.at_origin(model) for name, model in nets.items()}
    accuracy = {name: float(np.mean(model.predict(net_points.x) == net_points.y)) for name, model in nets.items()}
    agree = network.agreement(nets["without"], net_points.x)
    layers = "\n".join(f"| `{name}` | {shown(origin['without'][name])} | {shown(origin['with'][name])} |"
                       for name in origin["without"] if name != "p1")
    activation = ui.value["activation"]
    mo.vstack([
        lesson.figure("network", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("network_legend")}</p>'),
        lesson.readout(net_without=percent(accuracy["without"]), net_with=percent(accuracy["with"]),
                       p_origin=origin["without"]["p1"], logits_origin=origin["without"]["logits"],
                       ray=percent(agree["ray"]), mirror=percent(agree["mirror"])),
        lesson.md("network_layers", rows=layers),
        lesson.md(f"network_read.{activation}", p=shown(origin["without"]["p1"]), ray=percent(agree["ray"]),
                  mirror=percent(agree["mirror"]), without=percent(accuracy["without"]),
                  with_acc=percent(accuracy["with"])),
        lesson.try_links(NETWORK, relu={"data": "circles"}, tanh={"data": "circles", "activation": "tanh"},
                         gelu={"data": "circles", "activation": "gelu"},
                         sigmoid={"data": "circles", "activation": "sigmoid"}),
    ])
    return (origin,)


@app.cell
def _(lesson):
    lesson.md("loose")
    return


@app.cell
def _(lesson):
    lesson.code(neuron.neuron_forward, neuron.cross_entropy, neuron.neuron_gradients, neuron.train_neuron,
                neuron.with_constant_input, origin_line.best_through_origin, origin_line.least_squares,
                network.at_origin, network.symmetry_gaps, network.agreement)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(push=("up", "down"), origin=("half", "other"), through=("yes", "no"))
    return (quiz,)


@app.cell
def _(best, direction, lesson, origin, quiz, s, ui):
    lesson.check(
        quiz,
        asked={"push": {"step": s}, "origin": {"activation": lesson.t(f"option.activation.{ui.value['activation']}")}},
        push="down" if direction == "down" else "up" if direction == "up" else ("up", "down"),
        origin="half" if origin["without"]["p1"] == 0.5 else "other",
        through="yes" if best.accuracy == 1.0 else "no",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
