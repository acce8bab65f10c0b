"""Lesson 7: the playground. A small network learning 2-D points live; words and wiring only.

The run is a `kaibo.train.live_training.LiveTraining`; the canvas that draws it while it learns, its buttons
and its live numbers are `kaibo.lab.playground_widget.Playground` (an anywidget that asks Python for each
frame); the losses and their gradients at the logits are `kaibo.train.class_losses`; a learner's own file is
read by `kaibo.data.points_csv`. The cells below the canvas are redrawn when the run stops (a pause, a step,
a divergence, a point placed), through the `view` state the widget bumps, never at every frame.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 7")

with app.setup:
    import math
    from functools import cache

    import marimo as mo
    import numpy as np

    from kaibo.data.points_csv import MAX_POINTS, PointsFile, points_csv, read_points_csv
    from kaibo.data.toy2d import Points2D, make_points
    from kaibo.errors import KaiboError
    from kaibo.lab.controls import Choice, LogSlider, Slider, Text
    from kaibo.lab.exhibits import shown
    from kaibo.lab.figures import playground as draw
    from kaibo.lab.page import Lesson, address
    from kaibo.lab.playground_widget import Playground, decode_points, encode_points
    from kaibo.train import class_losses
    from kaibo.train.live_training import LiveTraining, Settings

    SLUG = "playground"
    CANVAS = "canvas"  # the anchor the experiments' links open at: the controls, with the canvas under them
    DATA = ("moons", "circles", "xor", "spirals", "blobs", "empty", "file")
    ACTIVATIONS = ("tanh", "relu", "sigmoid", "gelu", "none")
    L2 = ("0", "1e-4", "1e-3", "1e-2", "1e-1", "1")
    MAX_PLACED = 200  # points kept in the address (about 15 characters each)
    # The experiments' settings, each measured on the page below with the library (nothing here is asserted).
    DIVERGE = {"layers": 4, "width": 16, "activation": "relu", "lr": 10.0}
    OVERFIT = {"points": 60, "noise": 0.3, "layers": 3, "width": 16, "optimizer": "adam", "lr": 0.01}
    OVERFIT_STEPS = 1000
    WIDGET_WORDS = ("play", "pause", "step", "start_over", "remove", "png", "click_class", "class0", "class1",
                    "click_hint", "restore", "waiting", "map_legend", "curve_legend", "curve_x",
                    "value_step", "value_train_loss", "value_test_loss", "value_train_accuracy",
                    "value_test_accuracy", "value_fps")


@app.function
def hidden_of(setup: dict) -> tuple:
    """The hidden layers' widths from the two sliders: `layers` layers of `width` neurons each."""
    return (setup["width"],) * setup["layers"]


@app.function
def settings_of(training: dict) -> Settings:
    return Settings(lr=training["lr"], batch_size=training["batch"], l2=float(training["l2"]),
                    optimizer=training["optimizer"])


@app.function
def divergence_text(lesson, run) -> str:
    """What the canvas says when a run has left the numbers: where, how the loss climbed, and what to do."""
    d = run.divergence
    trail = " → ".join(shown(v) for v in d.trail)
    value = "NaN" if math.isnan(d.value) else shown(d.value)   # the name the text explains, not Python's "nan"
    return lesson.t(f"diverged.{d.quantity}", step=d.step, name=d.name, value=value, lr=shown(d.lr),
                    trail=trail, good=d.good_step)


@app.function
@cache
def measured_divergence(shape: str) -> tuple:
    """The `DIVERGE` experiment run by the library on the page's default data: (step, quantity, trail)."""
    train, test = make_points(shape, 200, 0.1, 0).split(0.3, 0)
    run = LiveTraining(train, test, (DIVERGE["width"],) * DIVERGE["layers"], DIVERGE["activation"],
                       settings=Settings(lr=DIVERGE["lr"], batch_size=16))
    run.step(300)
    d = run.divergence
    return (None, None, ()) if d is None else (d.step, d.quantity, d.trail)


