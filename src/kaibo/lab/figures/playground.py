"""The figure of lesson 7 besides its live canvas: how hard each loss pushes on a point, against the
probability the network gives to that point's right class (`kaibo.train.class_losses.two_class_push`), with
the run's worst point marked on both curves. Returns the chart, its CSV rows and its named data sets.
"""

from __future__ import annotations

import altair as alt
import numpy as np

from kaibo.train.class_losses import LOSSES, WorstPoint, two_class_push

LOSS_COLOURS = {"cross_entropy": "#111827", "squared_error": "#dc2626"}


def push_chart(lesson, worst: WorstPoint | None) -> tuple[alt.LayerChart, list[dict], dict]:
    """|∂ℓ/∂z_y| against p_y for both losses (p_y from 0.001 to 0.999), and the worst point of the run."""
    p = np.concatenate([np.geomspace(1e-3, 0.05, 30), np.linspace(0.05, 0.999, 120)[1:]])
    push = two_class_push(p)
    names = {kind: lesson.t(f"option.loss.{kind}") for kind in LOSSES}
    rows = [{"p_true": float(q), **{kind: float(push[kind][k]) for kind in LOSSES}} for k, q in enumerate(p)]
    curves = [{"p": row["p_true"], "push": row[kind], "loss": names[kind]} for row in rows for kind in LOSSES]
    marks = [] if worst is None else [{"p": worst.p_true, "push": worst.push[kind], "loss": names[kind]}
                                      for kind in LOSSES]
    colour = alt.Color("loss:N", title=lesson.t("figure_push_legend"),
                       scale=alt.Scale(domain=list(names.values()), range=list(LOSS_COLOURS.values())),
                       legend=alt.Legend(orient="top-right"))
    x = alt.X("p:Q", title=lesson.t("figure_push_x"), scale=alt.Scale(domain=[0, 1]))
    y = alt.Y("push:Q", title=lesson.t("figure_push_y"), scale=alt.Scale(domain=[0, 1]))
    chart = alt.Chart(alt.NamedData("push_curves")).mark_line(strokeWidth=2).encode(x=x, y=y, color=colour)
    layers = [chart]
    if marks:
        layers.append(alt.Chart(alt.NamedData("push_worst")).mark_point(size=110, filled=True, opacity=1)
                      .encode(x=x, y=y, color=colour))
    figure = alt.layer(*layers).properties(width=420, height=240)
    return figure, rows, {"push_curves": curves, "push_worst": marks}
