"""Lesson 9: recurrence. An RNN unrolled in time on a task whose answer lies at the first step, its hidden
state at every step, the gradient at every earlier step as the recurrent weights and the length change, a
GRU beside it, both trained, and the bridge to attention; words and wiring only.

Every number comes from `kaibo.models.recurrent_gradients` (the recurrent matrices scaled to a spectral
radius, ∂L/∂h_t read off `CharRNN.trace`, the fitted factor per step back and its bound, a step's pieces,
the GRU's update gate, path lengths) and `kaibo.train.recurrence_study` (the models, both cells trained on
the first-letter task of `kaibo.data.sequences`, clipping); the figures are drawn by
`kaibo.lab.figures.recurrence`. Training takes seconds, so it runs when the learner presses its button, and
its results are kept for the settings it ran with.

Steps are counted as the model counts them: h_0 = 0 is the state before the first symbol, h_t the state
after reading symbol t, and the answer is read from h_T.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 9")

with app.setup:
    from functools import lru_cache

    import marimo as mo
    import numpy as np

    from kaibo.data.sequences import DIGITS, LETTERS, VOCAB, first_letter_sequences, spell
    from kaibo.engine.optim import clip_grad_norm_
    from kaibo.lab.controls import Choice, Slider
    from kaibo.lab.exhibits import shown, tex
    from kaibo.lab.figures import recurrence as draw
    from kaibo.lab.page import Lesson
    from kaibo.models import recurrent_gradients as rg
    from kaibo.models.char_rnn import CharRNN
    from kaibo.train import recurrence_study as study_lib

    SLUG = "recurrence"
    CONTROLS = "controls"  # the anchor the preset links open at: the controls, with the figures under them
    STUDY_LENGTHS = (5, 10, 20, 40)
    TRAINED_LENGTH = 20  # the trained models' gradients are shown at this length
    LEARNT = 0.9  # the test accuracy the page calls "learnt"
    OPEN = 0.9  # an update gate whose average is above this nearly copies its unit from step to step
    FAR = 100  # "after 100 steps": how far the trained GRU's factor is carried in the text
    MAX_BRIDGE = 12  # the bridge to attention draws at most this many steps
    STUDIES: dict = {}  # (steps, seed) → the study run with those settings, kept while the lab runs


@app.function
@lru_cache(maxsize=64)
def traced(cell: str, seed: int, radius: float, length: int):
    """The model (weights of `seed`, recurrent matrices at spectral radius `radius`, float64 so that a
    gradient of 10⁻⁴⁰ is still a number), one sequence of `length` and its trace (~10 ms at T = 60)."""
    model = study_lib.recurrent_model(cell, seed, radius, np.float64)
    ids, targets = first_letter_sequences(1, length, np.random.default_rng(seed))
    trace = model.trace(ids, targets)
    return model, ids, targets, trace, rg.gradient_through_time(model, trace)


@app.function
def studied(steps: int, seed: int, run: bool):
    """The study with these settings: run now if asked (the button), else the one run before, else None."""
    if run and (steps, seed) not in STUDIES:
        STUDIES[(steps, seed)] = study_lib.recurrence_study(STUDY_LENGTHS, steps, seed)
    return STUDIES.get((steps, seed))


# The unrolled picture and the bridge change with the length and the step, not with ρ or the weights: their
# drawings are kept, so a move of the ρ slider does not build them again (0.07–0.2 s each, measured). Only the
# drawings: a figure's CSV button belongs to the run of the cell that made it.
@app.function
@lru_cache(maxsize=32)
def unrolled_drawing(lesson: Lesson, symbols: tuple[str, ...], chosen: int) -> tuple:
    return draw.unrolled_chart(lesson, list(symbols), chosen)


@app.function
@lru_cache(maxsize=16)
def paths_drawing(lesson: Lesson, steps: int) -> tuple:
    return draw.paths_chart(lesson, rg.path_lengths(steps))


@app.function
def legend(lesson: Lesson, key: str) -> mo.Html:
    """A figure's legend in small type, written in Markdown so that its symbols are set as the text's are
    (KaTeX). marimo's prose style would set the Markdown back to full size, so the legend goes without it."""
    return mo.Html(f'<div class="kaibo-legend">{lesson.md(key).text.replace("prose dark:prose-invert", "")}</div>')


