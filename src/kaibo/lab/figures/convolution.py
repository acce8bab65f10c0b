"""The figures of lesson 8 (convolution), in Altair: grids of numbers drawn as coloured cells with each number
written in its cell, so a learner can check every multiply-add by eye. Every number comes from
`kaibo.models.kernel_sliding`, `kaibo.models.image_kernels` and the trained models' `trace`; these functions
only lay it out. Rows and columns are counted from 1, as the page's text counts them; padding rows and
columns are numbered outside the image (0 and 9 for padding 1).

Each chart function returns the chart and the data sets it names (`alt.NamedData`), which `Lesson.figure`
attaches to the finished specification, as the figures of the other lessons do.
"""

from __future__ import annotations

import altair as alt
import numpy as np

from kaibo.models.kernel_sliding import Position, Slide

ORANGE, PAD = "#f97316", "#fde68a"
CELL = 30  # pixels per cell of the sliding figure
INK_SCALE = alt.Scale(domain=[0, 16], range=["#ffffff", "#111827"])


def label(value: float, digits: int = 3) -> str:
    """A number short enough for its cell: whole numbers in full, others to `digits` significant digits."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.{digits}g}"


def _diverging(limit: float) -> alt.Scale:
    """Blue below zero, white at zero, red above, symmetric so that equal sizes look equally strong."""
    limit = limit or 1.0
    return alt.Scale(domain=[-limit, limit], scheme="redblue", reverse=True)


def _cells(name: str, x_title: str | None, y_title: str | None, color: alt.Color, *, font: int = 10) -> tuple:
    """A grid of cells from the data set `name` (rows with row, col, value, text, and light: whether the cell
    is dark enough to need white letters): the coloured cells and the numbers written in them, as two layers."""
    base = alt.Chart(alt.NamedData(name))
    x = alt.X("col:O", title=x_title, axis=alt.Axis(labelAngle=0, orient="top"))
    y = alt.Y("row:O", title=y_title)
    return (base.mark_rect(stroke="#e5e7eb", strokeWidth=0.5).encode(x, y, color),
            base.mark_text(fontSize=font).encode(
                x, y, text="text:N", color=alt.condition("datum.light", alt.value("white"), alt.value("#111827"))))


def _sized(chart, shape: tuple[int, ...], cell: int = CELL, **properties):
    return chart.properties(width=shape[1] * cell, height=shape[0] * cell, **properties)


def image_rows(levels: np.ndarray) -> list[dict]:
    """The image (H, W) of ink levels as rows, one per pixel, rows and columns from 1."""
    return [{"row": r + 1, "col": c + 1, "value": int(v), "text": str(int(v)), "light": bool(v > 9)}
            for (r, c), v in np.ndenumerate(levels)]


def image_chart(lesson, levels: np.ndarray):
    """The digit as the numbers it is: each pixel's ink from 0 (white) to 16 (black)."""
    data = {"image": image_rows(levels)}
    color = alt.Color("value:Q", scale=INK_SCALE, legend=None)
    chart = alt.layer(*_cells("image", lesson.t("axis.col"), lesson.t("axis.row"), color))
    return _sized(chart, levels.shape, 32), data


def slide_rows(slide: Slide, here: Position) -> dict[str, list[dict]]:
    """The sliding figure's data: the padded input with the window marked, the kernel, and the feature map
    filled in up to the current position (later cells empty)."""
    P, K = slide.padding, slide.kernel.shape[0]
    H, W = slide.image.shape
    inputs = [{"row": r - P + 1, "col": c - P + 1, "value": float(v), "text": label(v),
               "light": bool(v > 9), "pad": not (P <= r < P + H and P <= c < P + W),
               "window": bool(here.top <= r < here.top + K and here.left <= c < here.left + K)}
              for (r, c), v in np.ndenumerate(slide.padded)]
    kernel = [{"row": r + 1, "col": c + 1, "value": float(v), "text": label(v),
               "light": bool(abs(v) > 0.6 * np.abs(slide.kernel).max())}
              for (r, c), v in np.ndenumerate(slide.kernel)]
    limit = float(np.abs(slide.out).max())
    out = [{"row": r + 1, "col": c + 1, "value": float(v) if k < here.step else None,
            "text": label(v) if k < here.step else "", "light": bool(k < here.step and abs(v) > 0.6 * limit),
            "now": k + 1 == here.step}
           for k, ((r, c), v) in enumerate(np.ndenumerate(slide.out))]
    return {"input": inputs, "kernel": kernel, "output": out, "window": [r for r in inputs if r["window"]],
            "padding": [r for r in inputs if r["pad"]], "now": [r for r in out if r["now"]]}


