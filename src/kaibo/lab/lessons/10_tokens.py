"""Lesson 10: tokens. A text cut into characters, byte-level BPE tokens and morphemes; BPE learnt merge by
merge with its pair counts; then ids → rows of the trained model's embedding matrix, and their neighbours.

Every number comes from `kaibo.text` (the tokenizers, `token_study`), `kaibo.models.embedding_neighbours`
and the bundled checkpoints (`kaibo.train.lm_checkpoint`); the figures are drawn by `kaibo.lab.figures.tokens`.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 10")

with app.setup:
    from functools import cache, lru_cache

    import marimo as mo
    import numpy as np

    from kaibo.engine import manual_seed
    from kaibo.lab.controls import Choice, Slider, Text
    from kaibo.lab.exhibits import percent, shown
    from kaibo.lab.figures import tokens as draw
    from kaibo.lab.page import Lesson
    from kaibo.models import embedding_neighbours as neighbours
    from kaibo.models.gpt import GPT
    from kaibo.text import token_study
    from kaibo.text.bpe import BPETokenizer, bpe_training_steps
    from kaibo.text.corpus import generate_corpus
    from kaibo.train.lm_checkpoint import bundled_checkpoint

    SLUG = "tokens"
    SIZES = (256, 300, 350, 400, 500, 600, 700, 800, 900)
    MERGES = 40                 # BPE steps shown on the small text
    SMALL_LINES = 30            # corpus lines the small text adds to the learner's
    SHOWN_ROWS = 40             # at most this many tokens in the embedding strip
    GROUPS = {"ja": {"digits": "0123456789", "days": "月火水木金土日", "colours": "赤青白黒緑茶黄"},
              "en": {"digits": "0123456789", "vowels": "aeiou", "capitals": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}


@app.function
@cache
def untrained_embedding(lang: str) -> np.ndarray:
    """The embedding matrix the same GPT starts from before training (seed 0)."""
    manual_seed(0)
    return GPT(bundled_checkpoint(lang).model.config).transformer.wte.weight.data


@app.function
@lru_cache(maxsize=16)
def small_steps(text: str, lang: str) -> tuple:
    """BPE learnt on the learner's text and a few corpus lines, step by step, with the top pair counts."""
    lines = generate_corpus(sentences=SMALL_LINES).text(lang).splitlines()[:SMALL_LINES]
    small = text + "\n" + "\n".join(line for line in lines if line)
    return small, tuple(bpe_training_steps(small, MERGES, "none", top=8))


@app.function
def pair_label(tokenizer: BPETokenizer, pair: tuple[int, int]) -> str:
    return f"{tokenizer.token_label(pair[0])} + {tokenizer.token_label(pair[1])}"


@app.cell
def _():
    lesson = Lesson(SLUG)
    lesson.header()
    return (lesson,)


@app.cell
def _(lesson):
    lesson.md("intro")
    return


@app.cell
def _(lesson):
    reset = lesson.reset_button()
    return (reset,)


@app.cell
def _(lesson, reset):
    ui = lesson.controls(
        reset,
        model=Choice(("ja", "en"), default=lesson.lang),
        text=Text(default=lesson.t("example"), max_length=200),
        vocab=Choice(tuple(str(size) for size in SIZES), default="400"),
        merge=Slider(1, MERGES, 1, default=1),
        pick=Slider(1, 60, 1, default=1),
    )
    return (ui,)


@app.cell
def _(lesson, reset, ui):
    mo.vstack([lesson.md("controls_intro"), mo.hstack([ui["model"], reset], justify="start", gap=3), ui["text"]],
              gap=1.5)
    return


@app.cell
def _(ui):
    lang = ui.value["model"]
    text = ui.value["text"]
    checkpoint = bundled_checkpoint(lang)
    char_tokenizer = checkpoint.tokenizer
    corpus_bpe = token_study.corpus_bpe(lang)
    vocab = min(int(ui.value["vocab"]), corpus_bpe.vocab_size)
    bpe = token_study.with_vocabulary(corpus_bpe, vocab)
    ways = token_study.three_ways(text, char_tokenizer, bpe)
    unknown = char_tokenizer.unknown(text)
    return bpe, char_tokenizer, checkpoint, corpus_bpe, lang, text, unknown, vocab, ways


