"""The figures of lesson 9 (recurrence), in Altair. Every number drawn comes from
`kaibo.models.recurrent_gradients` and `kaibo.train.recurrence_study`; these functions only lay it out.

Each returns the chart, the rows for its CSV and the data sets it names (`alt.NamedData`), which
`Lesson.figure` attaches to the finished specification as they are. Steps are counted as the model counts
them: h_0 is the state before the first symbol, h_t the state after reading symbol t.
"""

from __future__ import annotations

import altair as alt
import numpy as np

from kaibo.lab.figures.gradient_descent import GREY, ORANGE

BLUE, RED = "#2563eb", "#dc2626"
CELL_COLOURS = {"rnn": RED, "gru": BLUE}
SHOWN_STEPS = 7          # the unrolled picture draws at most this many cells (the first and last, "…" between)
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
MAX_TICKS = 8            # a log axis gets at most this many labelled powers of ten


def sub(name: str, t: int) -> str:
    """h, 3 → h₃: a step written as the text writes it."""
    return name + str(t).translate(_SUBSCRIPT)


def powers_axis(values: list[float], title: str) -> alt.Axis:
    """A log axis with ticks at powers of ten only (every second, third … when the values span many), each
    labelled as a learner reads it: 10⁻⁶, not 1e-6 or 0.000001."""
    low, high = (int(np.floor(np.log10(min(values)))), int(np.ceil(np.log10(max(values)))))
    stride = max(1, -(-(high - low) // MAX_TICKS))
    powers = list(range(high, low - 1, -stride))
    labels = "{" + ", ".join(f"'{k}': '{_power(k)}'" for k in powers) + "}"
    return alt.Axis(title=title, values=[10.0 ** k for k in powers], grid=True,
                    labelExpr=f"{labels}['' + round(log(datum.value) / LN10)]")


def _power(k: int) -> str:
    return {0: "1", 1: "10"}.get(k, "10" + str(k).translate(_SUPERSCRIPT))


def shown_steps(length: int, chosen: int) -> list[int | None]:
    """The steps the unrolled picture draws: all of them up to SHOWN_STEPS; else the first and last ones and
    the chosen step, with None (drawn as "…") where steps are left out: [1, 2, 3, None, 28, 29, 30] or
    [1, 2, None, 12, None, 29, 30]."""
    if length <= SHOWN_STEPS:
        return list(range(1, length + 1))
    if chosen <= 3 or chosen >= length - 2:
        return [1, 2, 3, None, length - 2, length - 1, length]
    return [1, 2, None, chosen, None, length - 1, length]


def unrolled_chart(lesson, symbols: list[str], chosen: int):
    """The cell drawn once per step: the symbol x_t enters from below through W_ih, the state h_{t−1} from the
    left through W_hh; the same two matrices (the same colour, the same names) at every step. The chosen
    step is outlined; the last step's state goes up to the prediction."""
    length = len(symbols)
    cells, arrows, labels, gaps = [], [], [], []
    gap = 2.2   # from one cell's centre to the next: room for the W_hh label between them
    for k, t in enumerate(shown_steps(length, chosen)):
        cx = gap * k + 1.6
        if t is None:
            gaps.append({"x": cx, "y": 1.7, "text": "…"})
        else:
            cells.append({"x0": cx - 0.5, "x1": cx + 0.5, "y0": 1.3, "y1": 2.1, "step": t, "chosen": t == chosen,
                          "name": "tanh", "symbol": symbols[t - 1]})
            labels += [{"x": cx, "y": 0.35, "text": f"{sub('x', t)} = {symbols[t - 1]}", "kind": "input"},
                       {"x": cx, "y": 2.45, "text": sub("h", t), "kind": "state"},
                       {"x": cx + 0.08, "y": 0.95, "text": "W_ih", "kind": "W_ih", "align": "left"}]
            arrows.append({"x": cx, "y": 0.6, "x2": cx, "y2": 1.3, "kind": "W_ih"})
        # into this column, from the cell (or the start, or the gap) before it
        arrows.append({"x": cx - gap + 0.5, "y": 1.7, "x2": cx - 0.5, "y2": 1.7, "kind": "W_hh"})
        labels.append({"x": cx - gap / 2, "y": 1.98, "text": "W_hh", "kind": "W_hh"})
    last = gap * (len(shown_steps(length, chosen)) - 1) + 1.6
    arrows.append({"x": last, "y": 2.65, "x2": last, "y2": 3.05, "kind": "out"})
    labels += [{"x": 0.35, "y": 1.45, "text": f"{sub('h', 0)} = 0", "kind": "state"},
               {"x": last, "y": 3.3, "text": lesson.t("unrolled.predict"), "kind": "state"}]
    data = {"cells": cells, "arrows": arrows, "labels": labels, "gaps": gaps}
    width = gap * len(shown_steps(length, chosen)) + 0.4
    x = alt.Scale(domain=[-0.4, width], nice=False)
    y = alt.Scale(domain=[0.0, 3.6], nice=False)
    none = {"axis": None}
    kinds = ["W_ih", "W_hh", "out", "input", "state"]
    colour = alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[BLUE, ORANGE, "#111827", "#111827", "#111827"]),
                       legend=None)
    boxes = alt.Chart(alt.NamedData("cells"))
    chart = alt.layer(
        alt.Chart(alt.NamedData("arrows")).mark_rule(strokeWidth=2.5).encode(
            alt.X("x:Q", scale=x, **none), alt.Y("y:Q", scale=y, **none), x2="x2:Q", y2="y2:Q", color=colour),
        alt.Chart(alt.NamedData("arrows")).mark_point(shape="triangle", filled=True, size=90, opacity=1).encode(
            alt.X("x2:Q", scale=x, **none), alt.Y("y2:Q", scale=y, **none), color=colour,
            angle=alt.Angle("angle:Q", scale=None)).transform_calculate(
            angle="datum.y2 > datum.y ? 0 : 90"),
        boxes.mark_rect(cornerRadius=6, fill="#f3f4f6").encode(
            alt.X("x0:Q", scale=x, **none), alt.X2("x1:Q"), alt.Y("y0:Q", scale=y, **none), alt.Y2("y1:Q"),
            stroke=alt.condition("datum.chosen", alt.value(ORANGE), alt.value("#374151")),
            strokeWidth=alt.condition("datum.chosen", alt.value(4), alt.value(1.5)),
            tooltip=[alt.Tooltip("step:Q", title="t"), alt.Tooltip("symbol:N", title="x")]),
        boxes.mark_text(fontSize=12).encode(alt.X("x:Q", scale=x, **none), alt.Y("y:Q", scale=y, **none),
                                            text="name:N").transform_calculate(
            x="(datum.x0 + datum.x1) / 2", y="(datum.y0 + datum.y1) / 2"),
        *(alt.Chart(alt.NamedData("labels")).transform_filter(f"datum.align {test} 'left'")
          .mark_text(fontSize=13, fontWeight="bold", align=align).encode(
            alt.X("x:Q", scale=x, **none), alt.Y("y:Q", scale=y, **none), text="text:N", color=colour)
          for test, align in (("==", "left"), ("!=", "center"))),
        alt.Chart(alt.NamedData("gaps")).mark_text(fontSize=28).encode(
            alt.X("x:Q", scale=x, **none), alt.Y("y:Q", scale=y, **none), text="text:N"),
    ).properties(width=min(780, 50 * width), height=200).configure_view(stroke=None)
    rows = [{"step": t, "symbol": symbols[t - 1], "input_matrix": "W_ih", "recurrent_matrix": "W_hh"}
            for t in range(1, length + 1)]
    return chart, rows, data