def slide_chart(lesson, slide: Slide, here: Position):
    """Input (with its padding) and the window on it, the kernel, and the feature map being filled in."""
    data = slide_rows(slide, here)
    x, y = alt.X("col:O"), alt.Y("row:O")
    outline = {"filled": False, "stroke": ORANGE, "strokeWidth": 3}
    ink, numbers = _cells("input", lesson.t("axis.col"), lesson.t("axis.row"),
                          alt.Color("value:Q", scale=INK_SCALE, legend=None))
    image = _sized(alt.layer(
        ink,
        alt.Chart(alt.NamedData("padding")).mark_rect(color=PAD, stroke="#e5e7eb", strokeWidth=0.5).encode(x, y),
        numbers,
        alt.Chart(alt.NamedData("window")).mark_rect(**outline).encode(x, y),
    ), slide.padded.shape, title=lesson.t("axis.slide_input"))
    kernel = _sized(alt.layer(*_cells("kernel", lesson.t("axis.col"), lesson.t("axis.row"),
                                      alt.Color("value:Q", scale=_diverging(float(np.abs(slide.kernel).max())),
                                                legend=None))),
                    slide.kernel.shape, 40, title=lesson.t("axis.slide_kernel"))
    output = _sized(alt.layer(
        *_cells("output", lesson.t("axis.col"), lesson.t("axis.row"),
                alt.Color("value:Q", scale=_diverging(float(np.abs(slide.out).max())), legend=None)),
        alt.Chart(alt.NamedData("now")).mark_rect(**outline).encode(x, y),
    ), slide.out.shape, title=lesson.t("axis.slide_output"))
    chart = alt.hconcat(image, kernel, output, spacing=28).resolve_scale(color="independent")
    return chart, data


def map_rows(maps: dict[str, np.ndarray], digits: int = 3) -> list[dict]:
    """Several maps (or kernels) as one table: a row per cell, with the map's name; `light` marks cells
    dark enough for white letters on the map's own scale."""
    rows = []
    for name, values in maps.items():
        limit = float(np.abs(values).max()) or 1.0
        rows += [{"name": name, "row": r + 1, "col": c + 1, "value": float(v), "text": label(v, digits),
                  "light": bool(abs(v) > 0.6 * limit)} for (r, c), v in np.ndenumerate(values)]
    return rows


def maps_chart(lesson, maps: dict[str, np.ndarray], *, columns: int, cell: int, font: int = 9,
               shared: bool = False, digits: int = 3, name: str = "maps"):
    """Small maps side by side, each titled with its name and its numbers written in. With `shared`, one
    colour scale for all (so maps of one layer compare), else each map its own (so each one's pattern shows)."""
    rows = map_rows(maps, digits)
    height, width = next(iter(maps.values())).shape
    limit = max(float(np.abs(m).max()) for m in maps.values())
    color = alt.Color("value:Q", scale=_diverging(limit) if shared else
                      alt.Scale(scheme="redblue", reverse=True, domainMid=0), legend=None)
    base = alt.Chart()
    x = alt.X("col:O", title=None, axis=alt.Axis(labelAngle=0, orient="top", labelFontSize=9))
    y = alt.Y("row:O", title=None, axis=alt.Axis(labelFontSize=9))
    cells = alt.layer(
        base.mark_rect(stroke="#e5e7eb", strokeWidth=0.5).encode(x, y, color),
        base.mark_text(fontSize=font).encode(
            x, y, text="text:N", color=alt.condition("datum.light", alt.value("white"), alt.value("#111827"))),
        data=alt.NamedData(name),
    ).properties(width=width * cell, height=height * cell)
    order = list(maps)
    chart = cells.facet(facet=alt.Facet("name:N", sort=order, title=None,
                                        header=alt.Header(labelFontSize=12, labelFontWeight="bold")),
                        columns=columns, spacing=14)
    if not shared:
        chart = chart.resolve_scale(color="independent")
    return chart, {name: rows}, rows


def side_by_side(*charts):
    """Charts next to each other, each keeping its own colour scale."""
    return alt.hconcat(*charts, spacing=40).resolve_scale(color="independent")


def probabilities_chart(lesson, probs: dict[str, np.ndarray]):
    """Each model's probability for every digit 0–9, side by side per digit."""
    rows = [{"model": lesson.t(f"model.{name}"), "digit": d, "probability": float(p)}
            for name, values in probs.items() for d, p in enumerate(values)]
    chart = alt.Chart(alt.NamedData("probs")).mark_bar().encode(
        alt.X("digit:O", title=lesson.t("axis.digit"), axis=alt.Axis(labelAngle=0)),
        alt.Y("probability:Q", title=lesson.t("axis.probability"), scale=alt.Scale(domain=[0, 1])),
        alt.XOffset("model:N"),
        alt.Color("model:N", title=None, legend=alt.Legend(orient="top")),
    ).properties(width=420, height=180)
    return chart, {"probs": rows}, rows
