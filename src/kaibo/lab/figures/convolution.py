"""The figures of lesson 8 (convolution), in Altair: grids of numbers drawn as coloured cells with each number
written in its cell, so a learner can check every multiply-add by eye. Every number comes from
`kaibo.models.kernel_sliding`, `kaibo.models.image_kernels` and the trained models' `trace`; these functions
only lay it out. Rows and columns are counted from 1, as the page's text counts them; padding rows and
columns are numbered outside the image (0 and 9 for padding 1).

Each chart function returns the chart and the data sets it names (`alt.NamedData`), which `Lesson.figure`
attaches to the finished specification. The colour of a cell is its `shade`, worked out here: ink ÷ 16 for
an image, or the number ÷ the largest size on its map (or its group of maps) for weights and feature maps,
so blue is negative, white 0 and red positive, equally deep for equal sizes. Because the numbers travel only
in the data, a chart's structure depends on its shapes and words alone and is built once (altair spends far
more time building and checking a chart than Vega spends drawing it).
"""

from __future__ import annotations

from functools import cache

import altair as alt
import numpy as np

from kaibo.models.kernel_sliding import Position, Slide

ORANGE, PAD = "#f97316", "#fde68a"
CELL = 30    # pixels per cell of the sliding figure
LIGHT = 0.6  # a cell this deep (|shade|) or deeper gets white letters
INK = 16


def label(value: float, digits: int = 3) -> str:
    """A number short enough for its cell: whole numbers in full, others to `digits` significant digits."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)) + 0)
    return f"{value:.{digits}g}"


def _cell(r: int, c: int, value: float, shade: float, digits: int = 3, **more: object) -> dict:
    return {"row": r, "col": c, "value": float(value), "shade": float(shade), "text": label(value, digits),
            "light": bool(abs(shade) >= LIGHT), **more}


def _sizes(values: np.ndarray) -> float:
    """The largest size in `values`, the end of their colour scale (1 for all zeros)."""
    return float(np.abs(values).max()) or 1.0


def _color(kind: str) -> alt.Color:
    scale = (alt.Scale(domain=[0, 1], range=["#ffffff", "#111827"]) if kind == "ink" else
             alt.Scale(domain=[-1, 1], scheme="redblue", reverse=True))
    return alt.Color("shade:Q", scale=scale, legend=None)


def _layers(data: alt.NamedData | None, kind: str, x_title: str | None, y_title: str | None, font: int,
            axis_at: str = "top") -> tuple:
    """A grid of cells (rows with row, col, shade, text and light): the coloured cells and the numbers written
    in them, as two layers; `data` None when the layers take the data of a facet around them."""
    base = alt.Chart(data) if data is not None else alt.Chart()
    x = alt.X("col:O", title=x_title, axis=alt.Axis(labelAngle=0, orient=axis_at))
    y = alt.Y("row:O", title=y_title)
    return (base.mark_rect(stroke="#e5e7eb", strokeWidth=0.5).encode(x, y, _color(kind)),
            base.mark_text(fontSize=font).encode(
                x, y, text="text:N", color=alt.condition("datum.light", alt.value("white"), alt.value("#111827"))))


def _sized(chart, shape: tuple[int, ...], cell: int = CELL, **properties):
    return chart.properties(width=shape[1] * cell, height=shape[0] * cell, **properties)


def image_rows(levels: np.ndarray) -> list[dict]:
    """The image (H, W) of ink levels as rows, one per pixel, rows and columns from 1."""
    return [_cell(r + 1, c + 1, v, v / INK) for (r, c), v in np.ndenumerate(levels)]


@cache
def _image_chart(col: str, row: str, shape: tuple[int, int]):
    return _sized(alt.layer(*_layers(alt.NamedData("image"), "ink", col, row, 10)), shape, 32)


def image_chart(lesson, levels: np.ndarray):
    """The digit as the numbers it is: each pixel's ink from 0 (white) to 16 (black)."""
    return _image_chart(lesson.t("axis.col"), lesson.t("axis.row"), levels.shape), {"image": image_rows(levels)}


def slide_rows(slide: Slide, here: Position) -> dict[str, list[dict]]:
    """The sliding figure's data: the padded input with the window marked, the kernel, and the feature map
    filled in up to the current position (later cells empty)."""
    P, K = slide.padding, slide.kernel.shape[0]
    H, W = slide.image.shape
    inputs = [_cell(r - P + 1, c - P + 1, v, v / INK, pad=not (P <= r < P + H and P <= c < P + W),
                    window=bool(here.top <= r < here.top + K and here.left <= c < here.left + K))
              for (r, c), v in np.ndenumerate(slide.padded)]
    weight = _sizes(slide.kernel)
    kernel = [_cell(r + 1, c + 1, v, v / weight) for (r, c), v in np.ndenumerate(slide.kernel)]
    size = _sizes(slide.out)
    out = []
    for k, ((r, c), v) in enumerate(np.ndenumerate(slide.out)):
        done = k < here.step
        out.append({**_cell(r + 1, c + 1, v, v / size if done else 0.0), "now": k + 1 == here.step,
                    **({} if done else {"text": "", "light": False})})
    return {"input": inputs, "kernel": kernel, "output": out, "window": [r for r in inputs if r["window"]],
            "padding": [r for r in inputs if r["pad"]], "now": [r for r in out if r["now"]]}


