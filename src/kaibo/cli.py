"""The `kaibo` command: one subcommand per entry point of shared/DESIGN.md (`kaibo lab`, `train`, `generate`).

Everything the command prints comes from the catalogue, in the user's language: `--lang` when given
(it is read before the parser is built, so `kaibo lab --lang ja --help` is in Japanese), else KAIBO_LANG,
else the locale, else English. A `KaiboError` becomes one translated line on stderr and a non-zero exit
status (2 for input the user can correct, 1 for anything else), never a traceback.

Adding a command: write `add(commands, lang)` in `kaibo/commands/<name>.py` that adds its parser with
`options(...)` and sets `run=` to a function `(args, lang) -> int`, and list it in `_commands`. Heavy imports
(marimo, the models) go inside `run`, so `kaibo --help` stays instant. Numbers are read as text and checked
by `whole`/`number` below, so a wrong value gets our translated message instead of argparse's English one.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import webbrowser
from collections.abc import Callable, Iterable, Sequence

from kaibo.errors import InputError, KaiboError
from kaibo.i18n import LANGUAGES, default_language, t


class _Formatter(argparse.HelpFormatter):
    """argparse's layout with our "usage:" in the user's language."""

    def __init__(self, prog: str, lang: str) -> None:
        super().__init__(prog)
        self.lang = lang

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, t("cli.usage", self.lang) if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """A parser whose own messages (usage, help, errors) are in `lang`."""

    def __init__(self, *args: object, lang: str, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", functools.partial(_Formatter, lang=lang))
        super().__init__(*args, add_help=False, **kwargs)  # type: ignore[arg-type]
        self.lang = lang

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, t("cli.error", self.lang, message=message) + "\n")


def options(parser: _Parser, lang: str) -> argparse._ArgumentGroup:
    """The parser's group of options, titled in `lang`, already holding a translated -h/--help."""
    group = parser.add_argument_group(t("cli.options", lang))
    group.add_argument("-h", "--help", action="help", help=t("cli.help", lang))
    return group


def _add_lab(commands: argparse._SubParsersAction, lang: str) -> None:
    parser = commands.add_parser("lab", help=t("cli.lab.help", lang), description=t("cli.lab.help", lang),
                                 lang=lang)
    group = options(parser, lang)
    # --port and --lang are read as text and checked by us: a wrong value gets our translated message.
    group.add_argument("--port", metavar="N", help=t("cli.lab.port", lang))
    group.add_argument("--host", metavar="ADDR", default="127.0.0.1", help=t("cli.lab.host", lang))
    group.add_argument("--allow-remote", action="store_true", help=t("cli.lab.allow_remote", lang))
    group.add_argument("--no-browser", action="store_true", help=t("cli.lab.no_browser", lang))
    group.add_argument("--lang", metavar="ja|en", help=t("cli.lab.lang", lang))
    parser.set_defaults(run=_run_lab)


def whole(value: str | None, option: str, minimum: int = 1) -> int | None:
    """`value` of `option` as a whole number ≥ minimum (None stays None), or a translated InputError."""
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise InputError("cli.error_whole", option=option, got=value, minimum=minimum)
    return number


def number(value: str | None, option: str) -> float | None:
    """`value` of `option` as a finite number (None stays None), or a translated InputError."""
    if value is None:
        return None
    try:
        result = float(value)
    except ValueError:
        result = float("nan")
    if result != result or result in (float("inf"), float("-inf")):
        raise InputError("cli.error_number", option=option, got=value)
    return result


def _commands() -> Sequence[Callable[[argparse._SubParsersAction, str], None]]:
    from kaibo.commands import generate, train  # light modules: their heavy imports wait for `run`
    return (_add_lab, train.add, generate.add)


def build_parser(lang: str) -> argparse.ArgumentParser:
    parser = _Parser(prog="kaibo", description=t("cli.description", lang), lang=lang)
    options(parser, lang)
    commands = parser.add_subparsers(title=t("cli.commands", lang), metavar="<command>", dest="command")
    for add in _commands():
        add(commands, lang)
    return parser


def _language(argv: Sequence[str]) -> str:
    """The language to talk in: the value of --lang if it is one we have, else the default."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        else:
            continue
        if value in LANGUAGES:
            return value
    return default_language()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    args.argv = argv                                # what was typed, for records of how a result was made
    try:
        return args.run(args, lang)
    except KaiboError as error:
        print(t("cli.error", lang, message=error.message(lang)), file=sys.stderr)
        return 2 if isinstance(error, InputError) else 1


def _run_lab(args: argparse.Namespace, lang: str) -> int:
    from kaibo.lab import server  # marimo is slow to import: only when the lab is really started
    from kaibo.lab.path import HOME, lesson_url

    if args.lang is not None and args.lang not in LANGUAGES:
        raise InputError("error.lang_unknown", language=args.lang)
    port = server.parse_port(args.port)
    remote = server.check_host(args.host, args.allow_remote)
    sock = server.bind(args.host, port)
    if args.lang:
        os.environ["KAIBO_LANG"] = args.lang  # the server runs in this process: its pages read it
    app = server.build_app()
    url = server.base_url(sock) + (lesson_url(HOME, args.lang) if args.lang else "/")
    if remote:
        print(t("cli.lab.remote_warning", lang, host=args.host), file=sys.stderr)
    print(t("cli.lab.running", lang))
    print(url)
    print(t("cli.lab.stop", lang), flush=True)
    if not args.no_browser and _has_display():
        webbrowser.open(url)
    server.serve(app, sock)
    return 0


def _has_display() -> bool:
    """Whether a graphical browser can open. Without one, `webbrowser` would start a text browser (lynx,
    w3m) in this very terminal, on top of the server's output."""
    return sys.platform in ("darwin", "win32") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


if __name__ == "__main__":
    sys.exit(main())
