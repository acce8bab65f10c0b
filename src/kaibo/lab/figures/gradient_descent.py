"""The figures of lesson 1 (gradient descent), in Altair: the lesson page calls these and keeps only its
words and wiring (STYLE.md §10). Every number drawn comes from `kaibo.train.descent` and
`kaibo.models.landscapes`; these functions only lay it out.

Each returns the chart and the data sets it names (`alt.NamedData`), which `Lesson.figure` attaches to the
finished specification as they are (fast: altair never copies or checks them). Texts come from the lesson's
catalogue through `lesson.t`. Steps are counted from 1: step s goes from point s − 1 to point s.
"""

from __future__ import annotations

from functools import cache

import altair as alt

from kaibo.data import load_bmi_progression
from kaibo.lab.exhibits import shown
from kaibo.models.landscapes import get_landscape
from kaibo.train import descent_measures

SHOWN_NAMES = {"w1": "w₁", "w2": "w₂"}  # the parameters as the text writes them
NUMBERED = 15  # a walk this short has its points numbered on the map
ORANGE, GREY = "#f97316", "#9ca3af"


def off_map(land, run) -> list[int]:
    """The points of the walk (numbered by the steps that reached them) that lie outside the map."""
    return [k for k, point in enumerate(run.path.tolist()) if not land.contains(point)]


@cache
def ground(name: str) -> tuple[tuple[dict, ...], str]:
    """The contour band of the loss (`Landscape.band`) on a 61 × 61 grid over the landscape's window, one row
    per grid line (Vega-Lite flattens the rows into points in the browser, which keeps the chart's
    specification small and fast to build); and the bands' names for the legend, "< 0.78", "0.78 – 1.2", …"""
    land = get_landscape(name)
    p0, p1, loss = land.grid(61)
    rows = tuple({"p1": row[0], "p0": xs, "band": bs}
                 for row, xs, bs in zip(p1.tolist(), p0.tolist(), land.band(loss).tolist(), strict=True))
    levels = [shown(level) for level in land.levels()]
    names = [f"< {levels[0]}", *(f"{a} – {b}" for a, b in zip(levels[:-1], levels[1:], strict=True)),
             f"≥ {levels[-1]}"]
    return rows, "[" + ", ".join(f"'{name}'" for name in names) + "]"


def halo(chart, *encodings, text: str, **mark) -> list:
    """Text that stays readable on any colour and over the path: a black outline, white letters on top."""
    return [chart.mark_text(stroke="black", strokeWidth=3, strokeJoin="round", **mark).encode(*encodings, text=text),
            chart.mark_text(color="white", **mark).encode(*encodings, text=text)]


def map_axes(land) -> tuple[alt.X, alt.Y]:
    """The two axes of a map of `land`: its parameters, over its window exactly."""
    names, ((lo0, hi0), (lo1, hi1)) = [SHOWN_NAMES.get(n, n) for n in land.param_names], land.window
    return (alt.X("p0:Q", title=names[0], scale=alt.Scale(domain=[lo0, hi0], nice=False)),
            alt.Y("p1:Q", title=names[1], scale=alt.Scale(domain=[lo1, hi1], nice=False)))


def contour_bands(lesson, land, x: alt.X, y: alt.Y, *, size: float = 48):
    """The map's ground: the loss in contour bands (`Landscape.levels`), drawn from the data set "ground"
    (`ground(land.name)[0]`, which the caller attaches), with their legend on the left. Each edge between two
    colours is a line of equal loss, and the second valley and the pass of the hills get colours of their
    own. Its title is the lesson's `axis.map_loss`. `size` is the area of one grid square in pixels: 48
    fills a map 360 pixels wide."""
    color = alt.Color("band:O", title=lesson.t("axis.map_loss"), scale=alt.Scale(scheme="viridis"),
                      legend=alt.Legend(orient="left", symbolType="square", symbolSize=150, symbolStrokeWidth=0,
                                        titleLimit=200, labelExpr=f"{ground(land.name)[1]}[datum.value]"))
    return (alt.Chart(alt.NamedData("ground")).transform_flatten(["p0", "band"])
            .mark_square(size=size, opacity=1).encode(x, y, color))


