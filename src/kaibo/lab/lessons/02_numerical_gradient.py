"""Lesson 2: numerical differentiation vs backpropagation; words and wiring only.

Every number comes from `kaibo.engine.gradcheck` (the two differences, their error against h in float64 and
float32, the error the estimate predicts, the gradient check), `kaibo.train.patients_network` (a small real
network on lesson 1's patients) and `kaibo.train.gradient_cost` (passes counted and timed for networks of
growing N); the figures are drawn by `kaibo.lab.figures.numerical_gradient`.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 2")

with app.setup:
    import time
    from functools import cache, partial

    import marimo as mo
    import numpy as np

    from kaibo.engine import Tensor, gradcheck
    from kaibo.lab.controls import Choice, LogSlider, Slider
    from kaibo.lab.exhibits import shown, tex
    from kaibo.lab.figures import numerical_gradient as draw
    from kaibo.lab.figures.numerical_gradient import power
    from kaibo.lab.page import Lesson
    from kaibo.train import gradient_cost, patients_network

    SLUG = "numerical_gradient"
    ANCHORS = ("sweep", "check")  # where the presets' links open: the controls, with their figure under them
    FUNCTIONS = {"exp": Tensor.exp, "tanh": Tensor.tanh, "sigmoid": Tensor.sigmoid}  # engine ops, differentiated
    SUBJECTS = (*FUNCTIONS, "network")
    DTYPES = ("float64", "float32")
    LADDER = (1, 2, 4, 8, 16, 32, 64, 128)  # hidden widths measured on the way to the largest one chosen
    DECADES = {"e1": -1, "e2": -2, "e3": -3, "e4": -4, "e6": -6, "e10": -10}  # the self-check's h: 10⁻¹, 10⁻², …


@app.function
@cache
def differences(subject: str, x: float) -> tuple[dict, tuple]:
    """Both differences at x for every h, in each dtype; and f(x), f''(x), f'''(x) for the predicted error.
    Cached: moving the chosen h (or anything further down the page) computes nothing again."""
    if subject == "network":
        value, derivative = patients_network.weight_function()
    else:
        def value(dtype: str) -> gradcheck.ScalarFunction:  # the engine op computes in its input's dtype
            return gradcheck.tensor_function(FUNCTIONS[subject])
        derivative = partial(gradcheck.backprop_derivative, FUNCTIONS[subject])
    sweeps = {dtype: gradcheck.sweep(value(dtype), derivative, x, dtype) for dtype in DTYPES}
    theory = (float(value("float64")(np.float64(x))), *gradcheck.higher_derivatives(derivative, x))
    return sweeps, theory


@app.function
@cache
def measured_cost(hidden: int, run: int) -> gradient_cost.Cost:
    """One network's passes and times, kept for this session: `run` (presses of "measure again") asks for a
    fresh measurement."""
    del run  # part of the cache key only
    return gradient_cost.measure(hidden)


@app.function
@cache
def checked(dtype: str, h: float) -> gradcheck.GradientCheck:
    net = patients_network.make_network(dtype=dtype)
    return gradcheck.gradient_check(net.loss, net.params, h)


@app.function
def error_text(lesson, error: float) -> str:
    """An error as the tables show it (as a power of ten, as every h); NaN: x + h rounded back to x (no step)."""
    return lesson.t("no_step") if np.isnan(error) else power(error, 4)


@app.function
def best_text(lesson, hs: np.ndarray, error: float) -> str:
    """The h with the smallest error: the one h, or, when several tie exactly, how many and between which."""
    if len(hs) == 1:
        return lesson.t("best", h=power(hs[0]), error=power(error, 4))
    return lesson.t("best_tie", n=len(hs), low=power(hs.min()), high=power(hs.max()), error=power(error, 4))


@app.function
def predicted_text(lesson, h: float) -> str:
    """The h the estimate predicts best; 0 where f(x) = 0 (no rounding predicted), ∞ where no truncation."""
    return lesson.t("predicted_zero") if h == 0 else lesson.t("predicted_none") if np.isinf(h) else power(h)


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    mo.vstack([lesson.md("intro"), lesson.md("differences"), lesson.md("two_errors")])
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    ui = lesson.controls(
        reset,
        fn=Choice(SUBJECTS, default="exp"),
        x=Slider(-2.0, 2.0, 0.1, default=1.0),
        h=LogSlider(1e-15, 0.1, default=1e-10),
    )
    mo.vstack([
        lesson.anchor(ANCHORS[0]),
        lesson.md("controls_intro"),
        lesson.md("sweep_guide"),
        ui["fn"],
        mo.hstack([ui["x"], ui["h"], reset], justify="start", gap=3),
    ], gap=2.25)
    return (ui,)


@app.cell
def _(ui):
    sweeps, theory = differences(ui.value["fn"], ui.value["x"])
    return sweeps, theory


@app.cell
def _(lesson, sweeps, theory, ui):
    _h = ui.value["h"]
    _chart, _rows, _data = draw.sweep_chart(lesson, sweeps, theory, _h)
    best = {(d, m): s.best(m) for d, s in sweeps.items() for m in gradcheck.METHODS}
    _predicted = {(d, m): gradcheck.predicted_best_h(m, gradcheck.machine_epsilon(d), *theory)
                  for d in DTYPES for m in gradcheck.METHODS}
    at = {(d, m, k): s.error_at(m, k) for d, s in sweeps.items() for m in gradcheck.METHODS for k in (1e-10, 1e-5)}
    _taken = {d: gradcheck.step_taken(np.dtype(d).type(s.x), _h) / _h for d, s in sweeps.items()}
    _table = draw.compare(
        lesson, {d: d for d in DTYPES},
        best_forward=[best_text(lesson, *best[d, "forward"]) for d in DTYPES],
        predicted_forward=[predicted_text(lesson, _predicted[d, "forward"]) for d in DTYPES],
        best_central=[best_text(lesson, *best[d, "central"]) for d in DTYPES],
        predicted_central=[predicted_text(lesson, _predicted[d, "central"]) for d in DTYPES],
        central_1e5=[error_text(lesson, at[d, "central", 1e-5]) for d in DTYPES],
        central_1e10=[error_text(lesson, at[d, "central", 1e-10]) for d in DTYPES],
        chosen_forward=[error_text(lesson, sweeps[d].error_at("forward", _h)) for d in DTYPES],
        chosen_central=[error_text(lesson, sweeps[d].error_at("central", _h)) for d in DTYPES],
        step=[f"{_taken[d]:.10f}" if _taken[d] else lesson.t("no_step") for d in DTYPES],
    )
    mo.vstack([
        lesson.figure("sweep", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("legend_sweep")}</p>'),
        lesson.readout(exact=sweeps["float64"].exact),
        mo.Html(_table),
    ])
    return at, best


@app.cell
def _(at, lesson, sweeps, theory, ui):
    _fx, _f2, _f3 = theory
    _e10, _e5 = at["float64", "central", 1e-10], at["float64", "central", 1e-5]
    _textbook = (lesson.t("textbook.worse", e10=shown(_e10), e5=shown(_e5), ratio=shown(_e10 / _e5) if _e5 else "∞")
                 if _e10 > _e5 else lesson.t("textbook.not_worse", e10=shown(_e10), e5=shown(_e5)))
    # Where a step was taken and f did not change: a flat stretch at |f′(x)|, listed as the figure shows it.
    _unchanged = [lesson.t("unchanged.row", dtype=d, method=lesson.t(f"method.{m}"), n=len(hs), low=power(hs.min()),
                           high=power(hs.max()))
                  for d, s in sweeps.items() for m in gradcheck.METHODS if (hs := s.unchanged(m)).size]
    _same = [d for d, s in sweeps.items()
             if np.array_equal(s.estimate["forward"], s.estimate["central"], equal_nan=True)]
    mo.vstack([
        lesson.md("reading"),
        mo.md(_textbook),
        lesson.md(f"subject.{ui.value['fn']}", fx=shown(_fx), f2=shown(_f2), f3=shown(_f3),
                  exact=shown(sweeps["float64"].exact)),
        *([lesson.md("unchanged.text", rows="\n".join(_unchanged), derivative=shown(abs(sweeps["float64"].exact)))]
          if _unchanged else []),
        *([lesson.md("same_curves", dtypes=" / ".join(_same))] if _same else []),
    ])
    return


@app.cell
def _(lesson):
    _eps = {d: gradcheck.machine_epsilon(d) for d in DTYPES}
    mo.vstack([
        lesson.md("slopes"),
        lesson.md("step_taken", eps64=shown(_eps["float64"]),
                  step64=f"{gradcheck.step_taken(np.float64(1), 1e-10) / 1e-10:.15f}",
                  step32=f"{gradcheck.step_taken(np.float32(1), 1e-5) / 1e-5:.7f}",
                  off32=shown(100 * float(gradcheck.step_taken(np.float32(1), 1e-5) / 1e-5 - 1))),
        lesson.md("theory"),
        mo.Html(draw.compare(lesson, {d: d for d in DTYPES}, eps=[_eps[d] for d in DTYPES],
                             sqrt_eps=[_eps[d] ** 0.5 for d in DTYPES], cbrt_eps=[_eps[d] ** (1 / 3) for d in DTYPES])),
        lesson.md("theory_after"),
        lesson.try_links(ANCHORS[0], better={"h": 1e-5}, float32={"h": 0.005}, network={"fn": "network", "x": 0.3},
                  no_cancel={"fn": "tanh", "x": 0.0}),
    ])
    return


@app.cell
def _(lesson):
    lesson.md("cost_intro")
    return


@app.cell
def _(lesson, reset):
    cost_ui = lesson.controls(reset, largest=LogSlider(16, 250, default=100))
    again = mo.ui.button(label=lesson.t("again"), tooltip=lesson.t("again_help"), value=0,
                         on_click=lambda presses: presses + 1)
    mo.hstack([cost_ui["largest"], again], justify="start", gap=2)
    return again, cost_ui


@app.cell
def _(again, cost_ui, lesson):
    _largest = int(cost_ui.value["largest"])
    with mo.status.spinner(title=lesson.t("measuring")):
        costs = [measured_cost(w, again.value) for w in (*(w for w in LADDER if w < _largest), _largest)]
    return (costs,)


@app.cell
def _(costs, lesson):
    _chart, _rows, _data = draw.cost_chart(lesson, costs)
    _top, _below = costs[-1], costs[-2]
    _ways = {w: lesson.t(f"method.{w}") for w in gradient_cost.WAYS}
    # One pass inside the central differences, against one pass timed alone: above 1, each pass cost more there.
    _per_pass = _top.in_forward_passes("central") / _top.forward_passes["central"]
    _backprop = [c.in_forward_passes("backprop") for c in costs]
    mo.vstack([
        lesson.md("measured_at", time=time.strftime("%H:%M:%S", time.localtime(max(c.measured_at for c in costs))),
                  networks=len(costs), rounds=gradient_cost.ROUNDS),
        lesson.figure("cost", _chart, _rows, datasets=_data),
        lesson.md("cost_table", n=_top.n_params, hidden=_top.hidden),
        mo.Html(draw.compare(
            lesson, _ways,
            forward_passes=[_top.forward_passes[w] for w in _ways],
            backward_passes=[_top.backward_passes[w] for w in _ways],
            ms=[1000 * _top.seconds[w] for w in _ways],
            in_forwards=[_top.in_forward_passes(w) for w in _ways],
        )),
        lesson.md("cost_reading", n=_top.n_params, central=_top.forward_passes["central"],
                  time=shown(_top.in_forward_passes("central")), one=shown(1000 * _top.one_forward),
                  ratio=shown(_top.seconds["central"] / _top.seconds["backprop"])),
        lesson.md("per_pass.longer" if _per_pass > 1 else "per_pass.not_longer", per_pass=shown(_per_pass)),
        lesson.md("cost_growth", n=_top.n_params, n_below=_below.n_params,
                  slope=shown(gradient_cost.growth(costs, "central"))),
        lesson.md("why_backprop", low=shown(min(_backprop)), high=shown(max(_backprop)),
                  n_low=costs[0].n_params, n_high=_top.n_params),
    ])
    return


@app.cell
def _(lesson):
    lesson.md("check_intro", rtol=tex(gradcheck.RTOL), atol=tex(gradcheck.ATOL), h=power(gradcheck.H))
    return


@app.cell
def _(lesson, reset):
    check_ui = lesson.controls(reset, dtype=Choice(DTYPES, default="float64"),
                               check_h=LogSlider(1e-12, 0.1, default=gradcheck.H))
    mo.vstack([lesson.anchor(ANCHORS[1]),
               mo.hstack([check_ui["dtype"], check_ui["check_h"]], justify="start", gap=3)])
    return (check_ui,)


@app.cell
def _(check_ui, lesson):
    check = checked(check_ui.value["dtype"], check_ui.value["check_h"])
    _chart, _rows, _data = draw.check_chart(lesson, check, gradcheck.RTOL)
    _lost = int(np.isnan(check.relative).sum())
    _worst = {"worst": float(np.nanmax(check.relative))} if _lost < len(check.names) else {}
    mo.vstack([
        lesson.figure("check", _chart, _rows, datasets=_data),
        lesson.readout(n_checked=len(check.names), n_passed=int(check.passed.sum()), **_worst,
                       **({"n_no_step": _lost} if _lost else {})),
        lesson.md("check_reading." + check_ui.value["dtype"],
                  **{f"best_{d}": shown(gradcheck.machine_epsilon(d) ** (2 / 3)) for d in DTYPES}),
        lesson.try_links(ANCHORS[1], f64_default={}, f64_small={"check_h": 1e-10}, f64_large={"check_h": 0.01},
                  f32_default={"dtype": "float32"}, f32_large={"dtype": "float32", "check_h": 0.01}),
    ])
    return (check,)


@app.cell
def _(lesson):
    lesson.code(gradcheck.step_taken, gradcheck.forward_difference, gradcheck.central_difference,
                gradcheck.numerical_gradient, gradcheck.sweep, gradcheck.predicted_error, gradcheck.relative_error,
                gradcheck.gradient_check, patients_network.PatientsNetwork.loss, gradient_cost.CountedLoss,
                gradient_cost.gradient, gradient_cost.measure)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(textbook=("tiny", "moderate", "same"), float32=tuple(DECADES), passes=("all", "some", "none"))
    return (quiz,)


@app.cell
def _(at, best, check, check_ui, lesson, quiz, ui):
    _e10, _e5 = at["float64", "central", 1e-10], at["float64", "central", 1e-5]
    _decades = np.log10(best["float32", "central"][0])  # every h that ties for the smallest error
    _n_passed = int(check.passed.sum())
    lesson.check(
        quiz,
        asked={"textbook": {"fn": lesson.t(f"option.fn.{ui.value['fn']}"), "x": ui.value["x"]},
               "passes": {"dtype": check_ui.value["dtype"], "h": power(check_ui.value["check_h"])}},
        textbook="moderate" if _e5 < _e10 else "tiny" if _e10 < _e5 else "same",
        float32=[name for name, k in DECADES.items()  # the nearest to any of them; both when one lies halfway
                 if any(abs(d - k) == min(abs(d - j) for j in DECADES.values()) for d in _decades)],
        passes="all" if _n_passed == len(check.names) else "none" if _n_passed == 0 else "some",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
