"""Lesson 5: activation functions. Stacked linear layers multiply out to one matrix; a non-linearity bends the
boundary; and the slope of the activation, with the scale of the weights, decides whether the gradient
survives the way back through a deep network. Words and wiring only.

Every number comes from `kaibo.models.linear_collapse` (the product of the layers and its gap),
`kaibo.train.best_line` (the best any straight line can do), `kaibo.train.separability` (a small network
trained on the points) and `kaibo.train.gradient_flow` (one backward pass at the start, layer by layer, and
a sweep over the weights' scale), run with the lesson's settings by `kaibo.train.activation_study`, which
keeps each result for the whole lab process: a control recomputes only what it changes, and a second visit
nothing. The controls are four groups (the data; the layers of section 1; the activation of section 2; the
deep network of section 3), so that a move reruns and redraws only the cells of the section it belongs to. The figures are drawn by `kaibo.lab.figures.activations`.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 5")

with app.setup:
    import math

    import marimo as mo
    import numpy as np

    from kaibo.lab.controls import Choice, LogSlider, Slider
    from kaibo.lab.exhibits import percent, shown, tex
    from kaibo.lab.figures import activations as draw
    from kaibo.lab.page import Lesson
    from kaibo.models.linear_collapse import collapse, collapse_gap
    from kaibo.train import activation_study as study
    from kaibo.train import gradient_flow as flow_lib
    from kaibo.train.best_line import best_line
    from kaibo.train.bias_free_network import train_on_points
    from kaibo.train.separability import fit_points, probability_map

    SLUG = "activations"
    SHAPES = ("xor", "circles", "moons", "spirals", "blobs")
    N = study.N
    GAIN = LogSlider(0.25, 16, default=1.0)
    # The named starts on the gain axis: PyTorch's default, Glorot's (uniform, square layers) and He's.
    STARTS = {"default": 1.0, "glorot": math.sqrt(3), "he": math.sqrt(6)}
    SEPARATE, DEEP = "separate", "deep"   # anchors the preset links open at
    # One layer back through backpropagation: through the activation's slope, then through the weights.
    BACKWARD = (r"\frac{\partial L}{\partial z_i} = f'(z_i) \odot \frac{\partial L}{\partial a_i}, \qquad "
                r"\frac{\partial L}{\partial a_{i-1}} = W_i^\top \frac{\partial L}{\partial z_i}")


@app.function
def matrix(m: np.ndarray) -> str:
    """A matrix (or a vector, as a column) in KaTeX, each entry to four significant digits."""
    rows = np.atleast_2d(m) if m.ndim == 2 else m[:, None]
    body = r" \\ ".join(" & ".join(("-" if v < 0 else "") + tex(abs(float(v))) for v in row) for row in rows)
    return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}"


@app.function
def pair(v) -> str:
    return "(" + ", ".join(shown(float(a)) for a in v) + ")"


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    lesson.md("intro", n=N)
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    # One group per section (the data serve all three): a move reruns only the cells that read its group.
    data_ui = lesson.controls(reset, data=Choice(SHAPES, default="xor"))
    layers_ui = lesson.controls(reset, layers=Choice(("2", "3"), default="3"))
    activation_ui = lesson.controls(reset, activation=Choice(study.ACTIVATIONS, default="relu"))
    deep_ui = lesson.controls(reset, deep=Choice(flow_lib.NONLINEAR, default="sigmoid"),
                              depth=Slider(2, 12, 1, default=8), gain=GAIN)
    return activation_ui, data_ui, deep_ui, layers_ui


@app.cell
def _(data_ui, layers_ui, lesson, reset):
    mo.vstack([
        lesson.md("collapse_intro", steps=study.STEPS),
        data_ui["data"],
        mo.hstack([layers_ui["layers"], reset], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(data_ui, lesson):
    shape = data_ui.value["data"]
    with mo.status.spinner(title=lesson.t("working.ceiling")):   # a data set not seen yet: ~0.2 s
        best = study.ceiling(shape)
    return best, shape


@app.cell
def _(best, layers_ui, lesson, shape):
    layers = int(layers_ui.value["layers"])
    points, grid = study.data(shape)
    with mo.status.spinner(title=lesson.t("working.collapse")):   # a data set not seen yet: ~0.3 s
        linear = study.linear_network(shape, layers)
    one = collapse(linear)
    gap = collapse_gap(linear, points.x)
    trace = linear.trace(points.x[:1])
    stacked_probs = linear.trace(points.x)["probs"][:, 1]
    linear_accuracy = float((linear.predict(points.x) == points.y).mean())
    _names = "".join(f"W_{k}" for k in range(layers, 0, -1))
    _nested = "b_1"  # the combined bias written as the algebra builds it: W_3(W_2 b_1 + b_2) + b_3
    for _k in range(2, layers + 1):
        _nested = (f"W_{_k}({_nested})" if _k > 2 else rf"W_{_k}\,{_nested}") + f" + b_{_k}"
    _layer_lines = "\n".join(
        rf"$$W_{k + 1} = {matrix(w)} \qquad b_{k + 1} = {matrix(b)}$$"
        for k, (w, b) in enumerate(zip(one.weights, one.biases, strict=True)))
    _steps = "\n".join(
        rf"$$z_{i + 1} = W_{i + 1}\,{'x' if i == 0 else f'z_{i}'} + b_{i + 1} = {matrix(trace[f'layer{i}.linear'][0])}$$"
        for i in range(layers - 1))
    _out = rf"$$s = W_{layers}\,z_{layers - 1} + b_{layers} = {matrix(trace['logits'][0])}$$"
    _single = rf"$$W x + b = {matrix(one(points.x[:1].astype(np.float64))[0])}$$"
    _chart, _rows, _data = draw.collapse_chart(lesson, points, grid, grid.as_image(probability_map(linear, grid)),
                                               one.boundary())
    below = linear_accuracy < best.accuracy - 0.02
    mo.vstack([
        lesson.md("collapse_product", layers=layers, widths=" → ".join(["2", *[str(study.NARROW)] * (layers - 1), "2"]),
                  stacked=sum(w.size + b.size for w, b in zip(one.weights, one.biases, strict=True)),
                  single=one.weight.size + one.bias.size),
        mo.md(rf"$$W = {_names} = {matrix(one.weight)} \qquad b = {_nested} = {matrix(one.bias)}$$"),
        # Every matrix and one point worked through: the proof in numbers, folded for a first reading.
        mo.accordion({lesson.t("collapse_details"): mo.vstack([
            lesson.md("collapse_layers"),
            mo.md(_layer_lines),
            lesson.md("collapse_example", x=pair(points.x[0])),
            mo.md(f"{_steps}\n{_out}\n{_single}"),
        ])}),
        lesson.md("collapse_gap", n=N, gap=shown(gap)),
        lesson.figure("collapse", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("collapse_legend")}</p>'),
        lesson.readout(gap=gap, linear_accuracy=percent(linear_accuracy), best_line=percent(best.accuracy)),
        lesson.md("collapse_read", accuracy=percent(linear_accuracy), best=percent(best.accuracy), layers=layers,
                  data=lesson.t(f"option.data.{shape}")),
        *([lesson.md("collapse_below", low=shown(float(stacked_probs.min())),
                     high=shown(float(stacked_probs.max())), n=N)] if below else []),
    ])
    return gap, layers, linear_accuracy


@app.cell
def _(lesson):
    _z = np.linspace(-4, 4, 161)
    _curves = {name: flow_lib.curve(name, _z) for name in flow_lib.NONLINEAR}
    _fine = np.linspace(-6, 6, 1201)
    _sig, _gelu = flow_lib.derivative("sigmoid", _fine), flow_lib.derivative("gelu", _fine)
    _chart, _rows, _data = draw.functions_chart(lesson, _z, _curves)
    mo.vstack([
        lesson.md("functions_intro"),
        lesson.figure("functions", _chart, _rows, datasets=_data),
        lesson.md("functions_read", sig_max=shown(float(_sig.max())), sig_at=shown(float(_fine[_sig.argmax()])),
                  sig_edge=shown(float(_sig[-1])), edge=shown(float(_fine[-1])),
                  gelu_min=shown(float(_gelu.min())), gelu_min_at=shown(float(_fine[_gelu.argmin()])),
                  gelu_max=shown(float(_gelu.max())), gelu_max_at=shown(float(_fine[_gelu.argmax()]))),
    ])
    return


@app.cell
def _(activation_ui, data_ui, lesson, reset):
    mo.vstack([
        lesson.anchor(SEPARATE),
        lesson.md("separate_intro", hidden=study.HIDDEN[0], layers=len(study.HIDDEN), steps=study.STEPS, lr=study.LR,
                  n=N),
        data_ui["data"],
        mo.hstack([activation_ui["activation"], reset], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(activation_ui, best, lesson, linear_accuracy, shape):
    chosen = activation_ui.value["activation"]
    with mo.status.spinner(title=lesson.t("working.fits", count=len(study.ACTIVATIONS))):  # ~0.1 s each
        fits = study.fits(shape)
    _points, _grid = study.data(shape)
    fit = fits[chosen]
    _chart, _rows, _data = draw.separate_chart(lesson, _points, _grid, fits, chosen, best.accuracy)
    _name = lesson.t(f"option.activation.{chosen}")
    if chosen == "none":
        _verdict = lesson.t("separate_none", accuracy=percent(fit.accuracy), best=percent(best.accuracy),
                            hidden=study.HIDDEN[0])
        if percent(fit.accuracy) == percent(linear_accuracy):
            _verdict += " " + lesson.t("separate_same", narrow=study.NARROW, accuracy=percent(fit.accuracy))
    elif best.accuracy == 1.0:
        _verdict = lesson.t("separate_line_enough", name=_name, accuracy=percent(fit.accuracy))
    elif fit.accuracy <= best.accuracy:
        _verdict = lesson.t("separate_not_yet", name=_name, accuracy=percent(fit.accuracy),
                            best=percent(best.accuracy), steps=study.STEPS)
    else:
        _verdict = lesson.t("separate_bent", name=_name, accuracy=percent(fit.accuracy), best=percent(best.accuracy),
                            points=f"{100 * (fit.accuracy - best.accuracy):.1f}")
    mo.vstack([
        lesson.figure("separate", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("separate_legend")}</p>'),
        lesson.readout(accuracy=percent(fit.accuracy), loss=fit.loss, none_accuracy=percent(fits["none"].accuracy),
                       best_accuracy=percent(best.accuracy)),
        lesson.md("separate_read", verdict=_verdict, right=round(fit.accuracy * N), n=N),
        lesson.md("try_intro"),
        lesson.try_links(SEPARATE, spirals_none={"data": "spirals", "activation": "none"},
                         spirals_relu={"data": "spirals"}, spirals_sigmoid={"data": "spirals", "activation": "sigmoid"},
                         blobs_none={"data": "blobs", "activation": "none"}),
    ])
    return (fits,)


@app.cell
def _(deep_ui, lesson, reset):
    mo.vstack([
        lesson.md("deep_intro", formula=BACKWARD),
        lesson.anchor(DEEP),
        lesson.md("deep_setup", width=study.WIDTH, n=N),
        deep_ui["deep"],
        mo.hstack([deep_ui["depth"], deep_ui["gain"], reset], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(deep_ui, lesson, shape):
    deep, depth, gain = deep_ui.value["deep"], deep_ui.value["depth"], deep_ui.value["gain"]
    flow = study.flow(shape, deep, depth, gain)
    flows = {name: study.flow(shape, name, depth, gain) for name in flow_lib.NONLINEAR}
    _logs = np.log10(np.abs(flow.grad[flow.grad != 0]))
    _edges = np.arange(np.floor(_logs.min() * 4) / 4, np.ceil(_logs.max() * 4) / 4 + 0.25, 0.25)
    _chart, _rows, _data = draw.gradients_chart(lesson, flow, {k: f.norms for k, f in flows.items()}, _edges)
    _name = lesson.t(f"option.activation.{deep}")
    kind = "vanish" if flow.per_layer < 0.8 else "explode" if flow.per_layer > 1.25 else "steady"
    firsts = {k: float(f.norms[0]) for k, f in flows.items()}
    _most, _least = max(firsts, key=firsts.get), min(firsts, key=firsts.get)
    _dead = int(flow.dead_units.sum())
    _dead_text = (lesson.t(f"dead.{deep}", dead=_dead, total=depth * study.WIDTH, n=N) if deep in ("relu", "gelu") else "")
    mo.vstack([
        lesson.figure("gradients", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("gradients_legend", n=N, width=study.WIDTH)}</p>'),
        lesson.readout(last_norm=float(flow.norms[-1]), first_norm=float(flow.norms[0]), shrink=flow.shrink,
                       per_layer=flow.per_layer, mean_slope=float(flow.slope.mean()), dead=_dead),
        lesson.md("gradients_read", name=_name, depth=depth, gain=shown(gain), last=shown(float(flow.norms[-1])),
                  first=shown(float(flow.norms[0])), shrink=shown(flow.shrink), per=shown(flow.per_layer),
                  verdict=lesson.t(f"verdict.{kind}"),
                  most=lesson.t(f"option.activation.{_most}"), most_first=shown(firsts[_most]),
                  least=lesson.t(f"option.activation.{_least}"), least_first=shown(firsts[_least]),
                  dead=_dead_text),
    ])
    return deep, depth, firsts, flow, flows, gain, kind


@app.cell
def _(deep, depth, flow, lesson):
    # The z axis: wide enough for 99.5% of the pre-activations, and never narrower than ±4.
    _reach = max(4.0, float(np.ceil(np.percentile(np.abs(flow.pre), 99.5))))
    _edges = np.linspace(-_reach, _reach, 61)
    _z = np.linspace(-_reach, _reach, 241)
    _chart, _rows, _data = draw.slopes_chart(lesson, flow, _z, flow_lib.derivative(deep, _z), _edges)
    _mean_slope = flow.slope.mean(axis=(1, 2))
    _act = flow.through_activation
    _table = "\n".join(
        f"| {i + 1} | {shown(float(flow.slope[i].mean()))} | {shown(float(flow.through_activation[i]))} | "
        f"{shown(float(flow.through_weights[i - 1])) if i else '—'} | {shown(float(flow.norms[i]))} | "
        f"{int(flow.dead_units[i])} |"
        for i in range(depth - 1, -1, -1))
    mo.vstack([
        lesson.md("why_intro"),
        lesson.figure("slopes", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("slopes_legend")}</p>'),
        lesson.md(f"slopes_read.{deep}", name=lesson.t(f"option.activation.{deep}"), low=shown(float(_mean_slope.min())),
                  high=shown(float(_mean_slope.max())), act_low=shown(float(_act.min())),
                  act_high=shown(float(_act.max()))),
        lesson.md("table", rows=_table, depth=depth),
        lesson.md("try_intro"),
        lesson.try_links(DEEP, sigmoid={}, relu_default={"deep": "relu"}, relu_he={"deep": "relu", "gain": 2.5},
                         relu_large={"deep": "relu", "gain": 7.9}, tanh_small={"deep": "tanh", "gain": 0.5}),
    ])
    return


@app.cell
def _(depth, flows, gain, lesson, shape):
    with mo.status.spinner(title=lesson.t("working.sweep", count=len(GAIN.values))):   # ~0.3 s
        sweep = study.sweep(shape, depth, GAIN.values)
    marks = {lesson.t(f"start.{k}", gain=shown(g)): g for k, g in STARTS.items()}
    _chart, _rows, _data = draw.gains_chart(lesson, GAIN.values, sweep, gain, marks)
    _steady = {k: flow_lib.steady_gain(GAIN.values, v) for k, v in sweep.items()}
    _lines = []
    for _k, _g in _steady.items():
        _name = lesson.t(f"option.activation.{_k}")
        if _g is None:
            _top = int(np.argmax(sweep[_k]))
            _lines.append(lesson.t("steady_never", name=_name, low=shown(GAIN.values[0]), high=shown(GAIN.values[-1]),
                                   best=shown(float(sweep[_k][_top])), at=shown(GAIN.values[_top])))
        else:
            _lines.append(lesson.t("steady_at", name=_name, gain=shown(_g)))
    _relu = _steady["relu"]
    # "close to He's" only when the measured gain is within 10% of √6; a ReLU that never reaches 1 has none.
    _he = "" if _relu is None else lesson.t(f"he.{'near' if abs(math.log(_relu / STARTS['he'])) < 0.1 else 'other'}",
                                            he=shown(STARTS["he"]), relu=shown(_relu))
    _low, _high = GAIN.values[0], GAIN.values[-1]
    _relu_lo, _relu_hi = (study.flow(shape, "relu", depth, g).through_activation.mean() for g in (_low, _high))
    _sig_lo, _sig_hi = (study.flow(shape, "sigmoid", depth, g).through_activation.mean() for g in (_low, _high))
    mo.vstack([
        lesson.md("gains_intro", depth=depth, low=shown(GAIN.values[0]), high=shown(GAIN.values[-1])),
        lesson.figure("gains", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("gains_legend")}</p>'),
        lesson.md("gains_read", lines="\n".join(f"- {line}" for line in _lines), he=_he,
                  low=shown(_low), high=shown(_high), relu_lo=shown(float(_relu_lo)), relu_hi=shown(float(_relu_hi)),
                  sig_lo=shown(float(_sig_lo)), sig_hi=shown(float(_sig_hi))),
    ])
    return


@app.cell
def _(best, deep, depth, fits, flow, gain, gap, layers, lesson, linear_accuracy, shape):
    _top = max(f.accuracy for k, f in fits.items() if k != "none")
    _names = [lesson.t(f"option.activation.{k}") for k, f in fits.items() if k != "none" and f.accuracy == _top]
    lesson.md("closing", layers=layers, gap=shown(gap), data=lesson.t(f"option.data.{shape}"),
              none=percent(linear_accuracy), best=percent(best.accuracy),
              name=lesson.t("and").join(_names), accuracy=percent(_top),
              deep=lesson.t(f"option.activation.{deep}"), depth=depth, gain=shown(gain), shrink=shown(flow.shrink))
    return


@app.cell
def _(lesson):
    lesson.code(collapse, collapse_gap, best_line, fit_points, train_on_points, flow_lib.gradient_flow,
                flow_lib.GradientFlow, flow_lib.curve, flow_lib.scaled_network, flow_lib.gain_sweep,
                flow_lib.steady_gain)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(gap=("rounding", "percent", "far"), beats=("nobody", "some", "nonlinear", "all"),
                       first=flow_lib.NONLINEAR)
    return (quiz,)


@app.cell
def _(best, depth, firsts, fits, gain, gap, lesson, quiz, shape):
    _beat = {k for k, f in fits.items() if f.accuracy > best.accuracy}
    _nonlinear = set(fits) - {"none"}
    _top = max(firsts.values())
    lesson.check(
        quiz,
        asked={"beats": {"data": lesson.t(f"option.data.{shape}")}, "first": {"depth": depth, "gain": shown(gain)}},
        gap="rounding" if gap < 1e-5 else "percent" if gap < 0.1 else "far",
        beats=("nobody" if not _beat else "all" if _beat == set(fits) else "nonlinear" if _beat == _nonlinear
               else "some"),
        first=[k for k, v in firsts.items() if v == _top],
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