def states_chart(lesson, symbols: list[str], states: np.ndarray, chosen: int):
    """h_0 … h_T as a heat strip: one column per step, one row per unit of the hidden state, the colour its
    value in (−1, 1); the symbol read at each step above its column; the chosen step outlined."""
    length, width = states.shape[0] - 1, states.shape[1]
    rows = [{"step": t, "symbol": symbols[t - 1] if t else "", "unit": i + 1, "h": v}
            for t, row in enumerate(states.tolist()) for i, v in enumerate(row)]
    data = {"states": rows, "symbols": [{"step": t, "symbol": s} for t, s in enumerate(["", *symbols])],
            "chosen": [{"step": chosen}]}
    cell = max(8, min(26, 720 // (length + 1)))
    every = 1 if length <= 30 else 5   # a label at every step, or at every fifth when the columns are narrow
    x = alt.X("step:O", title=lesson.t("axis.step"),
              axis=alt.Axis(labelAngle=0, labelExpr=f"datum.value % {every} == 0 ? datum.value : ''"))
    heat = alt.layer(
        alt.Chart(alt.NamedData("states")).mark_rect().encode(
            x, alt.Y("unit:O", title=lesson.t("axis.unit")),
            alt.Color("h:Q", title="h", scale=alt.Scale(scheme="redblue", domain=[-1, 1], reverse=True),
                      legend=alt.Legend(orient="right", gradientLength=160)),
            tooltip=[alt.Tooltip("step:O", title="t"), alt.Tooltip("symbol:N", title="x"),
                     alt.Tooltip("unit:O", title=lesson.t("axis.unit")), alt.Tooltip("h:Q", format=".4f")]),
        alt.Chart(alt.NamedData("chosen")).mark_rect(fill=None, stroke=ORANGE, strokeWidth=3).encode(x),
    ).properties(width=cell * (length + 1), height=14 * width)
    top = alt.Chart(alt.NamedData("symbols")).mark_text(fontSize=12 if length <= 30 else 9, fontWeight="bold").encode(
        alt.X("step:O", axis=None), text="symbol:N").properties(width=cell * (length + 1), height=16,
                                                                title=lesson.t("axis.symbols"))
    return alt.vconcat(top, heat, spacing=2).resolve_scale(x="shared"), rows, data


def gradient_chart(lesson, runs: dict):
    """‖∂L/∂h_t‖ against t on a log scale for each cell in `runs` ({"rnn": GradientThroughTime, "gru": …}):
    measured (dots and line) and the geometric line fitted to t = 1 … T (dashed), so a straight line is a
    constant factor per step."""
    names = {cell: lesson.t(f"cell.{cell}") for cell in runs}
    rows, fits = [], []
    for cell, run in runs.items():
        fitted = [None, *run.fit.tolist()]   # the line is fitted to h_1 … h_T
        for t, (n, f) in enumerate(zip(run.norms.tolist(), fitted, strict=True)):
            rows.append({"cell": cell, "name": names[cell], "step": t, "grad_norm": n, "fitted": f})
            if f is not None:
                fits.append({"name": names[cell], "step": t, "fitted": f})
    data = {"norms": rows, "fits": fits}
    x = alt.X("step:Q", title=lesson.t("axis.step_back"), axis=alt.Axis(tickMinStep=1, format="d"))
    everything = [row[key] for row in rows for key in ("grad_norm", "fitted") if row[key] is not None]
    axis = powers_axis(everything, lesson.t("axis.grad_norm"))
    colour = alt.Color("name:N", title=None, scale=alt.Scale(domain=list(names.values()),
                                                             range=[CELL_COLOURS[c] for c in names]),
                       legend=alt.Legend(orient="top", labelLimit=400))
    log = alt.Scale(type="log")
    chart = alt.layer(
        alt.Chart(alt.NamedData("fits")).mark_line(strokeDash=[5, 4], strokeWidth=1.5, opacity=0.8).encode(
            x, alt.Y("fitted:Q", scale=log, axis=axis), colour),
        alt.Chart(alt.NamedData("norms")).mark_line(point=True, strokeWidth=2).encode(
            x, alt.Y("grad_norm:Q", scale=log, axis=axis), colour,
            tooltip=[alt.Tooltip("name:N", title=" "), alt.Tooltip("step:Q", title="t"),
                     alt.Tooltip("grad_norm:Q", format=".3e")]),
    ).properties(width=640, height=300)
    return chart, rows, data


def study_chart(lesson, study):
    """Above: the test accuracy of each cell at each length, with the 25% of guessing. Below: the training loss
    at every step, one small chart per length."""
    names = {cell: lesson.t(f"cell.{cell}") for cell in ("rnn", "gru")}
    accuracy = [{"cell": cell, "name": names[cell], "length": n, "accuracy": run.accuracy}
                for (cell, n), run in study.runs.items()]
    losses = [{"name": names[run.cell], "length": n, "step": s + 1, "loss": v}
              for (_, n), run in study.runs.items() for s, v in enumerate(run.losses.tolist())]
    data = {"accuracy": accuracy, "losses": losses, "chance": [{"accuracy": 0.25, "label": lesson.t("axis.chance")}]}
    colour = alt.Color("name:N", title=None, scale=alt.Scale(domain=list(names.values()),
                                                             range=[CELL_COLOURS[c] for c in names]),
                       legend=alt.Legend(orient="top"))
    lengths = alt.X("length:O", title=lesson.t("axis.length"), axis=alt.Axis(labelAngle=0))
    chance = alt.Chart(alt.NamedData("chance"))
    left = alt.layer(
        alt.Chart(alt.NamedData("accuracy")).mark_line(point=alt.OverlayMarkDef(size=80)).encode(
            lengths, alt.Y("accuracy:Q", title=lesson.t("axis.accuracy"), scale=alt.Scale(domain=[0, 1]),
                           axis=alt.Axis(format="%")), colour,
            tooltip=[alt.Tooltip("name:N", title=" "), "length:O", alt.Tooltip("accuracy:Q", format=".1%")]),
        chance.mark_rule(color=GREY, strokeDash=[4, 3]).encode(alt.Y("accuracy:Q")),
        chance.mark_text(color=GREY, align="right", dy=-7, x="width").encode(alt.Y("accuracy:Q"), text="label:N"),
    ).properties(width=300, height=220)
    curves = [
        alt.Chart(alt.NamedData("losses")).transform_filter(f"datum.length == {n}").mark_line(
            strokeWidth=1, opacity=0.85).encode(
            alt.X("step:Q", title=lesson.t("axis.train_step")),
            alt.Y("loss:Q", title=lesson.t("axis.loss") if k == 0 else None,
                  scale=alt.Scale(domain=[0, 2.5], clamp=True)),
            colour).properties(width=140, height=160, title=lesson.t("axis.length_is", n=n))
        for k, n in enumerate(study.lengths)]
    return alt.vconcat(left, alt.hconcat(*curves)), accuracy, data


def paths_chart(lesson, lengths: dict[str, np.ndarray]):
    """For each model, which input step s the output at t can see (coloured cells; blank: a later step it
    cannot see) and through how many steps the signal passes (the number in the cell)."""
    length = lengths["rnn"].shape[0]
    rows = [{"model": lesson.t(f"paths.{kind}"), "kind": kind, "output": t + 1, "input": s + 1, "path": int(v)}
            for kind, table in lengths.items() for (t, s), v in np.ndenumerate(table) if not np.isnan(v)]
    data = {"paths": rows}
    panels = []
    for kind in lengths:
        base = alt.Chart(alt.NamedData("paths")).transform_filter(f"datum.kind == '{kind}'")
        x = alt.X("input:O", title=lesson.t("axis.input_step"), axis=alt.Axis(labelAngle=0),
                  scale=alt.Scale(domain=list(range(1, length + 1))))
        y = alt.Y("output:O", title=lesson.t("axis.output_step"), scale=alt.Scale(domain=list(range(1, length + 1))))
        panels.append(alt.layer(
            base.mark_rect(stroke="white").encode(x, y, alt.Color(
                "path:Q", title=lesson.t("axis.path"), scale=alt.Scale(scheme="oranges", domain=[1, length]),
                legend=alt.Legend(orient="bottom", gradientLength=200) if kind == "rnn" else None)),
            base.mark_text(fontSize=11).encode(x, y, text="path:Q", color=alt.condition(
                f"datum.path > {length * 0.6}", alt.value("white"), alt.value("black"))),
        ).properties(width=22 * length, height=22 * length, title=lesson.t(f"paths.{kind}")))
    return alt.hconcat(*panels, spacing=40).resolve_scale(color="shared"), rows, data
