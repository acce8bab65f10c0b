"""The figures of lesson 5 (activation functions), in Altair. Every number drawn comes from
`kaibo.models.linear_collapse`, `kaibo.train.best_line`, `kaibo.train.separability` and
`kaibo.train.gradient_flow`; these functions only lay it out.

Each returns the chart, the rows for its CSV and the data sets it names (`alt.NamedData`), which
`Lesson.figure` attaches to the finished specification as they are. Layers are numbered from 1 at the input
side, as the page's text numbers them; the arrays of `GradientFlow` count from 0.
"""

from __future__ import annotations

import altair as alt
import numpy as np

from kaibo.data.toy2d import Grid2D, Points2D
from kaibo.lab.figures.gradient_descent import GREY

BLACK = "#111827"
# One colour per activation, the same in every figure of the page.
COLOURS = {"none": "#6b7280", "relu": "#ea580c", "tanh": "#2563eb", "sigmoid": "#9333ea", "gelu": "#059669"}
# Class 0 and class 1 over a background of the probability of class 1: pale blue (0), white (½), pale orange (1).
CLASS_COLOURS = ("#1e3a8a", "#9a3412")
BACKGROUND = alt.Scale(domain=[0, 0.5, 1], range=["#bfdbfe", "#ffffff", "#fed7aa"])
MAP_SIDE = 300  # pixels along the longer side of a map
LOG = alt.Scale(type="log", nice=False)


def _colour(lesson, names: list[str], orient: str = "bottom") -> alt.Color:
    """The activations' colours, by the names the page gives them (the field "label" of each row)."""
    labels = [lesson.t(f"option.activation.{name}") for name in names]
    return alt.Color("label:N", title=None, scale=alt.Scale(domain=labels, range=[COLOURS[n] for n in names]),
                     legend=alt.Legend(orient=orient, labelLimit=300))


def plane(lesson, key: str, points: Points2D, grid: Grid2D, probability: np.ndarray, title: str, data: dict,
          line: tuple[np.ndarray, float] | None = None) -> alt.LayerChart:
    """The plane on equal scales: the probability of class 1 on the grid as the background, the points of
    each class, and (if given) the line normal·x + offset = 0, dashed. Adds its data sets to `data`."""
    lo, hi = np.array([grid.xs[0], grid.ys[0]]), np.array([grid.xs[-1], grid.ys[-1]])
    pixels = MAP_SIDE / float((hi - lo).max())
    x = alt.X("x1:Q", title="x₁", scale=alt.Scale(domain=[float(lo[0]), float(hi[0])], nice=False))
    y = alt.Y("x2:Q", title="x₂", scale=alt.Scale(domain=[float(lo[1]), float(hi[1])], nice=False))
    cell = pixels * float(grid.xs[1] - grid.xs[0])
    data[f"{key}_p"] = [{"x1": a, "x2": b, "p": p} for (a, b), p in
                        zip(grid.points.tolist(), probability.ravel().round(4).tolist(), strict=True)]
    data.setdefault("points", [{"x1": a, "x2": b, "label": int(k)}
                               for (a, b), k in zip(points.x.tolist(), points.y.tolist(), strict=True)])
    layers = [alt.Chart(alt.NamedData(f"{key}_p")).mark_square(size=(cell + 1) ** 2, opacity=1).encode(
        x, y, alt.Color("p:Q", scale=BACKGROUND, title=lesson.t("axis.probability"),
                        legend=alt.Legend(orient="bottom", gradientLength=200, titleLimit=300)))]
    layers += [alt.Chart(alt.NamedData("points")).transform_filter(f"datum.label == {k}")
               .mark_point(filled=True, size=34, opacity=1, color=colour, shape=shape, stroke="white",
                           strokeWidth=0.8).encode(x, y)
               for k, (colour, shape) in enumerate(zip(CLASS_COLOURS, ("circle", "triangle-up"), strict=True))]
    if line is not None:
        normal, offset = line
        along = np.array([-normal[1], normal[0]]) / np.linalg.norm(normal)
        foot = -offset * normal / float(normal @ normal)           # the point of the line nearest the origin
        reach = 4 * float(np.abs(np.concatenate([lo, hi])).max() + np.linalg.norm(foot))
        data[f"{key}_line"] = [{"x1": float(p[0]), "x2": float(p[1])} for p in (foot - reach * along,
                                                                                 foot + reach * along)]
        layers.append(alt.Chart(alt.NamedData(f"{key}_line")).mark_line(color=BLACK, strokeWidth=2.5,
                                                                         strokeDash=[7, 4], clip=True).encode(x, y))
    width, height = (int(round(pixels * float(s))) for s in hi - lo)
    return alt.layer(*layers).properties(width=width, height=height, title=title)


