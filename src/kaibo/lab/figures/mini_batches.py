"""The figures of lesson 4 (mini-batches), in Altair. Every number drawn comes from `kaibo.train.minibatch`
and `kaibo.train.batch_size_study`; these functions only lay it out. The maps are lesson 1's
(`kaibo.lab.figures.gradient_descent`: the same contour bands of the same line fit).

Each returns the chart, the rows for its CSV and the data sets it names (`alt.NamedData`), which
`Lesson.figure` attaches to the finished specification as they are.
"""

from __future__ import annotations

import altair as alt
import numpy as np

from kaibo.lab.exhibits import shown
from kaibo.lab.figures.gradient_descent import GREY, ORANGE, contour_bands, ground, map_axes
from kaibo.train.minibatch import noise_theory

BLUE, PURPLE = "#2563eb", "#7c3aed"
# The walkers by their batch: one (B = 1), some, all (B = N). On the maps the full batch is white, as lesson 1's
# walker (it is lesson 1's walker); on the loss chart white would vanish into the white ground, so it is black
# there (the legend under the figure says so).
MAP_COLOURS = {"one": ORANGE, "some": "#e11d48", "all": "#ffffff"}
CURVE_COLOURS = {"one": ORANGE, "some": "#e11d48", "all": "#111827"}
LOG = alt.Scale(type="log", nice=False)


def noise_chart(lesson, noise, chosen: int):
    """Left: E‖ĝ_B − ḡ‖² against B on log–log axes, measured (dots, ± 2 standard errors) and the formula
    (line; dashed: σ²/B, what sampling with replacement would give); B = N is left off, its value is 0.
    Right: the mini-batch gradients drawn at the chosen B, around the full-batch gradient, on axes that do
    not change with B (set by B = 1's spread), so the cloud is seen to shrink."""
    n = noise.n
    sizes = np.arange(1, n)
    rows = [{"B": b, "measured": m, "standard_error": e, "theory": t, "sigma2_over_B": noise.sigma2 / b}
            for b, m, e, t in zip(noise.batch_sizes.tolist(), noise.measured.tolist(),
                                  noise.standard_error.tolist(), noise.theory.tolist(), strict=True)]
    data = {
        "measured": [{**row, "low": max(row["measured"] - 2 * row["standard_error"], 1e-12),
                      "high": row["measured"] + 2 * row["standard_error"]} for row in rows if row["B"] < n],
        "theory": [{"B": b, "value": t, "kind": lesson.t("legend_noise.theory")}
                   for b, t in zip(sizes.tolist(), noise_theory(noise.sigma2, n, sizes).tolist(), strict=True)]
        + [{"B": b, "value": noise.sigma2 / b, "kind": lesson.t("legend_noise.replacement")}
           for b in sizes.tolist()],
        "chosen": [row for row in rows if row["B"] == chosen and chosen < n],
        "cloud": [{"dw": a, "db": c} for a, c in noise.estimates[chosen].tolist()],
        "full": [{"dw": float(noise.full[0]), "db": float(noise.full[1])}],
    }
    # A little room left of B = 1 and right of B = N, so that the ring round a chosen B = 1 leaves the y axis's
    # labels readable; ticks at the batch sizes offered, not at every power of ten (300 and 400 collided).
    x = alt.X("B:Q", title=lesson.t("axis.batch_size"),
              scale=alt.Scale(type="log", domain=[0.75, 1.3 * n], nice=False),
              axis=alt.Axis(values=[1, 4, 16, 64, 256, n], format="d"))
    y = alt.Y("value:Q", title=lesson.t("axis.noise"), scale=LOG)
    kinds = [lesson.t("legend_noise.theory"), lesson.t("legend_noise.replacement")]
    measured = alt.Chart(alt.NamedData("measured"))
    curve = alt.layer(
        alt.Chart(alt.NamedData("theory")).mark_line(strokeWidth=2).encode(
            x, y, alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[BLUE, GREY]),
                            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=360)),
            alt.StrokeDash("kind:N", scale=alt.Scale(domain=kinds, range=[[1, 0], [5, 4]]), legend=None)),
        measured.mark_rule(color="black").encode(x, alt.Y("low:Q", scale=LOG), alt.Y2("high:Q")),
        measured.mark_circle(color="black", size=45, opacity=1).encode(x, alt.Y("measured:Q", scale=LOG)),
        *([alt.Chart(alt.NamedData("chosen")).mark_point(color=ORANGE, size=260, strokeWidth=3)
           .encode(x, alt.Y("measured:Q", scale=LOG))] if data["chosen"] else []),
    ).properties(width=380, height=300)
    # The cloud's axes: B = 1's draws, 1st to 99th percentile, a little wider; the same at every B.
    spread = noise.estimates[int(noise.batch_sizes[0])]
    low, high = np.percentile(spread, 1, axis=0), np.percentile(spread, 99, axis=0)
    pad = 0.1 * (high - low)
    dw = alt.X("dw:Q", title=lesson.t("axis.grad_w"),
               scale=alt.Scale(domain=[float(low[0] - pad[0]), float(high[0] + pad[0])], nice=False))
    db = alt.Y("db:Q", title=lesson.t("axis.grad_b"),
               scale=alt.Scale(domain=[float(low[1] - pad[1]), float(high[1] + pad[1])], nice=False))
    cloud = alt.layer(
        alt.Chart(alt.NamedData("cloud")).mark_circle(color=ORANGE, size=14, opacity=0.35, clip=True).encode(dw, db),
        alt.Chart(alt.NamedData("full")).mark_point(shape="cross", filled=True, color="black", size=260)
        .encode(dw, db),
    ).properties(width=300, height=300, title=lesson.t("cloud_title", b=chosen, draws=noise.draws))
    return alt.hconcat(curve, cloud), rows, data


