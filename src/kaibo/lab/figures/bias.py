"""The figures of lesson 6 (the bias term), in Altair. Every number drawn comes from
`kaibo.train.logistic_neuron`, `kaibo.train.origin_line` and `kaibo.train.bias_free_network`; these
functions only lay it out.

Each returns the chart, the rows for its CSV and the data sets it names (`alt.NamedData`), which
`Lesson.figure` attaches to the finished specification as they are. The plane is drawn with equal scales
on both axes, so that a right angle looks like one, and the origin is always in view, marked with a cross.
"""

from __future__ import annotations

from functools import lru_cache

import altair as alt
import numpy as np

from kaibo.data.toy2d import Grid2D, Points2D
from kaibo.lab.figures.gradient_descent import GREY, ORANGE

BLUE, BLACK = "#2563eb", "#111827"
# Class 0 and class 1: darker than the background's blue and orange, so that every point stands out on it.
CLASS_COLOURS = ["#1d4ed8", "#c2410c"]
# The probability of class 1 as a background: pale blue (0) through white (½) to pale orange (1).
BACKGROUND = alt.Scale(domain=[0, 0.5, 1], range=["#bfdbfe", "#ffffff", "#fed7aa"])
PARAM_COLOURS = {"w₁": "#0d9488", "w₂": "#7c3aed", "b": "#dc2626"}
MAP_SIDE = 300  # pixels along the longer side of a map


def border_in_box(w: np.ndarray, b: float, grid: Grid2D) -> list[dict]:
    """The two ends of the line w·x + b = 0 where it crosses the grid's rectangle ([] if it misses it, or if
    w = 0 and there is no line)."""
    (x_lo, x_hi), (y_lo, y_hi) = (grid.xs[0], grid.xs[-1]), (grid.ys[0], grid.ys[-1])
    w1, w2 = float(w[0]), float(w[1])
    ends = []
    if w2:   # where the line meets the left and right edges
        ends += [(x, -(w1 * x + b) / w2) for x in (x_lo, x_hi)]
    if w1:   # and the bottom and top edges
        ends += [(-(w2 * y + b) / w1, y) for y in (y_lo, y_hi)]
    inside = sorted({(round(x, 9), round(y, 9)) for x, y in ends
                     if x_lo - 1e-9 <= x <= x_hi + 1e-9 and y_lo - 1e-9 <= y <= y_hi + 1e-9})
    return [{"x1": x, "x2": y} for x, y in (inside[:1] + inside[-1:])] if len(inside) >= 2 else []


Box = tuple[float, float, float, float, int]  # a grid's x from, x to, y from, y to, and points along x


def _box(grid: Grid2D) -> Box:
    return float(grid.xs[0]), float(grid.xs[-1]), float(grid.ys[0]), float(grid.ys[-1]), len(grid.xs)


def _axes(box: Box) -> tuple[alt.X, alt.Y, int, int]:
    """The plane's axes over the grid, equal scales: (x, y, width, height)."""
    x_lo, x_hi, y_lo, y_hi, _ = box
    scale = MAP_SIDE / max(x_hi - x_lo, y_hi - y_lo)
    x = alt.X("x1:Q", title="x₁", scale=alt.Scale(domain=[x_lo, x_hi], nice=False))
    y = alt.Y("x2:Q", title="x₂", scale=alt.Scale(domain=[y_lo, y_hi], nice=False))
    return x, y, int(round(scale * (x_hi - x_lo))), int(round(scale * (y_hi - y_lo)))