def collapse_chart(lesson, points: Points2D, grid: Grid2D, probability: np.ndarray, line: tuple[np.ndarray, float]):
    """The stacked linear network's probability over the plane, with the line where the single matrix's two
    scores are equal."""
    data: dict = {}
    chart = plane(lesson, "stacked", points, grid, probability, lesson.t("plane_title.stacked"), data, line)
    return chart, data["stacked_p"], data


def separate_chart(lesson, points: Points2D, grid: Grid2D, fits: dict, chosen: str, best: float):
    """Left: the chosen activation's network over the plane. Right: the accuracy of each activation's network
    on the same points, with the best straight line's as a dashed rule."""
    data: dict = {}
    title = (lesson.t("plane_title.none") if chosen == "none" else
             lesson.t("plane_title.chosen", name=lesson.t(f"option.activation.{chosen}")))
    left = plane(lesson, "chosen", points, grid, fits[chosen].probability, title, data)
    names = list(fits)
    data["bars"] = [{"name": name, "label": lesson.t(f"option.activation.{name}"), "accuracy": fit.accuracy,
                     "loss": fit.loss, "chosen": name == chosen} for name, fit in fits.items()]
    data["best"] = [{"accuracy": best, "text": lesson.t("axis.best_line", accuracy=f"{100 * best:.1f}%")}]
    x = alt.X("label:N", title=None, sort=[lesson.t(f"option.activation.{n}") for n in names],
              axis=alt.Axis(labelAngle=0, labelLimit=120))
    y = alt.Y("accuracy:Q", title=lesson.t("axis.accuracy"), scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format="%"))
    bars = alt.Chart(alt.NamedData("bars"))
    best_rule = alt.Chart(alt.NamedData("best"))
    right = alt.layer(
        bars.mark_bar().encode(x, y, _colour(lesson, names).legend(None),
                               alt.Opacity("chosen:N", scale=alt.Scale(domain=[True, False], range=[1, 0.45]),
                                           legend=None)),
        bars.mark_text(dy=-6, baseline="bottom").encode(x, y, text=alt.Text("accuracy:Q", format=".1%")),
        best_rule.mark_rule(color=BLACK, strokeDash=[6, 4], strokeWidth=2).encode(alt.Y("accuracy:Q")),
        *(best_rule.mark_text(align="left", baseline="bottom", dy=-4, x=4, **ink).encode(alt.Y("accuracy:Q"),
                                                                                          text="text:N")
          for ink in ({"stroke": "white", "strokeWidth": 4, "strokeJoin": "round"}, {"color": BLACK})),
    ).properties(width=300, height=300, title=lesson.t("bars_title"))
    rows = [{k: v for k, v in bar.items() if k not in ("label", "chosen")} for bar in data["bars"]]
    rows.append({"name": "best straight line", "accuracy": best, "loss": ""})
    return alt.hconcat(left, right).resolve_scale(color="independent"), rows, data