@app.function
def count_of(model: CharRNN, prefix: str) -> int:
    """How many numbers the model's weights whose names start with `prefix` hold."""
    return sum(p.data.size for name, p in model.named_parameters() if name.startswith(prefix))


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    lesson.md("intro", letters=", ".join(LETTERS), digits=DIGITS[0] + "–" + DIGITS[-1])
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    ui = lesson.controls(
        reset,
        length=Slider(5, 60, 1, default=20),
        radius=Slider(0.1, 3.0, 0.1, default=0.6),
        seed=Slider(0, 9, 1, default=0),
        study_steps=Choice(("300", "1000"), default="300"),
    )
    return (ui,)


@app.cell
def _(lesson, reset, ui):
    step_ui = lesson.controls(reset, step=Slider(1, ui.value["length"], 1, default=1))
    mo.vstack([
        lesson.anchor(CONTROLS),
        lesson.md("controls_intro"),
        mo.hstack([ui["length"], ui["radius"]], justify="start", gap=3),
        mo.hstack([ui["seed"], step_ui["step"], reset], justify="start", gap=3),
    ], gap=2.25)
    return (step_ui,)


@app.cell
def _(step_ui, ui):
    length, radius, seed = ui.value["length"], float(ui.value["radius"]), ui.value["seed"]
    chosen = min(step_ui.value["step"], length)
    model, ids, targets, trace, rnn = traced("rnn", seed, radius, length)
    gru_model, _, _, gru_trace, gru = traced("gru", seed, radius, length)
    symbols = spell(ids[0])
    return chosen, gru, gru_model, gru_trace, length, model, radius, rnn, seed, symbols, targets, trace, ids


@app.cell
def _(chosen, lesson, length, model, seed, symbols):
    _chart, _rows, _data = unrolled_drawing(lesson, tuple(symbols), chosen)
    _initial = rg.spectral_radius(rg.recurrent_blocks(study_lib.recurrent_model("rnn", seed))["W_hh"])
    _cell = count_of(model, "rnn.")
    mo.vstack([
        lesson.md("unrolled_intro", sequence=" ".join(symbols), answer=symbols[0], length=length),
        lesson.figure("unrolled", _chart, _rows, datasets=_data),
        legend(lesson, "unrolled_legend"),
        lesson.readout(length=length, cell_numbers=_cell, embed_numbers=count_of(model, "embed."),
                       head_numbers=count_of(model, "head."), initial_radius=_initial),
        lesson.md("shared", h=model.hidden_size, c=model.embed_size, cell=_cell, length=length,
                  separate=_cell * length, v=len(VOCAB), initial=shown(_initial)),
    ])
    return


@app.cell
def _(chosen, lesson, model, rnn, symbols, trace):
    _chart, _rows, _data = draw.states_chart(lesson, symbols, rnn.states, chosen)
    _parts = rg.rnn_step_parts(model, trace, chosen)
    _table = "\n".join(
        f"| {i + 1} | {shown(a)} | {shown(b)} | {shown(c)} | **{shown(d)}** |"
        for i, (a, b, c, d) in enumerate(zip(_parts["input"].tolist(), _parts["recurrent"].tolist(),
                                             _parts["sum"].tolist(), _parts["state"].tolist(), strict=True)))
    _first = {name: float(values[0]) for name, values in _parts.items()}
    _bare = {name: tex(v)[1:-1] if v < 0 else tex(v) for name, v in _first.items()}  # no brackets after "(" or "="
    _unit = (rf"h_{{{chosen},1}} = \tanh({_bare['input']} + {tex(_first['recurrent'])})"
             rf" = \tanh({_bare['sum']}) = {_bare['state']}")
    mo.vstack([
        lesson.md("states_intro"),
        lesson.figure("states", _chart, _rows, datasets=_data),
        legend(lesson, "states_legend"),
        lesson.md("step_formula", t=chosen, prev=chosen - 1, symbol=symbols[chosen - 1], unit=_unit,
                  rows=_table),
    ])
    return


