"""A progress bar on stderr: redrawn in place on a terminal, a line now and then when written to a file."""

from __future__ import annotations

import sys
from typing import TextIO


def duration(seconds: float, lang: str) -> str:
    """"1 min 05 s" / "1分05秒"."""
    minutes, secs = divmod(int(round(seconds)), 60)
    if lang == "ja":
        return f"{minutes}分{secs:02d}秒" if minutes else f"{secs}秒"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


class ProgressBar:
    """`update(done, total, text)` shows [#####     ] done/total and `text`. On a terminal the line is
    redrawn; elsewhere (a log file, CI) a line is written every `every` updates and at the end."""

    def __init__(self, stream: TextIO | None = None, width: int = 24, every: int = 100) -> None:
        self.stream = stream or sys.stderr
        self.width, self.every = width, every
        self.live = self.stream.isatty()

    def update(self, done: int, total: int, text: str) -> None:
        filled = self.width * done // max(total, 1)
        line = f"{done:>{len(str(total))}}/{total} [{'#' * filled}{' ' * (self.width - filled)}] {text}"
        if self.live:
            self.stream.write("\r\033[K" + line)
            self.stream.flush()
        elif done % self.every == 0 or done == total:
            self.stream.write(line + "\n")

    def note(self, text: str) -> None:
        """A line of its own (an evaluation, a saved checkpoint), kept above the bar."""
        self.stream.write(("\r\033[K" if self.live else "") + text + "\n")
        self.stream.flush()