def walk_chart(lesson, land, run, s: int):
    """The landscape in contour bands with the path on it, beside the loss after each step (and η at each
    step when a schedule changes it); and the data sets the chart names (`lesson.figure` attaches them to
    the finished chart, which is much faster). s is the step looked at, 0 when there is none."""
    points = [{"step": k, "p0": a, "p1": b, "loss": c}
              for k, ((a, b), c) in enumerate(zip(run.path.tolist(), run.loss.tolist(), strict=True))]
    data = {"ground": list(ground(land.name)[0]), "path": points, "start": points[:1],
            "here": points[s - 1:s + 1] if s else [], "landed": points[s:s + 1] if s else [],
            "numbered": points if run.steps <= NUMBERED else [],
            "marks": [{"p0": m.point[0], "p1": m.point[1], "name": lesson.t(f"landmark.{m.name}")}
                      for m in land.landmarks]}
    chart = {name: alt.Chart(alt.NamedData(name)) for name in data}
    x, y = map_axes(land)
    # Layers with nothing to draw are left out: each costs the redraw time to build and to send.
    landscape = alt.layer(
        contour_bands(lesson, land, x, y),
        chart["path"].mark_line(color="white", strokeWidth=2, clip=True).encode(x, y, order="step:Q"),
        chart["path"].mark_circle(color="white", size=18, opacity=1, clip=True).encode(x, y),
        *([chart["here"].mark_line(color=ORANGE, strokeWidth=4, clip=True).encode(x, y, order="step:Q"),
           chart["landed"].mark_point(color=ORANGE, size=200, strokeWidth=3, clip=True).encode(x, y)] if s else []),
        chart["start"].mark_circle(color="white", size=110, opacity=1, stroke="black", strokeWidth=1.5)
        .encode(x, y),
        *(halo(chart["numbered"], x, y, text="step:Q", dx=7, dy=-8, fontSize=11, align="left", clip=True)
          if data["numbered"] else []),
        # Landmarks last, so the path never hides them; their names outlined so they read over the path.
        chart["marks"].mark_point(shape="diamond", filled=True, color="white", stroke="black", size=110)
        .encode(x, y),
        *halo(chart["marks"], x, y, text="name:N", dy=16, fontWeight="bold"),
    ).properties(width=360, height=360)
    steps_axis = alt.Axis(tickMinStep=1, format="d")
    step_x = alt.X("step:Q", title=lesson.t("axis.steps_taken"), axis=steps_axis,
                   scale=alt.Scale(domain=[0, max(run.steps, 1)], nice=False))
    loss_y = alt.Y("loss:Q", title=lesson.t("axis.loss"), scale=alt.Scale(zero=False))
    curve = alt.layer(
        chart["path"].mark_line(point=True).encode(step_x, loss_y),
        chart["here"].mark_line(color=ORANGE, strokeWidth=4).encode(step_x, loss_y),
        chart["landed"].mark_point(color=ORANGE, size=120, strokeWidth=3).encode(step_x, loss_y),
    ).properties(width=300, height=360 if run.schedule == "constant" else 250)
    if run.schedule == "constant":
        return alt.hconcat(landscape, curve), data
    data["rates"] = [{"step": k + 1, "lr": r} for k, r in enumerate(run.lrs.tolist())]
    rates = [alt.Chart(alt.NamedData("rates")).mark_line(point=True, color=GREY)
             .encode(step_x, alt.Y("lr:Q", title=lesson.t("axis.lr")))]
    if land.name == "line" and run.optimizer == "sgd":  # on the bowl, SGD's limit is one number: draw it
        data["limit"] = [{"lr": descent_measures.stable_rate(land), "label": lesson.t("axis.limit")}]
        limit = alt.Chart(alt.NamedData("limit"))
        rates += [limit.mark_rule(color="#b91c1c", strokeDash=[4, 3]).encode(alt.Y("lr:Q")),
                  limit.mark_text(color="#b91c1c", align="right", dx=-4, dy=-6, x="width")
                  .encode(alt.Y("lr:Q"), text="label:N")]
    return alt.hconcat(landscape, alt.vconcat(curve, alt.layer(*rates).properties(width=300, height=80))), data