def kind_of(batch_size: int, n: int) -> str:
    """"one", "some" or "all" of the n examples in each batch."""
    return "one" if batch_size == 1 else "all" if batch_size == n else "some"


def paths_chart(lesson, land, walks, n: int):
    """One map per walk (same contour bands as lesson 1), side by side, each titled with its batch size and
    steps; under them, the loss on all n examples against the examples seen, one line per walk."""
    x, y = (axis.axis(tickCount=5) for axis in map_axes(land))  # maps 240 pixels wide: fewer ticks
    minimum = land.landmark("minimum")
    data = {"ground": list(ground(land.name)[0]),
            "minimum": [{"p0": minimum.point[0], "p1": minimum.point[1], "loss": minimum.loss}]}
    rows, maps, names, colours = [], [], [], []
    for k, run in enumerate(walks):
        kind = kind_of(run.batch_size, n)
        colours.append(CURVE_COLOURS[kind])
        name = lesson.t("path_name", b=run.batch_size)
        names.append(name)
        points = [{"step": s, "p0": a, "p1": b, "seen": e, "loss": c, "B": name}
                  for s, ((a, b), e, c) in enumerate(zip(run.path.tolist(), run.seen.tolist(),
                                                         run.loss.tolist(), strict=True))]
        rows += [{"B": run.batch_size, **{key: p[key] for key in ("step", "seen", "p0", "p1", "loss")}}
                 for p in points]
        data[f"path{k}"], data[f"end{k}"] = points, points[-1:]
        chart = alt.Chart(alt.NamedData(f"path{k}"))
        maps.append(alt.layer(
            contour_bands(lesson, land, x, y, size=22),
            chart.mark_line(color=MAP_COLOURS[kind], strokeWidth=1.5 if run.steps > 200 else 2.5, clip=True)
            .encode(x, y, order="step:Q"),
            *([chart.mark_circle(color=MAP_COLOURS[kind], size=30, opacity=1, clip=True).encode(x, y)]
              if run.steps <= 60 else []),
            chart.transform_filter("datum.step == 0").mark_circle(color="white", size=90, opacity=1, stroke="black")
            .encode(x, y),
            alt.Chart(alt.NamedData(f"end{k}")).mark_point(color=MAP_COLOURS[kind], size=160, strokeWidth=3,
                                                          clip=True).encode(x, y),
            alt.Chart(alt.NamedData("minimum")).mark_point(shape="diamond", filled=True, color="white",
                                                          stroke="black", size=110).encode(x, y),
        ).properties(width=240, height=240, title=(
            lesson.t("path_title", name=name, steps=run.steps) if run.stopped_at is None else
            lesson.t("path_title_stopped", name=name, steps=run.steps, step=run.stopped_at))))
    seen_x = alt.X("seen:Q", title=lesson.t("axis.seen"), scale=alt.Scale(nice=False))
    # Room under the lowest loss for its label: the walkers' lines all run above it, never below.
    loss_y = alt.Y("loss:Q", title=lesson.t("axis.loss_all"),
                   scale=alt.Scale(type="log", nice=False, domainMin=0.75 * minimum.loss))
    colour = alt.Color("B:N", title=None, scale=alt.Scale(domain=names, range=colours),
                       legend=alt.Legend(orient="right"))
    curves = alt.layer(
        *(alt.Chart(alt.NamedData(f"path{k}")).mark_line(strokeWidth=2).encode(seen_x, loss_y, colour)
          for k in range(len(walks))),
        alt.Chart(alt.NamedData("minimum")).mark_rule(color=GREY, strokeDash=[4, 3]).encode(alt.Y("loss:Q")),
        alt.Chart(alt.NamedData("minimum")).mark_text(align="right", baseline="top", dy=4, x="width",
                                                      color="#4b5563")
        .encode(alt.Y("loss:Q"), text=alt.value(lesson.t("axis.lowest", loss=shown(minimum.loss)))),
    ).properties(width=640, height=200)
    # The maps' colours are loss bands, the curves' are walkers: two scales, not one merged.
    return alt.vconcat(alt.hconcat(*maps), curves).resolve_scale(color="independent"), rows, data