@app.function
@cache
def measured_overfit(l2: float) -> tuple:
    """The `OVERFIT` experiment on moons after `OVERFIT_STEPS` steps: (train loss, test loss) at its end, and
    the lowest test loss on the way (with its step). About two seconds: run on a button."""
    train, test = make_points("moons", OVERFIT["points"], OVERFIT["noise"], 0).split(0.3, 0)
    run = LiveTraining(train, test, (OVERFIT["width"],) * OVERFIT["layers"], "tanh",
                       settings=Settings(lr=OVERFIT["lr"], batch_size=16, l2=l2, optimizer="adam"))
    run.step(OVERFIT_STEPS)
    best = min(run.history, key=lambda r: r.test_loss)
    return run.history[-1].train_loss, run.history[-1].test_loss, best.test_loss, best.step


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
    setup = lesson.controls(
        reset,
        data=Choice(DATA, default="moons"),
        points=Slider(20, 600, 20, default=200),
        noise=Slider(0.0, 0.5, 0.05, default=0.1),
        test=Slider(0.0, 0.5, 0.1, default=0.3),
        seed=Slider(0, 9, 1, default=0),
        layers=Slider(0, 4, 1, default=2),
        width=Slider(1, 16, 1, default=8),
        activation=Choice(ACTIVATIONS, default="tanh"),
        loss=Choice(class_losses.LOSSES, default="cross_entropy"),
    )
    # The placed points, in a group of their own: a group writes all its values to the address whenever one
    # of them moves, and this one's widget is never shown (the cell that hears the canvas writes it), so in
    # the group above it would erase the points at every change of the data. Here it only joins the reset.
    lesson.controls(reset, placed=Text(default="", max_length=MAX_PLACED * 20))
    training = lesson.controls(
        reset,
        optimizer=Choice(("sgd", "adam"), default="sgd"),
        lr=LogSlider(0.001, 10.0, default=0.1),
        batch=Slider(1, 100, 1, default=16),
        l2=Choice(L2, default="0"),
        speed=Slider(1, 20, 1, default=5),
    )
    return setup, training


@app.cell
def _(lesson):
    upload = mo.ui.file(filetypes=[".csv", ".txt"], kind="area", label=lesson.t("upload"))
    kept_file = {}  # the last file that was read: a refused file leaves it (and its points) in place
    return kept_file, upload


@app.cell
def _(kept_file, lesson, setup, upload):
    data_note = None
    if setup.value["data"] == "file":
        if upload.value:
            _name = upload.value[0].name
            try:
                kept_file["file"] = read_points_csv(upload.value[0].contents, _name)
                kept_file["name"] = _name
            except KaiboError as error:
                data_note = mo.callout(mo.md(lesson.t("file_refused", name=_name,
                                                      reason=error.message(lesson.lang),
                                                      kept=lesson.t("file_kept_some" if kept_file else
                                                                    "file_kept_none"))), kind="danger")
        _file = kept_file.get("file") or PointsFile(Points2D(np.zeros((0, 2), np.float32),
                                                              np.zeros(0, np.int64), "file"), None)
        train, test = _file.parts(setup.value["test"], setup.value["seed"]) if len(_file.points) else (
            _file.points, _file.points)
        if data_note is None and kept_file:
            data_note = mo.callout(lesson.md("file_read", name=kept_file["name"], n=len(_file.points),
                                             own_split=lesson.t("file_split" if _file.test is not None else
                                                                "file_no_split")), kind="success")
    elif setup.value["data"] == "empty":
        train = test = Points2D(np.zeros((0, 2), np.float32), np.zeros(0, np.int64), "empty")
    else:
        train, test = make_points(setup.value["data"], setup.value["points"], setup.value["noise"],
                                  setup.value["seed"]).split(setup.value["test"], setup.value["seed"])
    return data_note, test, train


@app.cell
def _():
    view, set_view = mo.state(0)  # bumped by the canvas whenever the run stops or its data changes
    return set_view, view


