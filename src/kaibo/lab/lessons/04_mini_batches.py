"""Lesson 4: mini-batches. How noisy a gradient from part of the data is, how a walker fed by such gradients
moves, and what the batch size does to accuracy and to time; words and wiring only.

Every number comes from `kaibo.train.minibatch` (the gradient noise measured and its formula, the walks of
mini-batch SGD on lesson 1's line fit) and `kaibo.train.batch_size_study` (softmax regression on the
digits over several seeds, with the time of each epoch); the figures are drawn by
`kaibo.lab.figures.mini_batches`. The study takes seconds, so it runs when the learner presses its button,
and its results are kept for the settings it ran with.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 4")

with app.setup:
    from functools import cache, lru_cache

    import marimo as mo

    from kaibo.data import load_bmi_progression
    from kaibo.data.datasets import load_digits_split
    from kaibo.lab.controls import Choice, LogSlider, Slider
    from kaibo.lab.exhibits import about, shown, tex
    from kaibo.lab.figures import mini_batches as draw
    from kaibo.lab.figures.gradient_descent import off_map
    from kaibo.lab.page import Lesson
    from kaibo.lab.path import GLOSSARY, lesson_url
    from kaibo.models.landscapes import get_landscape, line_loss
    from kaibo.train import batch_size_study as study_lib
    from kaibo.train import minibatch

    SLUG = "mini_batches"
    PATHS = "paths"  # the anchor the preset links open at: the path controls, with the maps under them
    START = (-1.0, 3.0)  # lesson 1's start on the same map
    N = len(load_bmi_progression().x)  # 442 patients
    # The batch sizes whose noise is measured: powers of two, then closer and closer to N, where the
    # formula's correction (N − B)/(N − 1) takes the noise down to exactly 0.
    MEASURED = (1, 2, 4, 8, 16, 32, 64, 128, 256, 350, 400, 430, 441, N)
    OFFERED = ("1", "4", "16", "64", "256", str(N))
    DRAWS = 1000
    STUDY_SIZES = (1, 4, 16, 64, 256, len(load_digits_split().y_train))
    STUDY_SEEDS = (0, 1, 2, 3, 4)
    STUDIES: dict = {}  # (lr, epochs) → the study run with those settings, kept while the lab runs


@app.function
@cache
def noise_at(where: str, seed: int) -> minibatch.GradientNoise:
    """The gradient noise at the start or at the minimum. Cached: other controls leave it as it is."""
    data, land = load_bmi_progression(), get_landscape("line")
    point = START if where == "start" else land.landmark("minimum").point
    return minibatch.gradient_noise(data.x, data.y, point, MEASURED, draws=DRAWS, seed=seed)


@app.function
@lru_cache(maxsize=64)
def walk_of(batch_size: int, lr: float, epochs: int, seed: int) -> minibatch.BatchWalk:
    """One walk (B = 1 at 10 epochs is 4,420 engine steps, ~0.4 s): cached, so moving one control redoes
    only the walks it changes; the 64 most recent are kept (a long walk holds ~0.1 MB)."""
    data = load_bmi_progression()
    return minibatch.sgd_walk("line", data.x, data.y, START, batch_size, lr, epochs, seed=seed)


@app.function
def studied(lr: float, epochs: int, run: bool) -> study_lib.BatchSizeStudy | None:
    """The study with these settings: run now if asked (the button), else the one run before, else None."""
    if run and (lr, epochs) not in STUDIES:
        STUDIES[(lr, epochs)] = study_lib.batch_size_study(STUDY_SIZES, STUDY_SEEDS, lr=lr, epochs=epochs)
    return STUDIES.get((lr, epochs))


@app.function
def points(x: float) -> float:
    """A fraction as the page shows it in percent, to one decimal: differences are taken of these, so that a
    difference the page states is the difference of the numbers it shows."""
    return round(100 * x, 1)


@app.function
def percent(x: float) -> str:
    return f"{points(x):.1f}%"


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    lesson.md("intro", n=N, glossary=lesson_url(GLOSSARY, lesson.lang))
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    ui = lesson.controls(
        reset,
        batch=Choice(OFFERED, default="16"),
        where=Choice(("start", "minimum"), default="start"),
        seed=Slider(0, 9, 1, default=0),
        lr=LogSlider(0.01, 1.0, default=0.1),
        epochs=Slider(1, 10, 1, default=3),
        study_lr=Choice(("0.1", "0.5"), default="0.5"),
        study_epochs=Choice(("5", "10"), default="5"),
    )
    return (ui,)


@app.cell
def _(lesson, reset, ui):
    mo.vstack([
        lesson.md("noise_intro", n=N),
        mo.hstack([ui["batch"], ui["where"]], justify="start", gap=2),
        mo.hstack([ui["seed"], reset], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(lesson, ui):
    chosen = int(ui.value["batch"])
    noise = noise_at(ui.value["where"], ui.value["seed"])
    measured, theory = noise.at(chosen)
    _chart, _rows, _data = draw.noise_chart(lesson, noise, chosen)
    formula = (rf"\frac{{\sigma^2}}{{B}}\cdot\frac{{N - B}}{{N - 1}} = \frac{{{tex(noise.sigma2)}}}{{{chosen}}}"
               rf"\cdot\frac{{{N - chosen}}}{{{N - 1}}} = {tex(theory)}")
    mo.vstack([
        lesson.figure("noise", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("noise_legend", b=chosen)}</p>'),
        lesson.readout(batch=chosen, measured=measured, theory=theory,
                       ratio=measured / theory if theory else lesson.t("ratio_none"),
                       sigma2=noise.sigma2, full_norm2=float(noise.full @ noise.full),
                       at_full=noise.at(N)[0]),
        lesson.md("noise_numbers", b=chosen, n=N, formula=formula, measured=shown(measured), draws=DRAWS,
                  error=shown(2 * float(noise.standard_error[list(noise.batch_sizes).index(chosen)]))),
        lesson.md(f"noise_where.{ui.value['where']}", sigma2=shown(noise.sigma2),
                  full=shown(float(noise.full @ noise.full)), one=shown(noise.at(1)[0]),
                  sixteen=shown(noise.at(16)[0])),
        *([lesson.md("cloud_one")] if chosen == 1 else []),
    ])
    return chosen, noise


@app.cell
def _(lesson, ui):
    mo.vstack([
        lesson.md("paths_intro", n=N),
        lesson.anchor(PATHS),
        mo.hstack([ui["lr"], ui["epochs"]], justify="start", gap=3),
    ], gap=1.5)
    return


@app.cell
def _(chosen, lesson, ui):
    sizes = sorted({1, chosen, N})
    walks = [walk_of(b, ui.value["lr"], ui.value["epochs"], ui.value["seed"]) for b in sizes]
    kinds = {draw.kind_of(run.batch_size, N): run for run in walks}
    land = get_landscape("line")
    lowest = land.landmark("minimum").loss
    _chart, _rows, _data = draw.paths_chart(lesson, land, walks, N)
    stopped = [lesson.t("paths_stopped", b=run.batch_size, step=run.stopped_at, last=run.steps) for run in walks
               if run.stopped_at is not None]
    outside = [lesson.t("paths_outside", b=run.batch_size, count=len(away), first=away[0]) for run in walks
               if (away := off_map(land, run))]
    # What each walker did, from its own run: where it diverged, or how far down it got.
    outcomes = "\n".join(
        "- " + (lesson.t("outcome.diverged", b=run.batch_size, step=run.stopped_at, last=run.steps)
                if run.stopped_at is not None else
                lesson.t("outcome.walked", b=run.batch_size, steps=run.steps,
                         progress=f"{100 * run.progress(lowest):.0f}", loss=shown(float(run.loss[-1]))))
        for run in walks)
    went = {kind: run for kind, run in kinds.items() if run.stopped_at is None}
    verdicts = []
    if "all" in went and any(run.progress(lowest) > went["all"].progress(lowest) + 0.05
                             for kind, run in went.items() if kind != "all"):
        verdicts.append(lesson.t("verdict.small_further", full=went["all"].steps))
    elif "all" in went and went["all"].progress(lowest) >= 0.99:
        verdicts.append(lesson.t("verdict.full_there", full=went["all"].steps))
    if "one" in went and went["one"].progress(lowest) >= 0.9:
        verdicts.append(lesson.t("verdict.one_jitters", loss=shown(float(went["one"].loss[-1])),
                                 lowest=shown(lowest)))
    if len(went) < len(kinds):
        verdicts.append(lesson.t("verdict.diverged", lr=ui.value["lr"]))
    whole, rest = divmod(N, chosen)
    batches = (lesson.t("batches.rest", b=chosen, whole=whole, rest=rest, steps=whole + 1) if rest else
               lesson.t("batches.even", b=chosen, n=N, steps=whole))
    mo.vstack([
        lesson.figure("paths", _chart, _rows, datasets=_data),
        mo.Html(f'<p class="kaibo-legend">{lesson.t("paths_legend")} {" ".join(outside)}</p>'),
        *([mo.callout(mo.md("\n\n".join(stopped)), kind="danger")] if stopped else []),
        lesson.readout(seen=ui.value["epochs"] * N,
                       **{f"steps_{kind}": run.steps for kind, run in kinds.items()},
                       **{f"loss_{kind}": float(run.loss[-1]) for kind, run in kinds.items()}),
        lesson.md("paths_read", epochs=ui.value["epochs"], n=N, seen=ui.value["epochs"] * N, lr=ui.value["lr"],
                  batches=batches, outcomes=outcomes, verdicts=" ".join(verdicts)),
        lesson.try_links(PATHS, large_lr={"lr": 0.5}, small_lr={"lr": 0.032, "epochs": 10}, defaults={}),
    ])
    return (kinds,)


@app.cell
def _(lesson, reset, ui):
    run_study = mo.ui.run_button(label=lesson.t("study_button"), kind="success")
    mo.vstack([
        lesson.md("study_intro", n_bmi=N, train=STUDY_SIZES[-1], test=len(load_digits_split().y_test),
                  seeds=len(STUDY_SEEDS), sizes=", ".join(map(str, STUDY_SIZES))),
        mo.hstack([ui["study_lr"], ui["study_epochs"]], justify="start", gap=3),
        mo.hstack([run_study, reset], justify="start", gap=2),
    ], gap=1.5)
    return (run_study,)


@app.cell
def _(lesson, run_study, ui):
    lr, epochs = float(ui.value["study_lr"]), int(ui.value["study_epochs"])
    with mo.status.spinner(title=lesson.t("study_running", runs=len(STUDY_SIZES) * len(STUDY_SEEDS))):
        study = studied(lr, epochs, run_study.value)
    if study is None:
        shown_study = lesson.md("study_waiting", lr=lr, epochs=epochs)
    else:
        _chart, _rows, _data = draw.study_chart(lesson, study)
        summaries = {b: study.summary(b) for b in study.batch_sizes}
        table = "\n".join(
            f"| {s.batch_size} | {s.updates} | {percent(s.mean)} ± {percent(s.std)} | "
            f"{percent(s.low)} – {percent(s.high)} | {percent(s.train_mean)} | {shown(1000 * s.epoch_seconds)} |"
            for s in summaries.values())
        full, one, best = summaries[STUDY_SIZES[-1]], summaries[1], study.best()
        others = ", ".join(str(b) for b in study.overlapping_best() if b != best)
        scale = {"test": study.test_size, "one_image": f"{100 / study.test_size:.2f}"}
        verdict = (lesson.t("study_tied", others=others, **scale) if others else
                   lesson.t("study_alone", best=best, **scale))
        one_step, big_step = one.epoch_seconds * epochs / one.updates, full.epoch_seconds * epochs / full.updates
        # The largest gap between training and test accuracy, taken between the numbers the table shows.
        gap = max(summaries.values(), key=lambda s: points(s.train_mean) - points(s.mean))
        full_batch = STUDY_SIZES[-1]
        under = (lesson.t("study_under", full_updates=full.updates, one_updates=one.updates, full=percent(full.mean),
                          full_train=percent(full.train_mean), best=best,
                          best_accuracy=percent(summaries[best].mean))
                 if study.under_trained(full_batch) else
                 lesson.t("study_learnt", full=percent(full.mean), full_train=percent(full.train_mean)))
        big = summaries[STUDY_SIZES[-2]]
        slower = (lesson.t("study_threads", b=big.batch_size, big=shown(1000 * big.epoch_seconds),
                           full=shown(1000 * full.epoch_seconds))
                  if full.epoch_seconds > big.epoch_seconds else "")
        shown_study = mo.vstack([
            lesson.figure("study", _chart, _rows, datasets=_data),
            mo.Html(f'<p class="kaibo-legend">{lesson.t("study_legend")}</p>'),
            lesson.md("study_table", rows=table, lr=lr, epochs=epochs),
            lesson.readout(best=best, tied=others or lesson.t("none"),
                           best_accuracy=percent(summaries[best].mean),
                           full_accuracy=percent(full.mean),
                           epoch_one=f"{shown(1000 * one.epoch_seconds)} ms",
                           epoch_64=f"{shown(1000 * summaries[64].epoch_seconds)} ms",
                           epoch_full=f"{shown(1000 * full.epoch_seconds)} ms"),
            lesson.md("study_read", verdict=verdict, under=under, best=best,
                      gap=f"{points(gap.train_mean) - points(gap.mean):.1f}", gap_b=gap.batch_size,
                      step=about(1e6 * one_step), big_step=about(1e3 * big_step), n=full_batch,
                      step_ratio=about(big_step / one_step), speedup=about(one.epoch_seconds / full.epoch_seconds),
                      slower=slower),
        ])
    shown_study
    return (study,)


@app.cell
def _(kinds, lesson, study, ui):
    # The summary says what the sections above have shown: the study's conclusions only once it has run.
    _diverged = [run.batch_size for run in kinds.values() if run.stopped_at is not None]
    _said = [lesson.t("closing.noise"), lesson.t("closing.steps"),
             lesson.t("closing.rate_seen", b=_diverged[0], lr=ui.value["lr"]) if _diverged else
             lesson.t("closing.rate_try"),
             lesson.t("closing.jitter")]
    if study is None:
        _said.append(lesson.t("closing.waiting"))
    else:
        _everyone = STUDY_SIZES[-1]
        _best, _full = study.best(), study.summary(_everyone)
        if _best != _everyone:
            _said.append(lesson.t("closing.time", n=_everyone, best=_best, epochs=study.epochs,
                                  best_accuracy=percent(study.summary(_best).mean), full=percent(_full.mean)))
        _said.append(lesson.t("closing.updates" if study.under_trained(_everyone) else "closing.seeds"))
    lesson.md("closing.page", points="\n".join(f"- {line}" for line in _said))
    return


@app.cell
def _(lesson):
    lesson.code(minibatch.epoch_batches, minibatch.per_example_gradients, minibatch.batch_means,
                minibatch.gradient_noise, minibatch.noise_theory, minibatch.sgd_walk, line_loss,
                study_lib.train_digits, study_lib.batch_size_study, study_lib.BatchSizeStudy.overlapping_best)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(shrink=("quarter", "half", "same"), full=("zero", "small", "sigma2"),
                       lowest=("one", "some", "all"))
    return (quiz,)


@app.cell
def _(kinds, lesson, noise, quiz, ui):
    ratio = noise.at(64)[0] / noise.at(16)[0]
    nearest = min({"quarter": 0.25, "half": 0.5, "same": 1.0}.items(), key=lambda kv: abs(ratio / kv[1] - 1))[0]
    at_full = noise.at(N)[0]
    low = min(float(run.loss[-1]) for run in kinds.values())
    lesson.check(
        quiz,
        asked={"lowest": {"epochs": ui.value["epochs"], "lr": ui.value["lr"]}, "full": {"n": N}},
        shrink=nearest,
        full="zero" if at_full == 0 else "small" if at_full < noise.sigma2 else "sigma2",
        lowest=[kind for kind, run in kinds.items() if float(run.loss[-1]) == low],
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
