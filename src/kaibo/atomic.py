"""Files written whole or not at all: written beside their final name, then renamed over it.

A temporary file or folder made by `tempfile` is private to its owner (mode 0600 / 0700); what kaibo saves
(checkpoints, tokenizers) is ordinary user data, so it gets the usual permissions before the rename.
"""

from __future__ import annotations

import os


def current_umask() -> int:
    """The process's file-creation mask (reading it means setting it, so it is put back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_ordinary(path: str | os.PathLike, folder: bool = False) -> None:
    """Give a temporary file (or folder) the permissions a normally created one would have."""
    os.chmod(path, (0o777 if folder else 0o666) & ~current_umask())