def _plane(key: str, title: str, legend: str, box: Box, *, lines: bool, dashed: bool) -> alt.LayerChart:
    """One map's layers, its numbers left to the data sets it names (`key`_p, `key`_best, `key`_border, points,
    origin): the probability of class 1 as the background, the best border through the origin (dashed), the
    points, the border (solid) and the origin."""
    x, y, width, height = _axes(box)
    cell = width / max(box[4] - 1, 1)
    layers = [alt.Chart(alt.NamedData(f"{key}_p")).mark_square(size=(cell + 1) ** 2, opacity=1).encode(
        x, y, alt.Color("p:Q", scale=BACKGROUND, title=legend,
                        legend=alt.Legend(orient="bottom", gradientLength=200, titleLimit=300)))]
    if dashed:
        layers.append(alt.Chart(alt.NamedData(f"{key}_best")).mark_line(color=GREY, strokeWidth=2, strokeDash=[6, 4])
                      .encode(x, y))
    # Each class a layer of its own colour and shape (the colour channel is the background's probability).
    layers += [alt.Chart(alt.NamedData("points")).transform_filter(f"datum.label == {k}")
               .mark_point(filled=True, size=44, opacity=1, color=colour, shape=shape, stroke="white",
                           strokeWidth=0.8).encode(x, y)
               for k, (colour, shape) in enumerate(zip(CLASS_COLOURS, ("circle", "triangle-up"), strict=True))]
    if lines:
        layers.append(alt.Chart(alt.NamedData(f"{key}_border")).mark_line(color=BLACK, strokeWidth=3).encode(x, y))
    origin = alt.Chart(alt.NamedData("origin"))
    layers += [origin.mark_point(shape="cross", filled=True, color=BLACK, size=220, stroke="white", strokeWidth=1)
               .encode(x, y),
               origin.mark_text(dx=9, dy=-10, align="left", fontWeight="bold", stroke="white", strokeWidth=3)
               .encode(x, y, text="name:N"),
               origin.mark_text(dx=9, dy=-10, align="left", fontWeight="bold").encode(x, y, text="name:N")]
    return alt.layer(*layers).properties(width=width, height=height, title=title)


@lru_cache(maxsize=64)
def _maps(keys: tuple[str, ...], titles: tuple[str, ...], legend: str, box: Box, *, lines: bool,
          dashed: str | None) -> alt.HConcatChart:
    """The maps side by side, kept per language and grid: a new step or network changes only their data."""
    return alt.hconcat(*(_plane(key, title, legend, box, lines=lines, dashed=key == dashed)
                         for key, title in zip(keys, titles, strict=True)))


def _plane_data(lesson, points: Points2D, grid: Grid2D, probs: dict) -> dict:
    """The data sets every map uses (the points and the origin) and each map's probabilities of class 1 on
    the grid (`probs` maps a key to one per grid point), under `key`_p."""
    data = {"points": [{"x1": a, "x2": c, "label": int(k)} for (a, c), k in
                       zip(points.x.tolist(), points.y.tolist(), strict=True)],
            "origin": [{"x1": 0.0, "x2": 0.0, "name": lesson.t("origin")}]}
    for key, p in probs.items():
        data[f"{key}_p"] = [{"x1": a, "x2": c, "p": q} for (a, c), q in
                            zip(grid.points.tolist(), np.asarray(p, dtype=float).round(4).tolist(), strict=True)]
    return data


def boundary_chart(lesson, points: Points2D, grid: Grid2D, panels: dict, best_normal: np.ndarray):
    """The neuron without b and with b side by side, each at the step looked at, with the border (solid) and, on
    the map without b, the best border through the origin (dashed). `panels` maps "without" and "with" to
    (w, b, probabilities on the grid)."""
    data = _plane_data(lesson, points, grid, {name: probs for name, (_, _, probs) in panels.items()})
    reach = float(np.abs(grid.points).max()) * 2  # long enough to cross the whole map
    along = np.array([-best_normal[1], best_normal[0]])
    data["without_best"] = border_in_box(best_normal, 0.0, grid) or [
        {"x1": float(t * along[0]), "x2": float(t * along[1])} for t in (-reach, reach)]
    for name, (w, b, _) in panels.items():
        data[f"{name}_border"] = border_in_box(w, b, grid)  # [] where it misses the map: no line drawn
    chart = _maps(tuple(panels), tuple(lesson.t(f"map_title.{name}") for name in panels),
                  lesson.t("axis.probability"), _box(grid), lines=True, dashed="without")
    rows = [{"x1": a["x1"], "x2": a["x2"], "p_without_b": a["p"], "p_with_b": c["p"]}
            for a, c in zip(data["without_p"], data["with_p"], strict=True)]
    return chart, rows, data


