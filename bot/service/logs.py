"""Logging: one JSON object per line when not on a terminal, plain text on one.

Only known, harmless fields are written (subcommand, latency, outcome, place, ids of
outbox rows, registry versions): never what a person typed, never a token.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

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


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(f"{f}={record.__dict__[f]}" for f in FIELDS if f in record.__dict__)
        base = f"{self.formatTime(record)} {record.levelname} {record.name} {record.getMessage()}"
        text = f"{base} {extras}".rstrip()
        return text + ("\n" + self.formatException(record.exc_info) if record.exc_info else "")


def configure(*, json_lines: bool | None = None, level: int = logging.INFO) -> None:
    """Logs to stderr; JSON unless stderr is a terminal (or as `json_lines` says)."""
    logging._srcfile = None  # no caller lookup per record: the logging docs' advice
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    use_json = not sys.stderr.isatty() if json_lines is None else json_lines
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # The chat clients log server error bodies, user and room ids: personal data. The
    # worker and the Matrix adapter say what matters, without it.
    for chatty in ("mattermostdriver", "nio", "peewee"):
        logging.getLogger(chatty).setLevel(logging.CRITICAL)