def functions_chart(lesson, z: np.ndarray, curves: dict):
    """f(z) and f'(z) of each activation side by side (`curves`: name → (f, f')), with ¼, the sigmoid's
    largest slope, marked."""
    names = list(curves)
    rows = [{"name": name, "z": a, "f": b, "slope": c} for name, (f, d) in curves.items()
            for a, b, c in zip(z.tolist(), f.tolist(), d.tolist(), strict=True)]
    data = {"curves": [{**row, "label": lesson.t(f"option.activation.{row['name']}")} for row in rows],
            "quarter": [{"slope": 0.25, "text": lesson.t("axis.quarter")}]}
    x = alt.X("z:Q", title=lesson.t("axis.z"), scale=alt.Scale(nice=False))
    colour = _colour(lesson, names, orient="right")
    curves_chart = alt.Chart(alt.NamedData("curves"))
    values = curves_chart.mark_line(strokeWidth=2.5).encode(x, alt.Y("f:Q", title=lesson.t("axis.f")), colour) \
        .properties(width=300, height=220, title=lesson.t("functions_title.f"))
    quarter = alt.Chart(alt.NamedData("quarter"))
    slopes = alt.layer(
        curves_chart.mark_line(strokeWidth=2.5).encode(x, alt.Y("slope:Q", title=lesson.t("axis.slope")), colour),
        quarter.mark_rule(color=COLOURS["sigmoid"], strokeDash=[4, 3]).encode(alt.Y("slope:Q")),
        # Under the rule at the left, where every curve runs lower: nothing crosses the words there.
        quarter.mark_text(align="left", baseline="top", dx=4, dy=4, x=0, color=COLOURS["sigmoid"])
        .encode(alt.Y("slope:Q"), text="text:N"),
    ).properties(width=300, height=220, title=lesson.t("functions_title.slope"))
    return alt.hconcat(values, slopes), rows, data


def _layer_rows(counts: np.ndarray, edges: np.ndarray, total: np.ndarray) -> list[dict]:
    """One row per layer and bin with a count: the layer from 1, the bin's ends, the fraction of its layer."""
    return [{"layer": i + 1, "low": float(edges[j]), "high": float(edges[j + 1]), "count": int(c),
             "share": float(c) / float(total[i])}
            for i, row in enumerate(counts) for j, c in enumerate(row) if c]


def _layer_axis(lesson, depth: int) -> alt.Y:
    """Layers as rows, the last (the output side, where backpropagation starts) at the top."""
    return alt.Y("layer:O", title=lesson.t("axis.layer"), scale=alt.Scale(domain=list(range(depth, 0, -1))))


def slopes_chart(lesson, flow, z: np.ndarray, slope: np.ndarray, edges: np.ndarray):
    """Top: f'(z) of the network's activation over the range of its pre-activations. Under it on the same
    z axis: where each layer's pre-activations lie (a histogram per layer, shaded by the share of the layer's
    values in each bin)."""
    counts = flow.histogram("pre", edges)
    data = {"slope": [{"z": a, "slope": b} for a, b in zip(z.tolist(), slope.tolist(), strict=True)],
            "cells": _layer_rows(counts, edges, counts.sum(axis=1))}
    domain = [float(edges[0]), float(edges[-1])]
    curve = alt.Chart(alt.NamedData("slope")).mark_line(color=COLOURS[flow.activation], strokeWidth=2.5).encode(
        alt.X("z:Q", title=None, scale=alt.Scale(domain=domain, nice=False)),
        alt.Y("slope:Q", title=lesson.t("axis.slope"))).properties(width=560, height=130)
    cells = alt.Chart(alt.NamedData("cells")).mark_rect().encode(
        alt.X("low:Q", title=lesson.t("axis.z"), scale=alt.Scale(domain=domain, nice=False)), alt.X2("high:Q"),
        _layer_axis(lesson, flow.depth),
        alt.Color("share:Q", title=lesson.t("axis.share"),
                  scale=alt.Scale(type="sqrt", scheme="greys", domain=[0, 0.5], clamp=True),
                  legend=alt.Legend(orient="right", format="%")),
        tooltip=["layer:O", "low:Q", "high:Q", "count:Q"],
    ).properties(width=560, height=18 * flow.depth)
    return alt.vconcat(curve, cells), data["cells"], data