@cache
def _slide_chart(words: tuple[str, ...], padded: tuple[int, int], kernel: tuple[int, int], out: tuple[int, int]):
    col, row, input_title, kernel_title, output_title = words
    x, y = alt.X("col:O"), alt.Y("row:O")
    outline = {"filled": False, "stroke": ORANGE, "strokeWidth": 3}
    ink, numbers = _layers(alt.NamedData("input"), "ink", col, row, 10)
    image = _sized(alt.layer(
        ink,
        alt.Chart(alt.NamedData("padding")).mark_rect(color=PAD, stroke="#e5e7eb", strokeWidth=0.5).encode(x, y),
        numbers,
        alt.Chart(alt.NamedData("window")).mark_rect(**outline).encode(x, y),
    ), padded, title=input_title)
    weights = _sized(alt.layer(*_layers(alt.NamedData("kernel"), "signed", col, row, 11)), kernel, 40,
                     title=kernel_title)
    output = _sized(alt.layer(*_layers(alt.NamedData("output"), "signed", col, row, 10),
                              alt.Chart(alt.NamedData("now")).mark_rect(**outline).encode(x, y)),
                    out, title=output_title)
    return alt.hconcat(image, weights, output, spacing=28).resolve_scale(color="independent")


def slide_chart(lesson, slide: Slide, here: Position):
    """Input (with its padding) and the window on it, the kernel, and the feature map being filled in."""
    words = tuple(lesson.t(f"axis.{key}") for key in ("col", "row", "slide_input", "slide_kernel", "slide_output"))
    chart = _slide_chart(words, slide.padded.shape, slide.kernel.shape, slide.out.shape)
    return chart, slide_rows(slide, here)


def map_rows(maps: dict[str, np.ndarray], *, shared: bool, digits: int = 3) -> list[dict]:
    """Several maps (or kernels) as one table, a row per cell with its map's name; shaded on one scale for all
    (`shared`, so the maps of one layer compare) or each on its own (so each one's pattern shows)."""
    common = max(_sizes(values) for values in maps.values())
    rows = []
    for name, values in maps.items():
        size = common if shared else _sizes(values)
        rows += [{**_cell(r + 1, c + 1, v, v / size, digits), "name": name} for (r, c), v in np.ndenumerate(values)]
    return rows


@cache
def _maps_chart(names: tuple[str, ...], shape: tuple[int, int], columns: int, cell: int, font: int, data: str):
    cells = alt.layer(*_layers(None, "signed", None, None, font, axis_at="bottom"), data=alt.NamedData(data))
    return _sized(cells, shape, cell).facet(
        facet=alt.Facet("name:N", sort=list(names), title=None,
                        header=alt.Header(labelFontSize=12, labelFontWeight="bold", labelLimit=260)),
        columns=columns, spacing=14)


def maps_chart(maps: dict[str, np.ndarray], *, columns: int, cell: int, font: int = 9, shared: bool = False,
               digits: int = 3, name: str = "maps"):
    """Small maps of one shape side by side, each titled with its name and its numbers written in; the chart,
    its data set (named `name`) and the rows for the CSV."""
    rows = map_rows(maps, shared=shared, digits=digits)
    shape = next(iter(maps.values())).shape
    return _maps_chart(tuple(maps), shape, columns, cell, font, name), {name: rows}, rows


def side_by_side(*charts):
    """Charts next to each other."""
    return alt.hconcat(*charts, spacing=40)


@cache
def _probabilities_chart(digit: str, probability: str):
    return alt.Chart(alt.NamedData("probs")).mark_bar().encode(
        alt.X("digit:O", title=digit, axis=alt.Axis(labelAngle=0)),
        alt.Y("probability:Q", title=probability, scale=alt.Scale(domain=[0, 1])),
        alt.XOffset("model:N"),
        alt.Color("model:N", title=None, legend=alt.Legend(orient="top")),
    ).properties(width=420, height=180)


def probabilities_chart(lesson, probs: dict[str, np.ndarray]):
    """Each model's probability for every digit 0–9, side by side per digit."""
    rows = [{"model": lesson.t(f"model.{name}"), "digit": d, "probability": float(p)}
            for name, values in probs.items() for d, p in enumerate(values)]
    chart = _probabilities_chart(lesson.t("axis.digit"), lesson.t("axis.probability"))
    return chart, {"probs": rows}, rows