@app.cell
def _(gru, lesson, rnn):
    _chart, _rows, _data = draw.gradient_chart(lesson, {"rnn": rnn, "gru": gru})
    mo.vstack([
        lesson.md("gradients_intro"),
        lesson.figure("gradients", _chart, _rows, datasets=_data),
        legend(lesson, "gradients_legend"),
    ])
    return


@app.cell
def _(gru, gru_model, gru_trace, ids, length, lesson, model, radius, rnn, targets):
    _slopes = rg.tanh_slopes(rnn.states)
    _bounds = rg.step_bounds(model, rnn.states)
    gates = rg.update_gates(gru_model, gru_trace)
    _before, _after = study_lib.clipped_norm(model, ids, targets)
    _kind = "vanish" if rnn.reach < 1e-2 else "explode" if rnn.reach > 1e2 else "neither"
    mo.vstack([
        lesson.readout(rnn_reach=rnn.reach, rnn_factor=rnn.factor, gru_reach=gru.reach, gru_factor=gru.factor,
                       radius=rnn.radius, sigma_max=rnn.sigma_max, mean_slope=float(_slopes.mean()),
                       largest_ratio=float(rnn.ratios.max()), largest_bound=float(_bounds.max()),
                       largest_state=float(np.abs(rnn.states).max()), mean_gate=float(gates.mean())),
        mo.callout(lesson.md(f"verdict.{_kind}", length=length, radius=shown(radius), reach=shown(rnn.reach),
                             factor=shown(rnn.factor), steps=length - 1, power=shown(rnn.factor ** (length - 1))),
                   kind={"vanish": "info", "explode": "danger", "neither": "success"}[_kind]),
        lesson.md("why_factor", sigma=shown(rnn.sigma_max), rho=shown(rnn.radius), factor=shown(rnn.factor),
                  low=shown(float(rnn.ratios.min())), high=shown(float(rnn.ratios.max())),
                  bound=shown(float(_bounds.max())), slope=shown(float(_slopes.mean())),
                  saturated=f"{100 * float(np.mean(_slopes < 0.1)):.0f}"),
        lesson.md("state_not_gradient." + ("grows" if rnn.reach > 1 else "try"),
                  largest=shown(float(np.abs(rnn.states).max())), reach=shown(rnn.reach)),
        lesson.md("clipping", before=shown(_before), after=shown(_after), limit=shown(study_lib.CLIP)),
        lesson.try_links(CONTROLS, vanish={"radius": 0.3, "length": 40}, edge={"radius": 1.0},
                         explode={"radius": 3.0, "length": 40}, long={"length": 60}),
    ])
    return (gates,)


@app.cell
def _(gates, gru, lesson, rnn):
    # "Closer to 1" on a log scale: a factor of 0.5 and one of 2 are equally far from keeping the gradient.
    _closer = abs(np.log(gru.factor)) < abs(np.log(rnn.factor))
    lesson.md("gru", gate=shown(float(gates.mean())), gru_factor=shown(gru.factor), rnn_factor=shown(rnn.factor),
              closer=lesson.t("gru_closer" if _closer else "gru_not_closer"))
    return


@app.cell
def _(lesson, reset, ui):
    run_study = mo.ui.run_button(label=lesson.t("study_button"), kind="success")
    mo.vstack([
        lesson.md("study_intro", lengths=", ".join(map(str, STUDY_LENGTHS)), batch=study_lib.BATCH,
                  test=study_lib.TEST_COUNT, lr=study_lib.LR, clip=shown(study_lib.CLIP), hidden=study_lib.HIDDEN),
        mo.hstack([ui["study_steps"], run_study, reset], justify="start", gap=2),
    ], gap=1.5)
    return (run_study,)


