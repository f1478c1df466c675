"""Logging for every Steelyard process: one line per record on stderr, JSON or text.

``configure_logging(settings)`` is called once at start-up (``steelyard serve``, ``project``,
``scheduler``, and the app factory when uvicorn or gunicorn build it from the environment),
never at import. JSON lines (python-json-logger) carry ``time`` (UTC, ISO 8601 with ``Z``),
``level``, ``logger``, ``pid`` (the process: one per API worker), ``message`` and the record's
extra fields; the request log adds
``request_id``, ``user``, ``role``, ``route``, ``method``, ``status``, ``duration_ms``.

uvicorn's own loggers are routed through the same handler (its access log is silenced: the
request log replaces it), so a process logs one way however it was started. Nothing here logs a
request's headers, query, body or token: a line holds only the fields above.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from interfaces.config import Settings

FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class UtcJsonFormatter(JsonFormatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UtcTextFormatter(logging.Formatter):
    converter = time.gmtime  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__("%(asctime)sZ %(levelname)s %(name)s %(message)s")


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "text":
        return UtcTextFormatter()
    # uvicorn's ``color_message`` repeats the message with terminal colours: left out
    return UtcJsonFormatter(
        FIELDS, rename_fields=RENAMED, reserved_attrs=[*RESERVED_ATTRS, "color_message"]
    )


def configure_logging(settings: Settings) -> None:
    """Send every record (ours, the libraries', uvicorn's) to one stderr handler. Calling it
    again replaces the handler it installed before, and no one else's."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "steelyard", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.steelyard = True  # type: ignore[attr-defined]
    handler.setFormatter(formatter(settings.log_format))
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in UVICORN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # One line per request comes from the request log (interfaces/api/observe.py).
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
