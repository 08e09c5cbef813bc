"""Plain log lines when the build's output is not a terminal; rich's columns when it is.

Pelican logs through `rich.logging.RichHandler` on its own console (pelican/log.py), which writes
to stdout. Read in a terminal that is pleasant. Read anywhere else — a CI log, a file, a pipe —
rich assumes 80 columns and wraps a long `path:line:col` finding mid-path onto the next line,
pads every line to the width, and ends it with the source of the call (`plugin.py:121`); with
FORCE_COLOR set it adds colour codes too. A finding must stay one line there, so a grep, a
problem matcher or a human reading the raw log sees it whole.

`apply()` decides by asking the stream itself (`isatty()`), not rich's guess (FORCE_COLOR makes
rich treat a pipe as a terminal). Only Pelican's RichHandler is replaced, so a handler a test or
another tool installed is left alone, and `pelican --log-handler plain` is untouched.
"""

from __future__ import annotations

import logging

#: `WARNING  content/posts/a.md:3:7 warning jargon …` — the level in rich's column width.
PLAIN_FORMAT = "%(levelname)-8s %(message)s"


class PlainHandler(logging.Handler):
    """One record, one line (a multi-line message keeps its own line breaks), to the stream the
    console writes to *now* (looked up per record: a test harness may swap sys.stdout)."""

    def __init__(self, console) -> None:
        super().__init__()
        self.console = console
        self.setFormatter(logging.Formatter(PLAIN_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = self.console.file
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 — logging's own convention: report, never raise
            self.handleError(record)


def is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def apply() -> bool:
    """Plain lines when Pelican's console is not writing to a terminal; returns True if it switched."""
    from pelican import log as pelican_log
    from rich.logging import RichHandler

    console = pelican_log.console
    if is_terminal(console.file):
        return False
    console.soft_wrap = True  # "Done: Processed …" and other console lines: never wrapped
    console.is_interactive = False  # no "Generating..." spinner redrawn with cursor codes
    if hasattr(console, "_force_terminal") and hasattr(console, "_color_system"):
        # FORCE_COLOR / TTY_COMPATIBLE made rich treat a pipe as a terminal when Pelican created its
        # console; rich has no public switch back, so set what its constructor would have.
        console._force_terminal = False
        console._color_system = None
    switched = False
    for logger in _loggers_with_handlers():
        for handler in list(logger.handlers):
            if isinstance(handler, RichHandler):
                plain = PlainHandler(console)
                plain.setLevel(handler.level)
                for flt in handler.filters:
                    plain.addFilter(flt)
                logger.removeHandler(handler)
                logger.addHandler(plain)
                switched = True
    return switched


def _loggers_with_handlers():
    yield logging.getLogger()
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger) and logger.handlers:
            yield logger


def say(message: str, *, style: str | None = None) -> None:
    """A status line for the writer (not a warning: `--fatal warnings` must not trip on good news),
    through Pelican's console like its own "Done: …" line; never wrapped, never markup."""
    from pelican import log as pelican_log

    pelican_log.console.print(message, style=style, markup=False, highlight=False, soft_wrap=True)