@app.cell
def _(lesson, set_view, setup, test, train):
    # Points the learner placed come back from the address (a link carries them), on top of any data set.
    _placed = decode_points(str(address().get("placed") or ""), MAX_PLACED)
    _x = np.array([p[:2] for p in _placed], dtype=np.float32).reshape(-1, 2)
    _y = np.array([p[2] for p in _placed], dtype=np.int64)
    _train = Points2D(np.concatenate([train.x, _x]), np.concatenate([train.y, _y]), train.name)
    run = LiveTraining(_train, test, hidden_of(setup.value), setup.value["activation"], setup.value["loss"],
                       seed=setup.value["seed"], placed=len(_placed))
    _texts = {name: lesson.t(f"canvas.{name}") for name in WIDGET_WORDS}
    _texts["curve_y"] = lesson.t("canvas.curve_y", loss=lesson.t(f"option.loss.{setup.value['loss']}"))
    _texts["lang"] = lesson.lang
    playground = mo.ui.anywidget(Playground(run, _texts, lambda r: divergence_text(lesson, r),
                                            on_change=lambda: set_view(lambda k: k + 1)))
    return playground, run


@app.cell
def _(playground, training):
    playground.widget.run.configure(**vars(settings_of(training.value)))
    playground.widget.steps_per_frame = training.value["speed"]
    return


@app.cell
def _(data_note, lesson, playground, reset, setup, training, upload):
    _file = [upload, *([data_note] if data_note else [])] if setup.value["data"] == "file" else []
    mo.vstack([
        lesson.anchor(CANVAS),
        lesson.md("controls_intro"),
        # Three controls a row at most, so that no label is squeezed onto two lines (the Japanese ones are long).
        setup["data"],
        mo.hstack([setup["points"], setup["noise"], setup["test"]], justify="start", gap=3),
        *_file,
        mo.hstack([setup["seed"], setup["layers"], setup["width"]], justify="start", gap=3),
        setup["activation"],
        mo.hstack([setup["loss"], training["optimizer"]], justify="start", gap=3),
        training["l2"],
        mo.hstack([training["lr"], training["batch"], training["speed"]], justify="start", gap=3),
        reset,
        playground,
    ], gap=1.5)
    return


@app.cell
def _(lesson):
    lesson.md("reading")
    return


@app.cell
def _(lesson, run, setup, view):
    view()
    # Keep the placed points in the address, so a copied link shows them too.
    _params = mo.query_params()
    _code = encode_points(run.train.x[len(run.train) - run.added:], run.train.y[len(run.train) - run.added:])
    if _code and _params.get("placed") != _code:
        _params["placed"] = _code
    elif not _code and "placed" in _params:
        del _params["placed"]
    _last = run.history[-1]
    mo.vstack([
        lesson.md("network", layers=setup.value["layers"], width=setup.value["width"],
                  weights=run.model.num_parameters(), train=len(run.train), test=len(run.test),
                  placed=run.added),
        lesson.readout(steps=_last.step, parameters=run.model.num_parameters(),
                       train_points=len(run.train), test_points=len(run.test),
                       penalty=_last.penalty, gap=_last.test_loss - _last.train_loss),
    ])
    return


@app.cell
def _(lesson, run, view):
    view()
    worst = (class_losses.worst_point(run.model, run.train.x, run.train.y)
             if len(run.train) and run.divergence is None else None)
    _chart, _rows, _data = draw.push_chart(lesson, worst)
    _here = [lesson.md("why_ce_none")] if worst is None else [
        lesson.md("why_ce_point", step=run.steps, x1=shown(worst.x[0]), x2=shown(worst.x[1]), y=worst.label,
                  p=shown(worst.p_true), ce=shown(worst.loss["cross_entropy"]),
                  se=shown(worst.loss["squared_error"]), push_ce=shown(worst.push["cross_entropy"]),
                  push_se=shown(worst.push["squared_error"]),
                  ratio=shown(worst.ratio) if np.isfinite(worst.ratio) else "∞"),
        lesson.readout(worst_p=worst.p_true, push_ce=worst.push["cross_entropy"],
                       push_se=worst.push["squared_error"])]
    mo.vstack([lesson.md("why_ce"), *_here, lesson.figure("push", _chart, _rows, datasets=_data),
               lesson.md("why_ce_after")])
    return (worst,)