def overview_chart(lesson, land, run):
    """The whole path when part of it is off the map: zoomed out until every point fits, the map drawn as a
    grey square, the points outside it numbered; and the data sets it names."""
    names, ((lo0, hi0), (lo1, hi1)) = [SHOWN_NAMES.get(n, n) for n in land.param_names], land.window
    path = run.path.tolist()
    xs, ys = [lo0, hi0, *(a for a, _ in path)], [lo1, hi1, *(b for _, b in path)]
    half = 0.55 * max(max(xs) - min(xs), max(ys) - min(ys))  # a square view, a little larger than needed
    mid = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    outside = set(off_map(land, run))
    data = {"map": [{"x0": lo0, "x1": hi0, "y0": lo1, "y1": hi1}],
            "route": [{"step": k, "p0": a, "p1": b} for k, (a, b) in enumerate(path)],
            "away": [{"step": k, "p0": a, "p1": b} for k, (a, b) in enumerate(path) if k in outside][:NUMBERED],
            "marks": [{"p0": m.point[0], "p1": m.point[1]} for m in land.landmarks]}
    x = alt.X("p0:Q", title=names[0], scale=alt.Scale(domain=[mid[0] - half, mid[0] + half], nice=False))
    y = alt.Y("p1:Q", title=names[1], scale=alt.Scale(domain=[mid[1] - half, mid[1] + half], nice=False))
    box = alt.Chart(alt.NamedData("map")).mark_rect(color="#d1d5db", stroke="#6b7280")
    chart = alt.layer(
        box.encode(alt.X("x0:Q"), alt.X2("x1:Q"), alt.Y("y0:Q"), alt.Y2("y1:Q")),
        alt.Chart(alt.NamedData("marks")).mark_point(shape="diamond", filled=True, color="black", size=50)
        .encode(x, y),
        alt.Chart(alt.NamedData("route")).mark_line(color="#374151", point=True).encode(x, y, order="step:Q"),
        alt.Chart(alt.NamedData("route")).transform_filter("datum.step == 0")
        .mark_circle(color="white", size=70, opacity=1, stroke="black").encode(x, y),
        # A diverging walk jumps from side to side: odd steps labelled on the right, even on the left.
        *(alt.Chart(alt.NamedData("away")).transform_filter(f"datum.step % 2 == {odd}")
          .mark_text(dx=8 if odd else -8, align="left" if odd else "right", fontWeight="bold")
          .encode(x, y, text="step:Q") for odd in (1, 0)),
    ).properties(width=280, height=280)
    return chart, data


def data_chart(lesson, before: list, after: list):
    """The patients' data and the lines y = w·x + b before and after the step looked at (drawn by the
    browser); and the data set it names."""
    data = load_bmi_progression()
    titles = {}
    for key, column in (("x", data.x_column), ("y", data.y_column)):
        name = lesson.text(column.label_key)
        titles[key] = f"{key} = {f'({name} − {column.offset:g})' if column.offset else name} ÷ {column.scale:g}"
    points = alt.Chart(alt.NamedData("points"))
    x = alt.X("x:Q", title=titles["x"])
    chart = alt.layer(
        points.mark_circle(size=20, opacity=0.5).encode(x, alt.Y("y:Q", title=titles["y"])),
        points.transform_calculate(fit=f"{before[0]} * datum.x + {before[1]}")
        .mark_line(color=GREY, strokeWidth=2, strokeDash=[6, 4]).encode(x, alt.Y("fit:Q")),
        points.transform_calculate(fit=f"{after[0]} * datum.x + {after[1]}").mark_line(color=ORANGE, strokeWidth=3)
        .encode(x, alt.Y("fit:Q")),
    ).properties(width=500, height=260)
    return chart, [{"x": a, "y": c} for a, c in zip(data.x.tolist(), data.y.tolist(), strict=True)]


@cache
def sections() -> tuple:
    """Two cross-sections of the hills through the saddle (0, 0): along w₁ (w₂ = 0) and along w₂ (w₁ = 0);
    the rows, and the data set each names."""
    hills, rows, data = get_landscape("hills"), [], {}
    for axis, name in enumerate(("w1", "w2")):
        values, loss = hills.section((0.0, 0.0), axis, 101)
        data[name] = [{"at": a, "loss": c} for a, c in zip(values.tolist(), loss.tolist(), strict=True)]
        rows += [{"along": name, "at": a, "loss": c} for a, c in zip(values.tolist(), loss.tolist(), strict=True)]
    data["saddle"] = [{"at": 0.0, "loss": hills.landmark("saddle").loss}]
    return rows, data


def sections_chart(lesson):
    """The cross-sections drawn side by side, each with the saddle marked; the rows and data sets."""
    rows, data = sections()
    saddle = alt.Chart(alt.NamedData("saddle"))
    panels = []
    for name in ("w1", "w2"):
        x = alt.X("at:Q", title=lesson.t(f"axis.section_{name}"), scale=alt.Scale(nice=False))
        y = alt.Y("loss:Q", title=lesson.t("axis.loss"), scale=alt.Scale(domain=[0, 10]))
        panels.append(alt.layer(
            alt.Chart(alt.NamedData(name)).mark_line(clip=True).encode(x, y),
            saddle.mark_point(shape="diamond", filled=True, color="black", size=90).encode(x, y),
            saddle.mark_text(dy=-14, fontWeight="bold").encode(x, y, text=alt.value(lesson.t("landmark.saddle"))),
        ).properties(width=280, height=180, title=lesson.t(f"section_title.{name}")))
    return alt.hconcat(*panels), rows, data
