"""A progress bar on the terminal for the import commands (shown only on a terminal, so a
log or a test sees just the summary)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO


def terminal_progress(stream: TextIO, width: int = 24) -> Callable[[str, int, int], None]:
    """A progress callback (stage, done, total) that redraws one line of ``stream``."""
    tty = stream.isatty()

    def progress(stage: str, done: int, total: int) -> None:
        if tty:
            share = min(done, total) / total if total else 1
            bar = "#" * int(share * 30)
            stream.write(f"\r{stage:<{width}} [{bar:<30}] {share:4.0%}")
            stream.flush()

    return progress


def end_progress(stream: TextIO) -> None:
    """End the bar's line, so what follows starts on its own."""
    if stream.isatty():
        stream.write("\n")