@app.cell
def _(lesson, text, unknown, vocab, ways):
    _first_wide = next((ch for ch in text if len(ch.encode("utf-8")) > 1), None)
    _bytes = " ".join(f"{b:02X}" for b in _first_wide.encode("utf-8")) if _first_wide else ""
    _note = lesson.t("unknown_note", chars="、".join(unknown) if lesson.lang == "ja" else ", ".join(unknown)) \
        if unknown else ""
    mo.vstack([
        lesson.md("three_intro"),
        mo.md(f"**{lesson.t('way.chars', n=len(ways.chars))}**"),
        mo.Html(draw.chips("chars", ways.chars, _note)),
        mo.md(f"**{lesson.t('way.bpe', n=len(ways.bpe), vocab=vocab)}**"),
        mo.Html(draw.chips("bpe", ways.bpe)),
        mo.md(f"**{lesson.t('way.morphemes', n=len(ways.morphemes))}**"),
        mo.Html(draw.chips("morphemes", [(pos, surface) for surface, pos in ways.morphemes],
                           lesson.t("morpheme_note"))),
        lesson.readout(char_count=len(ways.chars), bpe_count=len(ways.bpe), morpheme_count=len(ways.morphemes),
                       utf8_bytes=ways.utf8_bytes, unknown_count=len(unknown)),
        lesson.md("three_read", chars=len(ways.chars), bpe=len(ways.bpe), vocab=vocab, bytes=ways.utf8_bytes,
                  wide=_first_wide or "—", wide_bytes=_bytes or "—",
                  ratio=shown(len(ways.bpe) / max(len(ways.chars), 1))),
    ])
    return


@app.cell
def _(corpus_bpe, lesson, text, ui, vocab, ways):
    _sizes = [size for size in SIZES if size <= corpus_bpe.vocab_size]
    _curve = token_study.compression(corpus_bpe, text, _sizes) if text else [(size, 0) for size in _sizes]
    _chart, _rows, _data = draw.compression_chart(lesson, _curve, vocab, len(ways.chars))
    mo.vstack([
        lesson.md("compression_intro", largest=corpus_bpe.vocab_size),
        ui["vocab"],
        lesson.figure("compression", _chart, _rows, datasets=_data),
        lesson.md("compression_read", first=_curve[0][1], last=_curve[-1][1], largest=_curve[-1][0],
                  chars=len(ways.chars)),
    ])
    return


@app.cell
def _(lang, lesson, text, ui):
    small, steps = small_steps(text, lang)
    n = min(ui.value["merge"], len(steps))
    step = steps[n - 1]
    small_bpe = BPETokenizer([s.pair for s in steps[:n]])
    _labels = [(pair_label(small_bpe, pair), count) for pair, count in step.top_pairs]
    _chart, _rows, _data = draw.pairs_chart(lesson, _labels, pair_label(small_bpe, step.pair))
    _text_tokens = small_bpe.tokens(text)
    mo.vstack([
        lesson.md("merges_intro", lines=SMALL_LINES, bytes=len(small.encode("utf-8"))),
        ui["merge"],
        lesson.figure("pairs", _chart, _rows, datasets=_data),
        lesson.readout(merge_pair=pair_label(small_bpe, step.pair), merge_count=step.count, new_id=step.new_id,
                       small_tokens=step.tokens_after),
        lesson.md("merges_read", n=n, pair=f"`{pair_label(small_bpe, step.pair)}`", count=step.count,
                  new_id=step.new_id, label=f"`{step.label}`", tokens=step.tokens_after,
                  start=len(small.encode("utf-8"))),
        mo.md(f"**{lesson.t('way.after_merges', n=n, tokens=len(_text_tokens))}**"),
        mo.Html(draw.chips("merged", _text_tokens)),
    ])
    return (step,)


