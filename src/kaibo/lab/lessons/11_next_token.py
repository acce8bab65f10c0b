"""Lesson 11: next-token prediction. Generation step by step with every candidate's probability, greedy
decoding falling into a loop, temperature / top-k / top-p changing what is sampled, the loss as −log p of the
true next token on the learner's sentence, and, measured, why the loss is not the squared error.

Every number comes from the bundled checkpoints (`kaibo.train.lm_checkpoint`), `kaibo.train.generation` and
`kaibo.train.next_token_study`; the figures are drawn by `kaibo.lab.figures.next_token`.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo · 11")

with app.setup:
    from functools import cache, lru_cache

    import marimo as mo
    import numpy as np

    from kaibo.lab.controls import Choice, Slider, Text
    from kaibo.lab.exhibits import shown
    from kaibo.lab.figures import next_token as draw
    from kaibo.lab.page import Lesson
    from kaibo.text.corpus import generate_corpus
    from kaibo.train import next_token_study as study
    from kaibo.train.generation import Sampling, generate, next_token_probs
    from kaibo.train.language_model import split_ids
    from kaibo.train.lm_checkpoint import bundled_checkpoint

    SLUG = "next_token"
    STEPS = 40                  # tokens generated step by step
    GREEDY_TOKENS = 500         # greedy text long enough for its loop to show twice
    SAMPLE_TOKENS = 300
    SHOWN_CANDIDATES = 10
    P_TRUE = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99)


@app.function
@lru_cache(maxsize=16)
def greedy_text(lang: str, prompt: str) -> tuple:
    """Greedy decoding for GREEDY_TOKENS tokens (≈ 2 s), and the loop it ends in."""
    checkpoint = bundled_checkpoint(lang)
    ids, _ = generate(checkpoint.model, checkpoint.tokenizer.encode(prompt), GREEDY_TOKENS, Sampling(0.0))
    return ids, study.find_loop(ids, min_repeats=2)


@app.function
@lru_cache(maxsize=32)
def sampled(lang: str, prompt: str, temperature: float, top_k: int | None, top_p: float | None, seed: int,
            count: int) -> tuple:
    checkpoint = bundled_checkpoint(lang)
    return generate(checkpoint.model, checkpoint.tokenizer.encode(prompt), count,
                    Sampling(temperature, top_k, top_p), seed=seed, show=SHOWN_CANDIDATES)


@app.function
@cache
def corpus_text(lang: str) -> str:
    return generate_corpus().text(lang)


@app.function
@cache
def race(lang: str):
    """The two small GPTs trained on the corpus in `lang`, one per loss (≈ 4 s)."""
    checkpoint = bundled_checkpoint(lang)
    ids = np.array(checkpoint.tokenizer.encode(corpus_text(lang)))
    train, val = split_ids(ids, 32)
    return study.loss_race(train, val, checkpoint.tokenizer.vocab_size)


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
        prompt=Text(default=lesson.t("example_prompt"), max_length=60),
        temperature=Slider(0.0, 2.0, 0.1, default=0.8),
        top_k=Choice(("off", "1", "5", "20"), default="off"),
        top_p=Choice(("off", "0.5", "0.9"), default="off"),
        seed=Slider(0, 9, 1, default=0),
        step=Slider(1, STEPS, 1, default=1),
        sentence=Text(default=lesson.t("example_sentence"), max_length=64),
    )
    return (ui,)


@app.cell
def _(lesson, reset, ui):
    mo.vstack([lesson.md("controls_intro"), mo.hstack([ui["model"], reset], justify="start", gap=3), ui["prompt"],
               mo.hstack([ui["temperature"], ui["seed"]], justify="start", gap=3),
               mo.hstack([ui["top_k"], ui["top_p"]], justify="start", gap=3)], gap=1.25)
    return


@app.cell
def _(lesson, ui):
    lang = ui.value["model"]
    checkpoint = bundled_checkpoint(lang)
    tokenizer = checkpoint.tokenizer
    unknown = tokenizer.unknown(ui.value["prompt"])
    prompt = "".join(ch for ch in ui.value["prompt"] if ch not in unknown) or checkpoint.record["prompt"]
    top_k = None if ui.value["top_k"] == "off" else int(ui.value["top_k"])
    top_p = None if ui.value["top_p"] == "off" else float(ui.value["top_p"])
    sampling = Sampling(ui.value["temperature"], top_k, top_p)
    return checkpoint, lang, prompt, sampling, tokenizer, top_k, top_p, unknown


@app.cell
def _(checkpoint, lang, lesson, prompt, sampling, tokenizer, top_k, top_p, ui, unknown):
    ids, steps = sampled(lang, prompt, sampling.temperature, top_k, top_p, ui.value["seed"], STEPS)
    k = ui.value["step"]
    step = steps[k - 1]
    context = ids[:len(ids) - STEPS + k - 1]
    raw = next_token_probs(checkpoint.model(np.array([context[-checkpoint.model.config.block_size:]]))[0, -1].data,
                           Sampling(1.0))
    adjusted = next_token_probs(np.log(np.maximum(raw, 1e-300)), sampling)
    best = np.argsort(-raw, kind="stable")[:SHOWN_CANDIDATES]
    labels = [tokenizer.token_label(int(i)) for i in best]
    _chart, _rows, _data = draw.distribution_chart(lesson, labels, [float(raw[i]) for i in best],
                                                   [float(adjusted[i]) for i in best],
                                                   tokenizer.token_label(step.chosen))
    _first = len(ids) - STEPS                     # where the generated part starts
    _block = checkpoint.model.config.block_size
    _table = []
    for _n, _s in enumerate(steps[:12], start=1):
        _seen = ids[:_first + _n - 1][-_block:]
        _own = next_token_probs(checkpoint.model(np.array([_seen]))[0, -1].data, Sampling(1.0))
        _top = np.argsort(-_own, kind="stable")[:4]
        _table.append(f"| {_n} | {tokenizer.token_label(_seen[-1])} | "
                     + " · ".join(f"{tokenizer.token_label(int(c))} {shown(float(_own[c]))}" for c in _top)
                     + f" | **{tokenizer.token_label(_s.chosen)}** | {shown(_s.probability)} |")
    _lines = "\n".join(_table)
    _note = lesson.md("unknown_prompt", chars=" ".join(unknown)) if unknown else mo.md("")
    mo.vstack([
        _note,
        lesson.md("steps_intro", steps=STEPS, block=checkpoint.model.config.block_size,
                  vocab=tokenizer.vocab_size),
        mo.md(f"```\n{tokenizer.decode(ids)}\n```"),
        lesson.md("steps_table", rows=_lines),
        ui["step"],
        lesson.figure("distribution", _chart, _rows, datasets=_data),
        lesson.readout(chosen=tokenizer.token_label(step.chosen), chosen_p=step.probability,
                       top_raw=labels[0], top_raw_p=float(raw[best[0]]), kept=int((adjusted > 0).sum()),
                       vocab=tokenizer.vocab_size),
        lesson.md("distribution_read", step=k, context=len(context), chosen=tokenizer.token_label(step.chosen),
                  p=shown(step.probability), kept=int((adjusted > 0).sum()), vocab=tokenizer.vocab_size,
                  temperature=shown(sampling.temperature)),
    ])
    return adjusted, raw, step


@app.cell
def _(checkpoint, lang, lesson, prompt, tokenizer):
    greedy_ids, loop = greedy_text(lang, prompt)
    _text = tokenizer.decode(greedy_ids)
    block = checkpoint.model.config.block_size
    if loop is None:
        _shown = mo.vstack([lesson.md("greedy_none", tokens=GREEDY_TOKENS), mo.md(f"```\n{_text}\n```")])
        _values = lesson.readout(loop_start="—", loop_length="—")
    else:
        _a = len(tokenizer.decode(greedy_ids[:loop.start]))
        _b = len(tokenizer.decode(greedy_ids[:loop.start + loop.length]))
        _shown = mo.vstack([lesson.md("greedy_loop", start=loop.start, length=loop.length,
                                      repeats=shown(loop.repeats), tokens=GREEDY_TOKENS, block=block),
                            mo.Html(draw.marked_text(_text, _a, _b))])
        _values = lesson.readout(loop_start=loop.start, loop_length=loop.length)
    mo.vstack([lesson.md("greedy_intro"), _shown, _values, lesson.md("greedy_why", block=block)])
    return (loop,)


@app.cell
def _(lang, lesson, prompt, sampling, tokenizer, top_k, top_p, ui):
    _ids, _ = sampled(lang, prompt, sampling.temperature, top_k, top_p, ui.value["seed"], SAMPLE_TOKENS)
    _text = tokenizer.decode(_ids)
    found, lines = study.corpus_line_share(_text, corpus_text(lang))
    mo.vstack([
        lesson.md("sample_intro", tokens=SAMPLE_TOKENS, temperature=shown(sampling.temperature)),
        mo.md(f"```\n{_text}\n```"),
        lesson.readout(lines_found=f"{found} / {lines}"),
        lesson.md("sample_read", found=found, lines=lines),
    ])
    return found, lines


@app.cell
def _(checkpoint, lesson, tokenizer, ui):
    _sentence = ui.value["sentence"]
    _missing = tokenizer.unknown(_sentence)
    if _missing or len(_sentence) < 2:
        sentence_loss = None
        _out = mo.vstack([lesson.md("loss_intro"), ui["sentence"],
                          lesson.md("loss_unknown", chars=" ".join(_missing)) if _missing else lesson.md("loss_short")])
    else:
        rows, sentence_loss = study.position_losses(checkpoint.model, tokenizer, _sentence)
        _table = "\n".join(f"| {n} | {r.context_end} | {r.target} | {shown(r.probability)} | {shown(r.loss)} |"
                           for n, r in enumerate(rows, start=1))
        _mean = float(np.mean([r.loss for r in rows]))
        _hard = max(rows, key=lambda r: r.loss)
        _out = mo.vstack([
            lesson.md("loss_intro"), ui["sentence"],
            lesson.md("loss_table", rows=_table),
            lesson.readout(loss_mean=_mean, loss_trace=sentence_loss, perplexity=float(np.exp(sentence_loss)),
                           log_vocab=float(np.log(tokenizer.vocab_size))),
            lesson.md("loss_read", mean=shown(_mean), trace=shown(sentence_loss),
                      perplexity=shown(float(np.exp(sentence_loss))), vocab=tokenizer.vocab_size,
                      log_vocab=shown(float(np.log(tokenizer.vocab_size))), hard=_hard.target,
                      hard_p=shown(_hard.probability), n=len(rows)),
        ])
    _out
    return (sentence_loss,)


@app.cell
def _(lesson, tokenizer):
    _rows = [{"p_true": p, **study.loss_and_push(p, tokenizer.vocab_size)} for p in P_TRUE]
    _chart, _csv, _data = draw.push_chart(lesson, _rows)
    low = _rows[0]
    mo.vstack([
        lesson.md("squared_intro", vocab=tokenizer.vocab_size),
        lesson.figure("push", _chart, _csv, datasets=_data),
        lesson.readout(ce_push_low=low["cross_entropy_push"], se_push_low=low["squared_error_push"],
                       ce_low=low["cross_entropy"], se_low=low["squared_error"]),
        lesson.md("squared_read", p=shown(P_TRUE[0]), ce=shown(low["cross_entropy"]), se=shown(low["squared_error"]),
                  ce_push=shown(low["cross_entropy_push"]), se_push=shown(low["squared_error_push"])),
    ])
    return (low,)


@app.cell
def _(lesson):
    run_race = mo.ui.run_button(label=lesson.t("race_button"))
    mo.vstack([lesson.md("race_intro", steps=study.RACE_STEPS), run_race])
    return (run_race,)


@app.cell
def _(lang, lesson, run_race):
    if run_race.value:
        _race = race(lang)
        _chart, _rows, _data = draw.race_chart(lesson, _race)
        _out = mo.vstack([lesson.figure("race", _chart, _rows, datasets=_data),
                          lesson.readout(race_ce=_race.cross_entropy[-1], race_se=_race.squared_error[-1]),
                          lesson.md("race_read", steps=_race.steps[-1], ce=shown(_race.cross_entropy[-1]),
                                    se=shown(_race.squared_error[-1]), start=shown(_race.cross_entropy[0]))])
    else:
        _out = lesson.md("race_waiting")
    _out
    return


@app.cell
def _(lesson):
    lesson.md("loose")
    return


@app.cell
def _(lesson):
    lesson.code(next_token_probs, generate, study.find_loop, study.position_losses, study.loss_and_push,
                study.loss_race)
    return


@app.cell
def _(lesson):
    quiz = lesson.quiz(greedy=("loops", "varies"), pushes=("cross_entropy", "squared_error"))
    return (quiz,)


@app.cell
def _(lesson, loop, low, quiz):
    lesson.check(
        quiz,
        greedy="loops" if loop is not None else "varies",
        pushes="cross_entropy" if low["cross_entropy_push"] > low["squared_error_push"] else "squared_error",
    )
    return


@app.cell
def _(lesson):
    lesson.footer()
    return


if __name__ == "__main__":
    app.run()
