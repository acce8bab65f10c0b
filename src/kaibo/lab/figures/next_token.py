"""The figures of lesson 11 (next-token prediction): the distribution at one step before and after sampling
settings, the push of the two losses, and the race between them. Numbers come from `kaibo.train.generation`
and `kaibo.train.next_token_study`; these functions only lay them out (chart, CSV rows, named data sets).
"""

from __future__ import annotations

from html import escape

import altair as alt

from kaibo.lab.figures.gradient_descent import ORANGE

BLUE = "#2563eb"


def distribution_chart(lesson, labels: list[str], raw: list[float], sampled: list[float], chosen: str):
    """The most probable next tokens: the model's own probabilities (temperature 1) and the ones actually
    sampled from after temperature, top-k and top-p; the chosen token marked."""
    rows = []
    for label, p_raw, p_sampled in zip(labels, raw, sampled, strict=True):
        rows += [{"token": label, "which": lesson.t("legend.raw"), "probability": p_raw, "chosen": label == chosen},
                 {"token": label, "which": lesson.t("legend.sampled"), "probability": p_sampled,
                  "chosen": label == chosen}]
    chart = alt.Chart(alt.NamedData("bars")).mark_bar().encode(
        alt.X("token:N", sort=None, title=lesson.t("axis.candidate"), axis=alt.Axis(labelAngle=0, labelFontSize=14)),
        alt.XOffset("which:N", sort=[lesson.t("legend.raw"), lesson.t("legend.sampled")]),
        alt.Y("probability:Q", title=lesson.t("axis.probability"), scale=alt.Scale(domain=[0, 1])),
        alt.Color("which:N", scale=alt.Scale(domain=[lesson.t("legend.raw"), lesson.t("legend.sampled")],
                                             range=[BLUE, ORANGE]),
                  title=None, legend=alt.Legend(orient="top", labelLimit=400)),
        stroke=alt.condition("datum.chosen", alt.value("#111827"), alt.value(None)),
        strokeWidth=alt.condition("datum.chosen", alt.value(2), alt.value(0)),
        tooltip=["token:N", "which:N", alt.Tooltip("probability:Q", format=".4f")],
    ).properties(width=max(300, 48 * len(labels)), height=220)
    return chart, rows, {"bars": rows}


def push_chart(lesson, rows: list[dict[str, float]]):
    """How hard each loss pushes the true token's logit up, against the probability the model gave it."""
    data = [{"p_true": r["p_true"], "loss": lesson.t(f"legend.{name}"), "push": r[f"{name}_push"]}
            for r in rows for name in ("cross_entropy", "squared_error")]
    chart = alt.Chart(alt.NamedData("push")).mark_line(point=True).encode(
        alt.X("p_true:Q", title=lesson.t("axis.p_true"), scale=alt.Scale(type="log")),
        alt.Y("push:Q", title=lesson.t("axis.push")),
        alt.Color("loss:N", scale=_losses(lesson), title=None, legend=alt.Legend(orient="top", labelLimit=400)),
        tooltip=["p_true:Q", "loss:N", alt.Tooltip("push:Q", format=".4f")],
    ).properties(width=480, height=230)
    return chart, data, {"push": data}


def race_chart(lesson, race):
    """Validation cross-entropy of the two copies over training."""
    rows = [{"step": s, "trained_on": lesson.t(f"legend.{name}"), "validation_cross_entropy": v}
            for name in ("cross_entropy", "squared_error") for s, v in zip(race.steps, getattr(race, name),
                                                                            strict=True)]
    chart = alt.Chart(alt.NamedData("race")).mark_line(point=True).encode(
        alt.X("step:Q", title=lesson.t("axis.step")),
        alt.Y("validation_cross_entropy:Q", title=lesson.t("axis.val_ce"), scale=alt.Scale(zero=False)),
        alt.Color("trained_on:N", scale=_losses(lesson), title=lesson.t("legend.trained_on"),
                  legend=alt.Legend(orient="top", labelLimit=400)),
        tooltip=["step:Q", "trained_on:N", alt.Tooltip("validation_cross_entropy:Q", format=".4f")],
    ).properties(width=480, height=230)
    return chart, rows, {"race": rows}


def _losses(lesson) -> alt.Scale:
    """Cross-entropy in blue, squared error in orange, whatever order their names sort in."""
    return alt.Scale(domain=[lesson.t("legend.cross_entropy"), lesson.t("legend.squared_error")],
                     range=[BLUE, ORANGE])


def marked_text(text: str, start: int, end: int) -> str:
    """The generated text with [start, end) highlighted (the first turn of the loop), line breaks as ↵."""
    def show(part: str) -> str:
        return escape(part).replace("\n", "↵<br>")
    return (f'<div style="font-family:monospace;white-space:pre-wrap;line-height:1.5">{show(text[:start])}'
            f'<mark style="background:#fde68a">{show(text[start:end])}</mark>{show(text[end:])}</div>')