@app.cell
def _(char_tokenizer, checkpoint, lang, lesson, text, ui):
    matrix = checkpoint.model.transformer.wte.weight.data
    known = [ch for ch in text if ch in char_tokenizer.ids][:SHOWN_ROWS]
    ids = [char_tokenizer.ids[ch] for ch in known]
    pick = min(ui.value["pick"], max(len(known), 1)) - 1
    picked = known[pick] if known else None
    lookup_gap = float(np.abs(neighbours.one_hot_times_matrix(matrix, ids[pick]) - matrix[ids[pick]]).max()) \
        if known else 0.0
    untrained = untrained_embedding(lang)
    near = neighbours.nearest(matrix, ids[pick], 8) if known else []
    near_random = neighbours.nearest(untrained, ids[pick], 8) if known else []
    groups = {name: [char_tokenizer.ids[c] for c in chars if c in char_tokenizer.ids]
              for name, chars in GROUPS[lang].items()}
    shares = {name: (neighbours.group_share(matrix, g), neighbours.group_share(untrained, g), len(g) / len(matrix))
              for name, g in groups.items() if len(g) > 1}
    return ids, known, lookup_gap, near, near_random, pick, picked, shares, untrained


@app.cell
def _(char_tokenizer, checkpoint, ids, known, lesson, lookup_gap, pick, picked, ui):
    matrix_shape = checkpoint.model.transformer.wte.weight.data.shape
    _vectors = checkpoint.model.transformer.wte.weight.data[ids] if ids else np.zeros((0, matrix_shape[1]))
    _out = [lesson.md("vectors_intro", rows=matrix_shape[0], width=matrix_shape[1])]
    if known:
        _chart, _rows, _data = draw.embedding_chart(lesson, known, _vectors)
        _first = ", ".join(shown(float(v)) for v in _vectors[pick][:6])
        _out += [lesson.figure("vectors", _chart, _rows, datasets=_data), ui["pick"],
                 lesson.md("lookup", char=picked, id=ids[pick], first=_first, width=matrix_shape[1],
                           rows=matrix_shape[0], gap=shown(lookup_gap)),
                 lesson.readout(picked_id=ids[pick], lookup_gap=lookup_gap)]
    else:
        _out.append(lesson.md("no_known"))
    mo.vstack(_out)
    return


@app.cell
def _(char_tokenizer, known, lesson, near, near_random, picked, shares):
    _table = "\n".join(
        f"| {k + 1} | {char_tokenizer.token_label(a)} | {shown(sa)} | {char_tokenizer.token_label(b)} | {shown(sb)} |"
        for k, ((a, sa), (b, sb)) in enumerate(zip(near, near_random, strict=True)))
    _groups = "\n".join(f"| {lesson.t(f'group.{name}')} | {percent(t)} | {percent(r)} | {percent(c)} |"
                        for name, (t, r, c) in shares.items())
    _first = next(iter(shares))
    mo.vstack([
        lesson.md("neighbours_intro"),
        lesson.md("neighbours_table", char=picked, rows=_table) if known else mo.md(""),
        lesson.readout(nearest=char_tokenizer.token_label(near[0][0]) if near else "—",
                       nearest_cos=near[0][1] if near else 0.0,
                       nearest_random_cos=near_random[0][1] if near_random else 0.0,
                       share_trained=percent(shares[_first][0]), share_random=percent(shares[_first][1])),
        lesson.md("groups", rows=_groups),
    ])
    return


@app.cell
def _(lesson):
    lesson.md("loose")
    return


@app.cell
def _(lesson):
    lesson.code(token_study.three_ways, token_study.with_vocabulary, token_study.compression, bpe_training_steps,
                BPETokenizer.encode, neighbours.one_hot_times_matrix, neighbours.nearest, neighbours.group_share)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(shorter=("yes", "no"), new_id=("after_bytes", "from_zero"), digits=("more", "less"))
    return (quiz,)


@app.cell
def _(lesson, quiz, shares, step, ways):
    _digits = shares.get("digits", (0.0, 0.0, 0.0))
    lesson.check(
        quiz,
        shorter="yes" if len(ways.bpe) < len(ways.chars) else "no",
        new_id="after_bytes" if step.new_id == 256 + step.rank else "from_zero",
        digits="more" if _digits[0] > _digits[1] else "less",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