def reach_chart(lesson, distances: np.ndarray, across: np.ndarray, along: np.ndarray, here: tuple[float, float]):
    """The best accuracy of any line through the origin against how far the data moved, across the border and
    along it; the current shift as a ring."""
    kinds = [lesson.t("legend_reach.across"), lesson.t("legend_reach.along")]
    rows = [{"distance": d, "across": a, "along": c}
            for d, a, c in zip(distances.tolist(), across.tolist(), along.tolist(), strict=True)]
    data = {"curves": [{"distance": r["distance"], "best": r[kind], "kind": label} for r in rows
                       for kind, label in zip(("across", "along"), kinds, strict=True)],
            "here": [{"distance": here[0], "best": here[1]}]}
    x = alt.X("distance:Q", title=lesson.t("axis.distance"), scale=alt.Scale(nice=False))
    y = alt.Y("best:Q", title=lesson.t("axis.best"), scale=alt.Scale(domain=[0.4, 1.02]), axis=alt.Axis(format="%"))
    chart = alt.layer(
        alt.Chart(alt.NamedData("curves")).mark_line(point=True, strokeWidth=2).encode(
            x, y, alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[ORANGE, BLUE]),
                            legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400))),
        alt.Chart(alt.NamedData("here")).mark_point(color=BLACK, size=260, strokeWidth=3).encode(x, y),
    ).properties(width=460, height=220)
    return chart, rows, data


@lru_cache(maxsize=8)
def _history(runs: tuple[str, ...], step: str, value: str, gradient: str) -> alt.HConcatChart:
    """The two panels of `history_chart`, kept per language: a new step or setting changes only their data."""
    step_x = alt.X("step:Q", title=step, axis=alt.Axis(tickMinStep=1, format="d"), scale=alt.Scale(nice=False))
    # Dashed without b, solid with it (the order of `runs`: "without", then "with").
    dash = alt.StrokeDash("run:N", title=None, scale=alt.Scale(domain=list(runs), range=[[6, 4], [1, 0]]),
                          legend=alt.Legend(orient="bottom", symbolStrokeColor=BLACK, symbolStrokeWidth=2.5,
                                            symbolSize=900, labelLimit=300))  # long enough to show the dashes
    here = alt.Chart(alt.NamedData("here")).mark_rule(color=GREY, strokeWidth=2).encode(step_x)

    def panel(name: str, names: list[str], title: str):
        colour = alt.Color("name:N", title=None, scale=alt.Scale(domain=names, range=list(PARAM_COLOURS.values())),
                           legend=alt.Legend(orient="bottom"))
        return alt.layer(here, alt.Chart(alt.NamedData(name)).mark_line(strokeWidth=2).encode(
            step_x, alt.Y("value:Q", title=title), colour, dash)).properties(width=330, height=240)

    chart = alt.hconcat(panel("values", list(PARAM_COLOURS), value),
                        panel("grads", [f"∂L/∂{n}" for n in PARAM_COLOURS], gradient))
    return chart.resolve_scale(color="independent")


def history_chart(lesson, runs: dict, s: int):
    """w₁, w₂ and b (left) and their gradients (right) at every step, with b (solid) and without (dashed);
    the step looked at as a vertical line. For the neuron without b, "∂L/∂b" is the pull a bias would feel."""
    runs_named = {lesson.t(f"run.{name}"): run for name, run in runs.items()}
    rows, values, grads = [], [], []
    for label, run in runs_named.items():
        for k in range(run.steps + 1):
            params = {"w₁": float(run.w[k, 0]), "w₂": float(run.w[k, 1]), "b": float(run.b[k])}
            slopes = {"w₁": float(run.grad_w[k, 0]), "w₂": float(run.grad_w[k, 1]), "b": float(run.grad_b[k])}
            rows.append({"run": label, "step": k, **params, **{f"dL/d{n}": g for n, g in slopes.items()},
                         "loss": float(run.loss[k]), "accuracy": float(run.accuracy[k])})
            values += [{"run": label, "step": k, "name": n, "value": v} for n, v in params.items()]
            grads += [{"run": label, "step": k, "name": f"∂L/∂{n}", "value": g} for n, g in slopes.items()]
    chart = _history(tuple(runs_named), lesson.t("axis.step"), lesson.t("axis.value"), lesson.t("axis.gradient"))
    return chart, rows, {"values": values, "grads": grads, "here": [{"step": s}]}


