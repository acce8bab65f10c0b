"""The figures of lesson 10 (tokens): token chips, BPE's compression curve and pair counts, and the rows
of an embedding matrix. Every number comes from `kaibo.text` and `kaibo.models.embedding_neighbours`; these
functions only lay it out. Charts return (chart, CSV rows, named data sets) as `Lesson.figure` expects.
"""

from __future__ import annotations

from html import escape

import altair as alt
import numpy as np

from kaibo.lab.figures.gradient_descent import GREY, ORANGE

BLUE = "#2563eb"
CHIP_COLOURS = ("#dbeafe", "#fde68a", "#dcfce7", "#fce7f3", "#e0e7ff", "#ffedd5")


def chips(kind: str, tokens: list[tuple[int | str | None, str]], note: str = "") -> str:
    """Tokens as coloured boxes, the token above and, below, its id (or another word about it, such as a
    morpheme's part of speech); a token without one (a character the char tokenizer does not know) is drawn
    in red with "?"."""
    boxes = []
    for k, (token_id, label) in enumerate(tokens):
        unknown = token_id is None
        colour = "#fecaca" if unknown else CHIP_COLOURS[k % len(CHIP_COLOURS)]
        border = "2px solid #dc2626" if unknown else "1px solid #9ca3af"
        boxes.append(
            f'<span class="kaibo-chip" data-kaibo-chip="{kind}" style="display:inline-flex;flex-direction:column;'
            f'align-items:center;margin:2px;padding:2px 5px;border-radius:5px;background:{colour};border:{border}">'
            f'<span style="font-size:1.05rem;white-space:pre">{escape(label)}</span>'
            f'<span style="font-size:.7rem;opacity:.75">{"?" if unknown else token_id}</span></span>')
    tail = f'<div class="kaibo-legend">{escape(note)}</div>' if note else ""
    return f'<div style="line-height:1.2">{"".join(boxes)}</div>{tail}'


def compression_chart(lesson, sizes: list[tuple[int, int]], chosen: int, characters: int):
    """Tokens of the learner's text against the vocabulary size: every merge can only shorten it."""
    rows = [{"vocab_size": size, "tokens": tokens, "characters": characters} for size, tokens in sizes]
    x = alt.X("vocab_size:Q", title=lesson.t("axis.vocab_size"))
    y = alt.Y("tokens:Q", title=lesson.t("axis.tokens"), scale=alt.Scale(zero=True))
    line = alt.Chart(alt.NamedData("sizes")).mark_line(point=True, color=BLUE).encode(
        x, y, tooltip=["vocab_size:Q", "tokens:Q"])
    marked = alt.Chart(alt.NamedData("chosen")).mark_point(size=160, filled=True, color=ORANGE).encode(x, y)
    chars = alt.Chart(alt.NamedData("chars")).mark_rule(strokeDash=[5, 4], color=GREY).encode(y="tokens:Q")
    chars_label = alt.Chart(alt.NamedData("chars")).mark_text(align="left", dx=4, dy=-7, color=GREY).encode(
        x=alt.value(4), y="tokens:Q", text="label:N")
    chosen_row = [r for r in rows if r["vocab_size"] == chosen]
    data = {"sizes": rows, "chosen": chosen_row,
            "chars": [{"tokens": characters, "label": lesson.t("axis.characters_line", n=characters)}]}
    return (alt.layer(chars, chars_label, line, marked).properties(width=520, height=230), rows, data)


def pairs_chart(lesson, top_pairs: list[tuple[str, int]], chosen: str):
    """The most frequent neighbouring pairs at one step of BPE training; the merged one in orange."""
    rows = [{"pair": pair, "count": count, "merged": pair == chosen} for pair, count in top_pairs]
    chart = alt.Chart(alt.NamedData("pairs")).mark_bar().encode(
        alt.X("count:Q", title=lesson.t("axis.count")),
        alt.Y("pair:N", title=lesson.t("axis.pair"), sort=None, axis=alt.Axis(labelFontSize=14, labelLimit=220)),
        color=alt.condition("datum.merged", alt.value(ORANGE), alt.value(BLUE)),
        tooltip=["pair:N", "count:Q"]).properties(width=420, height=24 * max(len(rows), 1))
    return chart, rows, {"pairs": rows}


def embedding_chart(lesson, labels: list[str], vectors: np.ndarray):
    """The learner's tokens' rows of the embedding matrix as a heat strip: one row per token (in the order of
    the text), one column per number of the vector."""
    rows = [{"position": k + 1, "token": label, "dim": d + 1, "value": float(v)}
            for k, (label, vector) in enumerate(zip(labels, vectors, strict=True)) for d, v in enumerate(vector)]
    bound = float(np.abs(vectors).max()) if vectors.size else 1.0
    chart = alt.Chart(alt.NamedData("rows")).mark_rect().encode(
        alt.X("dim:O", title=lesson.t("axis.dim"),
              axis=alt.Axis(labelExpr="datum.value % 16 == 1 ? datum.value : ''", labelAngle=0)),
        alt.Y("position:O", title=lesson.t("axis.token"),
              axis=alt.Axis(labelExpr=_labels_expr(labels), labelFontSize=13)),
        alt.Color("value:Q", scale=alt.Scale(scheme="redblue", domain=[-bound, bound], reverse=True),
                  title=lesson.t("axis.value")),
        tooltip=["token:N", "dim:O", alt.Tooltip("value:Q", format=".4f")],
    ).properties(width=4 * vectors.shape[1], height=16 * len(labels))
    return chart, rows, {"rows": rows}


def _labels_expr(labels: list[str]) -> str:
    """A Vega expression naming each row by its token: '1 由', '2 紀', …"""
    mapping = ", ".join(f"'{k + 1}': {_js(f'{label}')}" for k, label in enumerate(labels))
    return f"{{{mapping}}}[datum.value]"


def _js(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
