"""Logging: one JSON object per line when not on a terminal, plain text on one.

What a line may say is decided here, whatever logs it and whatever fails:
- the bot's own lines carry known, harmless fields only (`FIELDS`: subcommand, latency,
  outcome, place, ids of outbox rows, registry versions): never what a person typed, never
  a token;
- an exception is its class and where it was raised, never its message, nor those of the
  exceptions it came from: a database error can quote the row it refused (PostgreSQL's
  « Failing row contains (…) », « Key (…)=(…) »), a `KeyError` its key, an HTTP error the
  URL with a username in it. Frames are file, line and code, never local variables. A
  database error adds its code (SQLSTATE) and the statement, written with bound parameters;
- the client libraries (mattermostdriver, requests, urllib3, Matrix's nio, SQLAlchemy,
  psycopg, asyncio) log server bodies, URLs, user ids or reprs of what they hold: a filter
  on the handler rewrites each of their lines to a fixed sentence, so that no level a
  library sets for its loggers when imported (mattermostdriver sets INFO on its own) can
  let a body through.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import traceback
from datetime import UTC, datetime

from sqlalchemy.exc import StatementError

FIELDS = (
    "subcommand",
    "outcome",
    "place",
    "ms",
    "status",
    "outbox_id",
    "version",
    "event",
    "reason",
    "count",
)
WITHHELD = "message withheld: it may quote a server's answer, a URL or a person's data"
LIBRARIES = (
    "mattermostdriver",
    "requests",
    "urllib3",
    "nio",
    "peewee",
    "sqlalchemy",
    "psycopg",
    "asyncio",
)
QUIETED = ("nio", "peewee")  # chatty at INFO (user and room ids): only their worst is kept


CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _name(error: BaseException) -> str:
    """The exception's class; for a database error, its code and the statement, which our
    queries write with bound parameters: what failed, never with what."""
    kind = type(error)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    name = module + kind.__qualname__
    code = getattr(error, "sqlstate", None) or getattr(error, "sqlite_errorname", None)
    if isinstance(code, str):
        name += f" ({code})"
    if isinstance(error, StatementError) and error.statement:
        name += f"\n[SQL: {error.statement}]"
    return name


def safe_trace(error: BaseException) -> str:
    """The traceback of `error` and of the exceptions it came from, oldest first, as Python
    prints it, but each exception by its class only: never its message, nor its notes."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        parts.insert(0, "Traceback (most recent call last):\n" + "".join(frames.format()))
        parts.insert(1, _name(current) + "\n")
        if current.__cause__ is not None:
            current = current.__cause__
            parts.insert(0, CAUSE)
        elif current.__context__ is not None and not current.__suppress_context__:
            current = current.__context__
            parts.insert(0, CONTEXT)
        else:
            current = None
    return "".join(parts).rstrip("\n")


class Withhold(logging.Filter):
    """Rewrites the lines of the client libraries to a fixed sentence (their level, logger
    and exception class are kept); every other line passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.partition(".")[0] in LIBRARIES:
            record.msg, record.args = WITHHELD, None
            for field in FIELDS:  # only the bot's own lines carry these
                record.__dict__.pop(field, None)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            if field in record.__dict__:
                line[field] = record.__dict__[field]
        if record.exc_info:
            line["error"] = record.exc_info[0].__name__ if record.exc_info[0] else "Exception"
            line["trace"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)

    def formatException(self, ei: logging._SysExcInfoType) -> str:
        return safe_trace(ei[1]) if ei[1] is not None else ""


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{f}={record.__dict__[f]}" for f in FIELDS if f in record.__dict__)
        base = f"{self.formatTime(record)} {record.levelname} {record.name} {record.getMessage()}"
        text = f"{base} {extras}".rstrip()
        return text + ("\n" + self.formatException(record.exc_info) if record.exc_info else "")

    def formatException(self, ei: logging._SysExcInfoType) -> str:
        return safe_trace(ei[1]) if ei[1] is not None else ""


class Handler(logging.StreamHandler):  # type: ignore[type-arg]
    def handleError(self, record: logging.LogRecord) -> None:
        """A line that cannot be written: said so, without the record's message and
        arguments, which the default prints."""
        with contextlib.suppress(Exception):  # nowhere left to say it
            self.stream.write("logging: a line could not be written\n")


def configure(*, json_lines: bool | None = None, level: int = logging.INFO) -> None:
    """Logs to stderr; JSON unless stderr is a terminal (or as `json_lines` says)."""
    logging._srcfile = None  # no caller lookup per record: the logging docs' advice
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    use_json = not sys.stderr.isatty() if json_lines is None else json_lines
    handler = Handler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    handler.addFilter(Withhold())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for chatty in QUIETED:
        logging.getLogger(chatty).setLevel(logging.CRITICAL)