@app.cell
def _(lesson):
    _step, _quantity, _trail = measured_divergence("moons")
    _said = (lesson.t("diverge_measured", step=_step, quantity=lesson.t(f"quantity.{_quantity}"),
                      trail=" → ".join(shown(v) for v in _trail)) if _step else lesson.t("diverge_none"))
    mo.vstack([lesson.md("diverge", said=_said),
               lesson.try_links(CANVAS, diverge={"data": "moons", **DIVERGE})])
    return


@app.cell
def _(lesson):
    measure = mo.ui.run_button(label=lesson.t("overfit_measure", steps=f"{OVERFIT_STEPS:,}"))
    return (measure,)


@app.cell
def _(lesson, measure):
    _said = [lesson.md("overfit_ask")]
    if measure.value:
        _plain, _l2 = measured_overfit(0.0), measured_overfit(0.01)
        _said += [lesson.md("overfit_measured", steps=f"{OVERFIT_STEPS:,}", train=shown(_plain[0]),
                           test=shown(_plain[1]), best=shown(_plain[2]), best_step=_plain[3],
                           train_l2=shown(_l2[0]), test_l2=shown(_l2[1])),
                  lesson.readout(overfit_train=_plain[0], overfit_test=_plain[1], overfit_test_l2=_l2[1])]
    mo.vstack([lesson.md("overfit"), *_said[:1], measure, *_said[1:],
               lesson.try_links(CANVAS, overfit={"data": "moons", **OVERFIT},
                                overfit_l2={"data": "moons", **OVERFIT, "l2": "1e-2"},
                                squared={"loss": "squared_error"},
                                spirals={"data": "spirals", "layers": 2, "width": 16, "optimizer": "adam", "lr": 0.01})])
    return


@app.cell
def _(lesson):
    mo.vstack([lesson.md("own_data"), lesson.md("csv_format", limit=f"{MAX_POINTS:,}")])
    return


@app.cell
def _(lesson, run):
    mo.vstack([
        lesson.md("exports"),
        mo.hstack([
            mo.download(run.weights_bytes, filename="kaibo-playground-weights.safetensors",
                        mimetype="application/octet-stream", label=lesson.t("export_weights")),
            mo.download(lambda: points_csv(run.train, run.test).encode("utf-8"),
                        filename="kaibo-playground-points.csv", mimetype="text/csv",
                        label=lesson.t("export_points")),
            mo.download(lambda: run.curves_csv().encode("utf-8"), filename="kaibo-playground-curves.csv",
                        mimetype="text/csv", label=lesson.t("export_curves")),
        ], justify="start", gap=1),
    ])
    return


@app.cell
def _(lesson):
    lesson.code(LiveTraining.step, LiveTraining._one_step, LiveTraining.restore, class_losses.classification_loss,
                class_losses.squared_error, class_losses.logit_gradients, class_losses.worst_point,
                read_points_csv)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(push=("cross_entropy", "squared_error", "same"), gap=("higher", "lower"))
    return (quiz,)


@app.cell
def _(lesson, quiz, run, view, worst):
    view()
    _last = run.history[-1]
    _push = ("same" if worst is None or worst.push["cross_entropy"] == worst.push["squared_error"] else
             "cross_entropy" if worst.push["cross_entropy"] > worst.push["squared_error"] else "squared_error")
    lesson.check(quiz, asked={"gap": {"step": _last.step}}, push=_push,
                 gap="higher" if _last.test_loss > _last.train_loss else "lower")
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
