"""`kaibo generate`: text from a checkpoint, greedy or sampled, optionally showing the candidates at each step.

With `--show-probs K` every step prints the K most probable next tokens with their probabilities (from the
distribution actually sampled, after temperature, top-k and top-p) and the one chosen.
"""

from __future__ import annotations

import argparse
import sys

from kaibo.i18n import t


def add(commands: argparse._SubParsersAction, lang: str) -> None:
    from kaibo.cli import options

    parser = commands.add_parser("generate", help=t("cli.generate.help", lang),
                                 description=t("cli.generate.help", lang), lang=lang)
    group = options(parser, lang)
    group.add_argument("--checkpoint", metavar="DIR", help=t("cli.generate.checkpoint", lang))
    group.add_argument("--prompt", metavar="TEXT", help=t("cli.generate.prompt", lang))
    group.add_argument("--max-new-tokens", metavar="N", default="200", help=t("cli.generate.max_new_tokens", lang))
    group.add_argument("--greedy", action="store_true", help=t("cli.generate.greedy", lang))
    group.add_argument("--temperature", metavar="T", default="0.8", help=t("cli.generate.temperature", lang))
    group.add_argument("--top-k", metavar="K", help=t("cli.generate.top_k", lang))
    group.add_argument("--top-p", metavar="P", help=t("cli.generate.top_p", lang))
    group.add_argument("--seed", metavar="N", help=t("cli.generate.seed", lang))
    group.add_argument("--show-probs", metavar="K", nargs="?", const="5", help=t("cli.generate.show_probs", lang))
    group.add_argument("--lang", metavar="ja|en", help=t("cli.lang", lang))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, lang: str) -> int:
    from kaibo.cli import number, whole
    from kaibo.errors import InputError
    from kaibo.train.generation import GenerationStep, Sampling, generate
    from kaibo.train.lm_checkpoint import load_checkpoint

    sampling = Sampling(0.0 if args.greedy else number(args.temperature, "--temperature"),
                        whole(args.top_k, "--top-k"), number(args.top_p, "--top-p"))      # checked before the load
    saved = load_checkpoint(args.checkpoint or f"bundled:{lang}")
    prompt = args.prompt if args.prompt is not None else saved.record.get("prompt", "")
    if not prompt:
        raise InputError("cli.generate.no_prompt")
    tokenizer = saved.tokenizer
    ids = tokenizer.encode(prompt)
    show = whole(args.show_probs, "--show-probs") or 0
    label = tokenizer.token_label

    def print_step(step: GenerationStep) -> None:
        candidates = "  ".join(f"{label(i)} {p:.3f}" for i, p in step.candidates)
        print(t("cli.generate.step", lang, chosen=label(step.chosen), p=f"{step.probability:.3f}",
                candidates=candidates))

    out, _ = generate(saved.model, ids, whole(args.max_new_tokens, "--max-new-tokens", minimum=0), sampling,
                      whole(args.seed, "--seed", minimum=0), show, print_step if show else None)
    if show:
        print()
    sys.stdout.write(tokenizer.decode(out) + "\n")
    return 0