def study_chart(lesson, study):
    """Left: test accuracy against B over the seeds (each run a grey dot; the mean with a bar of ± one
    standard deviation; the training accuracy's mean, hollow). Right: time per epoch and per step."""
    runs = [{"B": r.batch_size, "seed": r.seed, "updates": r.updates, "test_accuracy": r.test_accuracy,
             "train_accuracy": r.train_accuracy, "train_loss": r.train_loss,
             "fastest_epoch_ms": 1000 * float(r.epoch_seconds.min())} for r in study.runs]
    summaries = [study.summary(b) for b in study.batch_sizes]
    kinds = {"epoch": lesson.t("legend_time.epoch"), "step": lesson.t("legend_time.step")}
    data = {
        "runs": runs,
        "mean": [{"B": s.batch_size, "mean": s.mean, "low": s.mean - s.std, "high": s.mean + s.std,
                  "train": s.train_mean} for s in summaries],
        "time": [{"B": s.batch_size, "ms": 1000 * s.epoch_seconds, "kind": kinds["epoch"]} for s in summaries]
        + [{"B": s.batch_size, "ms": 1000 * s.epoch_seconds * study.epochs / s.updates, "kind": kinds["step"]}
           for s in summaries],
    }
    b_axis = alt.X("B:Q", title=lesson.t("axis.batch_size"),
                   scale=alt.Scale(type="log", domain=[0.7, 1.4 * max(study.batch_sizes)], nice=False),
                   axis=alt.Axis(values=list(study.batch_sizes), format="d"))
    accuracy = alt.Y("test_accuracy:Q", title=lesson.t("axis.accuracy"), axis=alt.Axis(format="%"),
                     scale=alt.Scale(zero=False))
    mean = alt.Chart(alt.NamedData("mean"))
    left = alt.layer(
        alt.Chart(alt.NamedData("runs")).mark_circle(color=GREY, size=30, opacity=0.8).encode(b_axis, accuracy),
        mean.mark_rule(color=BLUE, strokeWidth=2).encode(b_axis, alt.Y("low:Q"), alt.Y2("high:Q")),
        mean.mark_line(color=BLUE, point=alt.OverlayMarkDef(color=BLUE, size=60)).encode(b_axis, alt.Y("mean:Q")),
        mean.mark_point(color="black", shape="triangle-up", size=60).encode(b_axis, alt.Y("train:Q")),
    ).properties(width=360, height=260)
    ms = alt.Y("ms:Q", title=lesson.t("axis.ms"), scale=LOG)
    # Purple and orange, not blue: blue is the accuracy on the left. The legend is the right chart's own, so it
    # sits under the chart it explains.
    right = alt.Chart(alt.NamedData("time")).mark_line(point=True).encode(
        b_axis, ms, alt.Color("kind:N", title=None, scale=alt.Scale(domain=list(kinds.values()),
                                                                    range=[PURPLE, ORANGE]),
                              legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=360)),
    ).properties(width=300, height=260)
    return alt.hconcat(left, right).resolve_legend(color="independent"), runs, data
