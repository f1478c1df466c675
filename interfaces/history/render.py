"""A readable, JSON-safe rendering of aggregates and events, with secrets left out.

Money, tonnes and prices as their decimal text, ids as text, times in UTC with ``Z``, enums as
their values, records (dataclasses) and containers field by field. Any field whose name says it
holds a secret (a password hash, a reset code's hash, token material) is shown as ``HIDDEN``,
wherever it is nested, so an auditor's screen or file never carries one.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.values import Money, Quantity, UnitPrice

HIDDEN = "(hidden)"
_SECRET_WORDS = ("password", "secret", "token", "code_hash", "private_key", "otp")
# the library's own bookkeeping on every aggregate: shown as the answer's own fields instead
_LIBRARY_FIELDS = frozenset({"_id", "_version", "_created_on", "_modified_on", "_pending_events"})
_EVENT_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "caused_by"})


def is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def utc_text(moment: datetime) -> str:
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.isoformat().replace("+00:00", "Z")


def plain(value: Any) -> Any:
    """``value`` as JSON values (str, int, bool, None, lists and objects), secrets hidden."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Money | Quantity | UnitPrice | Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, dict):
        return _fields((_key(k), v) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields((f.name, getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, float):
        return str(value)
    return str(value)


def _key(key: Any) -> str:
    rendered = plain(key)
    return rendered if isinstance(rendered, str) else str(rendered)


def _fields(items: Any) -> dict[str, Any]:
    return {name: HIDDEN if is_secret(name) else plain(value) for name, value in items}


def aggregate_state(aggregate: Any) -> dict[str, Any]:
    """An aggregate's own attributes by name (a leading ``_`` dropped), sorted."""
    items = sorted(
        (
            (name.lstrip("_"), value)
            for name, value in vars(aggregate).items()
            if name not in _LIBRARY_FIELDS
        ),
        key=lambda item: item[0],
    )
    return _fields(dict(items).items())


def event_fields(event: Any) -> dict[str, Any]:
    """What an event says beyond its stream, version, time and cause."""
    return _fields((n, v) for n, v in vars(event).items() if n not in _EVENT_FIELDS)


_REASON_FIELDS = ("reason", "evidence", "comment")


def stated_reason(fields: dict[str, Any]) -> str | None:
    """The command's stated reason, where the event carries one: a ``reason`` (or a phone
    change's ``evidence``), else one inside a record it holds (a review's ``comment``)."""
    for name in _REASON_FIELDS:
        text = fields.get(name)
        if isinstance(text, str) and text.strip():
            return text
    for value in fields.values():
        if isinstance(value, dict):
            found = stated_reason(value)
            if found:
                return found
    return None