def gradients_chart(lesson, flow, norms: dict, edges: np.ndarray):
    """Left: a histogram per layer of log₁₀|∂L/∂a| for the chosen activation (rows, the output side on top).
    Right: ‖∂L/∂a‖ at each layer for every activation at the same depth and gain (log scale)."""
    counts = flow.histogram("grad", edges, log=True)
    data = {"cells": _layer_rows(counts, edges, counts.sum(axis=1) + flow.zeros("grad")),
            "norms": [{"name": name, "label": lesson.t(f"option.activation.{name}"), "layer": i + 1, "norm": n,
                       "chosen": name == flow.activation}
                      for name, values in norms.items() for i, n in enumerate(values.tolist())]}
    cells = alt.Chart(alt.NamedData("cells")).mark_rect().encode(
        alt.X("low:Q", title=lesson.t("axis.log_grad"), scale=alt.Scale(domain=[float(edges[0]), float(edges[-1])],
                                                                          nice=False)),
        alt.X2("high:Q"), _layer_axis(lesson, flow.depth),
        alt.Color("share:Q", title=lesson.t("axis.share"),
                  scale=alt.Scale(type="sqrt", scheme="greys", domain=[0, 0.25], clamp=True),
                  legend=alt.Legend(orient="bottom", format="%")),
        tooltip=["layer:O", "low:Q", "high:Q", "count:Q"],
    ).properties(width=320, height=22 * flow.depth, title=lesson.t("gradients_title.histogram",
                                                                    name=lesson.t(f"option.activation.{flow.activation}")))
    names = list(norms)
    lines = alt.Chart(alt.NamedData("norms")).mark_line(point=True).encode(
        alt.X("layer:O", title=lesson.t("axis.layer"), axis=alt.Axis(labelAngle=0)),
        alt.Y("norm:Q", title=lesson.t("axis.norm"), scale=LOG),
        _colour(lesson, names),
        alt.StrokeWidth("chosen:N", scale=alt.Scale(domain=[True, False], range=[4, 1.5]), legend=None),
        tooltip=["label:N", "layer:O", alt.Tooltip("norm:Q", format=".3g")],
    ).properties(width=300, height=22 * flow.depth, title=lesson.t("gradients_title.norms"))
    # One table for both panels: a histogram bin of the chosen activation, or a norm of any activation.
    blank = {"activation": "", "layer": "", "log10_low": "", "log10_high": "", "count": "", "norm": ""}
    rows = ([{**blank, "activation": flow.activation, "layer": r["layer"], "log10_low": r["low"],
              "log10_high": r["high"], "count": r["count"]} for r in data["cells"]]
            + [{**blank, "activation": r["name"], "layer": r["layer"], "norm": r["norm"]} for r in data["norms"]])
    return alt.hconcat(cells, lines).resolve_scale(color="independent"), rows, data


def gains_chart(lesson, gains: tuple[float, ...], sweep: dict, chosen_gain: float, marks: dict):
    """The average factor per layer back against the gain, one line per activation (log–log), with 1 (neither
    shrinking nor growing) and the chosen gain ruled, and the named starts (`marks`: label → gain) as ticks."""
    names = list(sweep)
    data = {"sweep": [{"name": name, "label": lesson.t(f"option.activation.{name}"), "gain": g, "factor": f}
                      for name, values in sweep.items()
                      for g, f in zip(gains, values.tolist(), strict=True)],
            "one": [{"factor": 1.0, "text": lesson.t("axis.steady")}],
            "chosen": [{"gain": chosen_gain}],
            "marks": [{"gain": g, "text": text} for text, g in marks.items()]}
    x = alt.X("gain:Q", title=lesson.t("axis.gain"), scale=alt.Scale(type="log", domain=[gains[0], gains[-1]],
                                                                     nice=False))
    y = alt.Y("factor:Q", title=lesson.t("axis.factor"), scale=LOG)
    marks_chart = alt.Chart(alt.NamedData("marks"))
    chart = alt.layer(
        alt.Chart(alt.NamedData("one")).mark_rule(color=BLACK, strokeDash=[6, 4]).encode(alt.Y("factor:Q", scale=LOG)),
        alt.Chart(alt.NamedData("one")).mark_text(align="left", dx=4, dy=-6, x=0).encode(alt.Y("factor:Q", scale=LOG),
                                                                                       text="text:N"),
        marks_chart.mark_rule(color=GREY, strokeDash=[2, 3]).encode(x),
        marks_chart.mark_text(angle=270, align="left", dx=-6, dy=-4, y=0, baseline="bottom", color="#4b5563")
        .encode(x, text="text:N"),
        alt.Chart(alt.NamedData("chosen")).mark_rule(color=BLACK, strokeWidth=2).encode(x),
        alt.Chart(alt.NamedData("sweep")).mark_line(point=True, strokeWidth=2)
        .encode(x, y, _colour(lesson, names, orient="right")),
    ).properties(width=460, height=280)
    return chart, data["sweep"], data