@app.cell
def _(lesson, run_study, seed, ui):
    steps = int(ui.value["study_steps"])
    with mo.status.spinner(title=lesson.t("study_running", runs=2 * len(STUDY_LENGTHS), steps=steps)):
        study = studied(steps, seed, run_study.value)
    if study is None:
        shown_study = lesson.md("study_waiting", steps=steps, seed=seed)
    else:
        _chart, _rows, _data = draw.study_chart(lesson, study)
        _acc = {key: f"{100 * run.accuracy:.1f}%" for key, run in study.runs.items()}
        _rnn, _gru = study.learnt("rnn", LEARNT), study.learnt("gru", LEARNT)
        _trained = {cell: study.runs[(cell, TRAINED_LENGTH)].model for cell in ("rnn", "gru")}
        _ids, _targets = first_letter_sequences(1, TRAINED_LENGTH, np.random.default_rng(seed))
        _traces = {cell: m.trace(_ids, _targets) for cell, m in _trained.items()}
        _grads = {cell: rg.gradient_through_time(_trained[cell], _traces[cell]) for cell in _trained}
        _gates = rg.update_gates(_trained["gru"], _traces["gru"]).mean(axis=0)        # (H,) per unit
        _gchart, _grows, _gdata = draw.gradient_chart(lesson, _grads)
        none = lesson.t("study_none")
        shown_study = mo.vstack([
            lesson.figure("study", _chart, _rows, datasets=_data),
            legend(lesson, "study_legend"),
            lesson.readout(**{f"acc_{cell}_{n}": _acc[(cell, n)] for n in STUDY_LENGTHS for cell in ("rnn", "gru")}),
            lesson.md("study_read", steps=steps, rnn=", ".join(map(str, _rnn)) or none,
                      gru=", ".join(map(str, _gru)) or none, learnt=f"{100 * LEARNT:.0f}",
                      seconds=f"{study.seconds:.0f}", seed=seed),
            lesson.md("trained_intro", length=TRAINED_LENGTH, rnn=_acc[("rnn", TRAINED_LENGTH)],
                      gru=_acc[("gru", TRAINED_LENGTH)]),
            lesson.figure("trained", _gchart, _grows, datasets=_gdata),
            lesson.readout(trained_rnn_factor=_grads["rnn"].factor, trained_gru_factor=_grads["gru"].factor,
                           trained_gate_mean=float(_gates.mean()), trained_gate_max=float(_gates.max()),
                           trained_open=int(np.sum(_gates > OPEN))),
            lesson.md("trained_read", rnn=shown(_grads["rnn"].factor), gru=shown(_grads["gru"].factor),
                      mean=shown(float(_gates.mean())), top=shown(float(_gates.max())),
                      open=int(np.sum(_gates > OPEN)), h=study_lib.HIDDEN, threshold=shown(OPEN)),
            *([lesson.md("trained_far", rnn=shown(_grads["rnn"].factor), gru=shown(_grads["gru"].factor), far=FAR,
                         far_gru=shown(_grads["gru"].factor ** FAR), far_rnn=shown(_grads["rnn"].factor ** FAR))]
              if _grads["gru"].factor < 1 else []),
        ])
    shown_study
    return (study,)


@app.cell
def _(length, lesson, rnn):
    _bridge = min(length, MAX_BRIDGE)
    _chart, _rows, _data = paths_drawing(lesson, _bridge)
    mo.vstack([
        lesson.md("bridge_intro", n=_bridge, most=MAX_BRIDGE),
        lesson.figure("paths", _chart, _rows, datasets=_data),
        lesson.md("bridge_read", length=length, steps=length - 1, factor=shown(rnn.factor),
                  power=shown(rnn.factor ** (length - 1))),
    ])
    return


@app.cell
def _(lesson):
    lesson.md("closing")
    return


@app.cell
def _(lesson):
    lesson.code(first_letter_sequences, study_lib.recurrent_model, rg.set_spectral_radius,
                rg.gradient_through_time, rg.fit_geometric, rg.step_bounds, rg.rnn_step_parts, rg.update_gates,
                CharRNN.trace, study_lib.train_first_letter, clip_grad_norm_, rg.path_lengths)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(direction=("shrinks", "grows"), shared=("one", "per_step"), further=("rnn", "gru"))
    return (quiz,)


@app.cell
def _(gru, length, lesson, quiz, radius, rnn):
    lesson.check(
        quiz,
        asked={"direction": {"radius": radius, "length": length}, "shared": {"length": length},
               "further": {"radius": radius, "length": length}},
        direction="shrinks" if rnn.reach < 1 else "grows",
        shared="one",
        further="gru" if gru.reach > rnn.reach else "rnn",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
