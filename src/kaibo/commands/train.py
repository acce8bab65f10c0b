"""`kaibo train`: train a GPT on the bundled corpus or a text file, with a progress bar and checkpoints.

nanoGPT's option names (`--n-layer`, `--batch-size`, `--learning-rate`, …) over a preset (`--preset small`,
the bundled checkpoints' sizes, or `tiny`). A checkpoint is written at every evaluation; `--resume` goes on
from the one in `--out`. A loss that becomes NaN or infinite stops the run, keeps the last good checkpoint
and says what to try.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kaibo.i18n import t

if TYPE_CHECKING:
    from kaibo.commands.progress import ProgressBar
    from kaibo.train.lm_run import Run

SIZES = ("n_layer", "n_head", "n_embd", "block_size", "batch_size", "max_iters", "eval_interval")


def add(commands: argparse._SubParsersAction, lang: str) -> None:
    from kaibo.cli import options

    parser = commands.add_parser("train", help=t("cli.train.help", lang), description=t("cli.train.help", lang),
                                 lang=lang)
    group = options(parser, lang)
    group.add_argument("--data", metavar="FILE", help=t("cli.train.data", lang))
    group.add_argument("--encoding", metavar="ENC", help=t("cli.train.encoding", lang))
    group.add_argument("--corpus", metavar="ja|en", help=t("cli.train.corpus", lang))
    group.add_argument("--tokenizer", metavar="char|bpe", default="char", help=t("cli.train.tokenizer", lang))
    group.add_argument("--vocab-size", metavar="N", help=t("cli.train.vocab_size", lang))
    group.add_argument("--preset", metavar="small|tiny", default="small", help=t("cli.train.preset", lang))
    for name in SIZES:
        group.add_argument("--" + name.replace("_", "-"), metavar="N", help=t(f"cli.train.{name}", lang))
    group.add_argument("--learning-rate", metavar="LR", help=t("cli.train.learning_rate", lang))
    group.add_argument("--dropout", metavar="P", help=t("cli.train.dropout", lang))
    group.add_argument("--pos", metavar="none|learned|sinusoidal|rope", help=t("cli.train.pos", lang))
    group.add_argument("--seed", metavar="N", help=t("cli.train.seed", lang))
    group.add_argument("--out", metavar="DIR", default="out", help=t("cli.train.out", lang))
    group.add_argument("--resume", action="store_true", help=t("cli.train.resume", lang))
    group.add_argument("--lang", metavar="ja|en", help=t("cli.lang", lang))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, lang: str) -> int:
    from kaibo.cli import number, whole
    from kaibo.commands.progress import ProgressBar, duration
    from kaibo.train import lm_run

    bar = ProgressBar()
    if args.resume:
        started = lm_run.resume_run(args.out, whole(args.max_iters, "--max-iters"))
        bar.note(t("cli.train.resuming", lang, path=args.out, step=started.training.step))
    else:
        overrides = {name: whole(getattr(args, name), "--" + name.replace("_", "-")) for name in SIZES}
        overrides["seed"] = whole(args.seed, "--seed", minimum=0)
        overrides["learning_rate"] = number(args.learning_rate, "--learning-rate")
        overrides["dropout"] = number(args.dropout, "--dropout")
        overrides["pos"] = args.pos
        model_fields, settings = lm_run.settings_from(args.preset, overrides)
        text = lm_run.training_text(args.data, args.corpus or lang, args.encoding)
        tokenizer = lm_run.train_tokenizer(args.tokenizer, text.text, whole(args.vocab_size, "--vocab-size") or 512)
        started = lm_run.start_run(text, tokenizer, model_fields, settings, ["kaibo", *args.argv])
    _describe(started, bar, lang)

    training = started.training

    def on_step(done: lm_run.LanguageModelTraining) -> None:
        per_step = done.seconds / max(done.step - first_step, 1)
        left = duration(per_step * (done.settings.max_iters - done.step), lang)
        bar.update(done.step, done.settings.max_iters,
                   t("cli.train.progress", lang, loss=f"{done.last_loss:.3f}", ms=f"{1000 * per_step:.0f}", left=left))

    def on_eval(done: lm_run.LanguageModelTraining, result: lm_run.Evaluation) -> None:
        started.save(args.out)
        bar.note(t("cli.train.evaluated", lang, step=result.step, train=f"{result.train_loss:.4f}",
                   val=f"{result.val_loss:.4f}", path=args.out))

    first_step = training.step
    finished = training.run(on_step, on_eval)
    if not finished:
        saved = Path(args.out) / "record.json"
        bar.note(t("cli.train.diverged", lang, step=training.step + 1,
                   loss=str(training.last_loss),
                   lr=f"{training.settings.learning_rate:g}", half=f"{training.settings.learning_rate / 2:g}")
                 + "\n" + (t("cli.train.kept", lang, path=args.out) if saved.is_file()
                           else t("cli.train.nothing_kept", lang)))
        return 1
    last = training.history[-1]
    bar.note(t("cli.train.done", lang, path=args.out, val=f"{last.val_loss:.4f}",
               time=duration(training.seconds, lang)))
    return 0


def _describe(started: Run, bar: ProgressBar, lang: str) -> None:
    """What is about to be trained, on what: a few lines before the bar."""
    training, text = started.training, started.text
    source = (t("cli.train.source_corpus", lang, corpus=text.source["corpus"], seed=text.source["seed"])
              if "corpus" in text.source else t("cli.train.source_file", lang, path=text.source["file"]))
    c = training.model.config
    bar.note(t("cli.train.data_line", lang, source=source, characters=f"{len(text.text):,}", sha=text.sha256[:12]))
    bar.note(t("cli.train.tokens_line", lang, kind=started.tokenizer.kind, vocab=started.tokenizer.vocab_size,
               train=f"{len(training.train_ids):,}", val=f"{len(training.val_ids):,}"))
    bar.note(t("cli.train.model_line", lang, n_layer=c.n_layer, n_head=c.n_head, n_embd=c.n_embd,
               block=c.block_size, pos=c.pos, params=f"{training.model.num_parameters():,}"))
