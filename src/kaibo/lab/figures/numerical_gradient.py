"""The figures of lesson 2 (numerical differentiation vs backpropagation), in Altair. Every number drawn comes
from `kaibo.engine.gradcheck` and `kaibo.train.gradient_cost`; these functions only lay it out.

Each returns the chart, the rows of its CSV and the data sets it names (`alt.NamedData`), which
`Lesson.figure` attaches to the finished specification as they are. Texts come from `lesson.t`.
"""

from __future__ import annotations

import math
from html import escape

import altair as alt
import numpy as np

from kaibo.engine import gradcheck
from kaibo.lab.exhibits import shown

# A decade's label as a learner reads it, 10⁻⁵ (Vega's own "1e-5" is what `shown` avoids in text): the
# exponent, with each character swapped for its superscript.
_SUPERSCRIPTS = dict(zip("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True))
POWER_LABEL = "'10' + " + "".join("replace(" for _ in _SUPERSCRIPTS) + "format(round(log(datum.value) / LN10), 'd')" + \
    "".join(f", regexp('{a}', 'g'), '{b}')" for a, b in _SUPERSCRIPTS.items())


def power(value: float, digits: int = 2) -> str:
    """A number as a power of ten, as the page writes every h and every error in its tables: 10⁻⁵,
    3.2 × 10⁻⁴, 1.59 × 10⁻² (`shown` would write 0.00032 beside 6.3 × 10⁻⁶, two formats in one column), to
    `digits` significant digits (an h of the grid has two). 0 is 0, and a number from 1 to 10 is written
    plainly (2.718, not 2.718 × 10⁰)."""
    if value == 0:
        return "0"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
    if int(exponent) == 0:
        return mantissa
    decade = "10" + "".join(_SUPERSCRIPTS[c] for c in str(int(exponent)))
    return decade if mantissa == "1" else f"{mantissa} × {decade}"


COLOURS = {"forward": "#f97316", "central": "#2563eb", "backprop": "#15803d"}
RED, GREY = "#b91c1c", "#9ca3af"


def _log_axis(field: str, title: str, low: float, high: float) -> dict:
    """A log scale over whole decades from `low` to `high`, labelled 10⁻⁵ rather than 0.00001."""
    decades = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    return dict(field=field, type="quantitative", title=title,
                scale=alt.Scale(type="log", domain=[10.0 ** decades[0], 10.0 ** decades[-1]], nice=False),
                axis=alt.Axis(values=[10.0 ** k for k in decades], labelExpr=POWER_LABEL,
                              grid=True, tickCount=len(decades)))


def sweep_chart(lesson, sweeps: dict, theory: tuple[float, float, float], chosen_h: float):
    """Error against h, one panel per dtype: the measured error of each difference (solid), the error the
    estimate predicts (dashed), √ε and ∛ε (dotted), the h chosen by the learner, and the h where x + h rounds
    back to x (grey). Errors that came out exactly 0 are drawn as triangles on the bottom edge.

    One layered chart faceted by dtype, its layers picking their rows of one data set by `part`: altair's
    cost grows with every layer and panel it assembles, and this keeps a redraw fast."""
    fx, f2, f3 = theory
    measured = [e for s in sweeps.values() for m in gradcheck.METHODS for e in s.error(m).tolist()
                if np.isfinite(e) and e > 0]
    low, high = min(measured) / 3, max(measured) * 3
    names = {m: lesson.t(f"method.{m}") for m in gradcheck.METHODS}
    kinds = {k: lesson.t(f"kind.{k}") for k in ("measured", "predicted")}
    rows, points = [], []
    for dtype, s in sweeps.items():
        eps, panel = gradcheck.machine_epsilon(dtype), lesson.t(f"panel.{dtype}")
        for method in gradcheck.METHODS:
            predicted = gradcheck.predicted_error(method, s.h, eps, fx, f2, f3)
            for h, estimate, error, guess in zip(s.h.tolist(), s.estimate[method].tolist(), s.error(method).tolist(),
                                                 predicted.tolist(), strict=True):
                rows.append({"dtype": dtype, "method": method, "h": h, "estimate": estimate, "exact": s.exact,
                             "error": error, "predicted_error": guess})
                common = {"panel": panel, "method": names[method], "h": h}
                if error > 0:
                    points.append({**common, "part": "curve", "kind": kinds["measured"], "error": error})
                elif error == 0:
                    points.append({**common, "part": "zero", "error": low})
                if low <= guess <= high:
                    points.append({**common, "part": "curve", "kind": kinds["predicted"], "error": guess})
        points += [{"panel": panel, "part": "mark", "method": names["forward"], "h": math.sqrt(eps), "label": "√ε"},
                   {"panel": panel, "part": "mark", "method": names["central"], "h": eps ** (1 / 3), "label": "∛ε"},
                   {"panel": panel, "part": "chosen", "h": chosen_h, "label": f"h = {power(chosen_h)}"}]
        still = s.h[np.isnan(s.estimate["forward"])]
        if still.size:
            points.append({"panel": panel, "part": "still", "h": float(still.min()), "to": float(still.max()),
                           "label": lesson.t("axis.no_step")})
    x = alt.X(**_log_axis("h", lesson.t("axis.h"), gradcheck.H_GRID[-1], gradcheck.H_GRID[0]))
    y = alt.Y(**_log_axis("error", lesson.t("axis.error"), low, high))
    colour = alt.Color("method:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400),
                       scale=alt.Scale(domain=list(names.values()), range=[COLOURS[m] for m in gradcheck.METHODS]))
    base = alt.Chart()
    part = {name: base.transform_filter(f"datum.part == '{name}'")
            for name in ("curve", "zero", "mark", "chosen", "still")}
    chart = alt.layer(
        part["still"].mark_rect(color=GREY, opacity=0.25).encode(x, x2="to:Q"),
        part["still"].mark_text(align="left", baseline="top", dx=4, dy=4, y=0, color="#4b5563")
        .encode(x, text="label:N"),
        part["curve"].mark_line(clip=True).encode(
            x, y, colour, detail="kind:N",
            strokeDash=alt.StrokeDash("kind:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400),
                                      scale=alt.Scale(domain=list(kinds.values()), range=[[1, 0], [5, 3]]))),
        part["zero"].mark_point(shape="triangle-down", filled=True, size=40, clip=True).encode(x, y, colour),
        part["mark"].mark_rule(strokeDash=[2, 3]).encode(x, colour),
        part["mark"].mark_text(y=12, dx=4, align="left", fontWeight="bold").encode(x, colour, text="label:N"),
        part["chosen"].mark_rule(color="black", strokeWidth=1.5).encode(x),
        part["chosen"].mark_text(y=28, dx=4, align="left", color="black").encode(x, text="label:N"),
    ).properties(width=330, height=300).facet(
        column=alt.Column("panel:N", title=None, sort=[lesson.t(f"panel.{d}") for d in sweeps],
                          header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
        data=alt.NamedData("points"))
    return chart, rows, {"points": points}


def cost_chart(lesson, costs: list):
    """Time of one gradient against N, and the passes counted, for each way of computing it (log–log)."""
    rows, data = [], {"time": [], "passes": []}
    for c in costs:
        for way in ("forward", "central", "backprop"):
            name = lesson.t(f"way.{way}")
            passes = c.forward_passes[way] + c.backward_passes[way]
            rows.append({"hidden": c.hidden, "N": c.n_params, "way": way, "forward_passes": c.forward_passes[way],
                         "backward_passes": c.backward_passes[way], "seconds": c.seconds[way],
                         "one_forward_seconds": c.one_forward})
            data["time"].append({"N": c.n_params, "way": name, "ms": 1000 * c.seconds[way]})
            data["passes"].append({"N": c.n_params, "way": name, "passes": passes})
    ways = [lesson.t(f"way.{w}") for w in ("forward", "central", "backprop")]
    colour = alt.Color("way:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=400),
                       scale=alt.Scale(domain=ways, range=[COLOURS[w] for w in ("forward", "central", "backprop")]))
    ns = [c.n_params for c in costs]
    x = alt.X(**_log_axis("N", lesson.t("axis.n_params"), min(ns), max(ns)))
    ms = [row["ms"] for row in data["time"]]
    passes = [row["passes"] for row in data["passes"]]
    time_panel = alt.Chart(alt.NamedData("time")).mark_line(point=True).encode(
        x, alt.Y(**_log_axis("ms", lesson.t("axis.ms"), min(ms), max(ms))), colour,
        tooltip=["N:Q", "way:N", alt.Tooltip("ms:Q", format=".3g")],
    ).properties(width=330, height=260, title=lesson.t("panel.time"))
    pass_panel = alt.Chart(alt.NamedData("passes")).mark_line(point=True).encode(
        x, alt.Y(**_log_axis("passes", lesson.t("axis.passes"), min(passes), max(passes))), colour,
        tooltip=["N:Q", "way:N", "passes:Q"],
    ).properties(width=330, height=260, title=lesson.t("panel.passes"))
    return alt.hconcat(time_panel, pass_panel).resolve_scale(color="shared"), rows, data


def check_chart(lesson, check, threshold: float):
    """The relative error of every parameter's derivative (backpropagation against central differences) on a
    log axis, with the tests' threshold; where x ± h rounded back to x, a red × at the top edge."""
    values = [e for e in check.relative.tolist() if np.isfinite(e) and e > 0]
    low = min([*values, threshold]) / 3
    high = max([*values, threshold, 1.0]) * 3
    verdict = {True: lesson.t("verdict.pass"), False: lesson.t("verdict.fail")}
    rows = [{"parameter": name, "backprop": bp, "numeric": num, "relative_error": rel, "passed": ok}
            for name, bp, num, rel, ok in zip(check.names, check.backprop.tolist(), check.numeric.tolist(),
                                              check.relative.tolist(), check.passed.tolist(), strict=True)]
    data = {"errors": [{"parameter": r["parameter"], "error": max(r["relative_error"], low),
                        "verdict": verdict[r["passed"]]} for r in rows if np.isfinite(r["relative_error"])],
            "lost": [{"parameter": r["parameter"], "error": high}
                     for r in rows if not np.isfinite(r["relative_error"])],
            "threshold": [{"error": threshold, "label": lesson.t("axis.threshold", rtol=power(threshold))}]}
    x = alt.X("parameter:N", title=lesson.t("axis.parameter"), sort=list(check.names),
              axis=alt.Axis(labelAngle=-60, labelFontSize=10))
    y = alt.Y(**_log_axis("error", lesson.t("axis.relative_error"), low, high))
    colour = alt.Color("verdict:N", title=None, legend=alt.Legend(orient="bottom"),
                       scale=alt.Scale(domain=[verdict[True], verdict[False]], range=[COLOURS["backprop"], RED]))
    threshold_data = alt.Chart(alt.NamedData("threshold"))
    chart = alt.layer(
        threshold_data.mark_rule(color=RED, strokeDash=[5, 3]).encode(alt.Y("error:Q")),
        threshold_data.mark_text(color=RED, align="left", x=4, dy=-6).encode(alt.Y("error:Q"), text="label:N"),
        alt.Chart(alt.NamedData("errors")).mark_point(filled=True, size=60).encode(
            x, y, colour, tooltip=["parameter:N", alt.Tooltip("error:Q", format=".3g")]),
        alt.Chart(alt.NamedData("lost")).mark_point(shape="cross", angle=45, size=80, color=RED, filled=True)
        .encode(x, y),
    ).properties(width=640, height=240)
    return chart, rows, data


def compare(lesson, columns: dict[str, str], **rows: list[object]) -> str:
    """A readout with one column per thing compared (float64 and float32, or the three ways): `rows` maps
    a name to its values in `columns`' order, labelled `<slug>.value.<name>`; each cell is marked
    `data-kaibo-value="<name>.<column>"`, so the browser tests read what the learner reads (as
    `Lesson.readout` does for a single column). HTML, for `mo.Html`."""
    # The readout's style sheet spaces its cells (td) only: the headings get the same room, inline.
    head = "".join(f'<th style="padding: .1rem .8rem .1rem 0; text-align: left">{escape(title)}</th>'
                   for title in columns.values())
    body = "".join(
        f"<tr><td>{escape(lesson.t(f'value.{name}'))}</td>"
        + "".join(f'<td data-kaibo-value="{name}.{column}"><b>{escape(shown(value))}</b></td>'
                  for column, value in zip(columns, values, strict=True))
        + "</tr>"
        for name, values in rows.items())
    return f'<table class="kaibo-readout"><tr><th></th>{head}</tr>{body}</table>'