def fit_chart(lesson, x: np.ndarray, y: np.ndarray, fits: dict, profile: tuple, titles: dict):
    """Left: the points and the least-squares lines without b (through the origin) and with b. Right: the lowest
    loss for each fixed b, with b = 0 and the best b marked. `fits` maps "without"/"with" to (w, b, loss);
    `profile` is (bs, losses)."""
    names = {name: lesson.t(f"run.{name}") for name in fits}
    low, high = min(0.0, float(x.min())), float(x.max())
    data = {"points": [{"x": a, "y": c} for a, c in zip(x.tolist(), y.tolist(), strict=True)],
            "lines": [{"x": end, "y": w * end + b, "fit": names[name]} for name, (w, b, _) in fits.items()
                      for end in (low, high)],
            "origin": [{"x": 0.0, "y": 0.0, "name": lesson.t("origin")}],
            "profile": [{"b": b, "loss": c} for b, c in zip(*(v.tolist() for v in profile), strict=True)],
            "marks": [{"b": b, "loss": loss, "fit": names[name]} for name, (_, b, loss) in fits.items()]}
    colours = alt.Scale(domain=list(names.values()), range=[ORANGE, BLUE])
    ax, ay = alt.X("x:Q", title=titles["x"]), alt.Y("y:Q", title=titles["y"])
    origin = alt.Chart(alt.NamedData("origin"))
    left = alt.layer(
        alt.Chart(alt.NamedData("points")).mark_circle(size=16, opacity=0.45, color=GREY).encode(ax, ay),
        alt.Chart(alt.NamedData("lines")).mark_line(strokeWidth=3).encode(
            ax, ay, alt.Color("fit:N", title=None, scale=colours, legend=alt.Legend(orient="bottom", labelLimit=300))),
        origin.mark_point(shape="cross", filled=True, color=BLACK, size=220).encode(ax, ay),
        origin.mark_text(dx=9, dy=10, align="left", fontWeight="bold").encode(ax, ay, text="name:N"),
    ).properties(width=340, height=260)
    bx, by = alt.X("b:Q", title=lesson.t("axis.b")), alt.Y("loss:Q", title=lesson.t("axis.lowest_loss"))
    right = alt.layer(
        alt.Chart(alt.NamedData("profile")).mark_line(color=BLACK, strokeWidth=2).encode(bx, by),
        alt.Chart(alt.NamedData("marks")).mark_point(size=220, strokeWidth=3, filled=True).encode(
            bx, by, alt.Color("fit:N", scale=colours, legend=None)),
    ).properties(width=300, height=260)
    rows = [{"b": r["b"], "lowest_loss": r["loss"]} for r in data["profile"]]
    return alt.hconcat(left, right).resolve_scale(color="shared"), rows, data


def network_chart(lesson, points: Points2D, grid: Grid2D, probs: dict):
    """The probability of class 1 of the network without any bias and with biases, side by side."""
    data = _plane_data(lesson, points, grid, probs)
    chart = _maps(tuple(probs), tuple(lesson.t(f"net_title.{name}") for name in probs), lesson.t("axis.probability"),
                  _box(grid), lines=False, dashed=None)
    rows = [{"x1": a["x1"], "x2": a["x2"], "p_without_bias": a["p"], "p_with_bias": c["p"]}
            for a, c in zip(data["without_p"], data["with_p"], strict=True)]
    return chart, rows, data
