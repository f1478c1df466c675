"""One stream (an aggregate's events) as it stood at a version or a moment.

The events come from the store through the library (``ledger.events``: upcast on load), the
state from the repository's ``get(id, version=N)``; a moment is the last version whose event
happened at or before it. Each event is shown with its place in the store's one order (its
notification id, read beside the library's own query, since the library's event query does not
return it), its time, who caused it (user, role, request id) and the command's stated reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

from domain.context import SHANGHAI
from domain.errors import NotFoundError, ValidationError
from domain.ledger import Ledger
from interfaces.history.render import aggregate_state, event_fields, stated_reason, utc_text


@dataclass(frozen=True)
class EventRecord:
    type: str  # the event class's name (``PaymentRecorded``)
    topic: str  # where it is defined (``module:Class.Event``)
    version: int
    position: int | None  # its notification id: its place in the store's one order
    time: datetime  # UTC
    user_id: UUID | None
    role: str | None
    request_id: str | None
    reason: str | None
    fields: dict[str, Any]


@dataclass(frozen=True)
class StreamAsOf:
    stream_id: UUID
    aggregate: str  # the aggregate's class name (``FundsAccount``)
    version: int  # the version shown
    last_version: int  # the stream's newest version today
    as_of: datetime  # when the event at ``version`` happened (UTC)
    events: tuple[EventRecord, ...]  # versions 1 … ``version``
    state: dict[str, Any]  # the aggregate at ``version``, JSON-safe, secrets hidden


class VersionBeyondEndError(ValidationError):
    def __init__(self, version: int, last: int) -> None:
        super().__init__(
            "version_beyond_end",
            f"The stream ends at version {last}: there is no version {version}.",
            version=version,
            last_version=last,
        )


class BeforeFirstEventError(ValidationError):
    def __init__(self, at: datetime, first: datetime) -> None:
        super().__init__(
            "before_first_event",
            f"{utc_text(at)} is before the stream's first event ({utc_text(first)}): it did "
            "not exist yet.",
            at=utc_text(at),
            first_event_at=utc_text(first),
        )


def parse_moment(text: str) -> datetime:
    """An ISO 8601 time with its zone (``2026-12-31T23:59:59+08:00``, ``…Z``)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            "invalid_time", f"{text!r} is not an ISO 8601 time (2026-12-31T23:59:59+08:00)."
        ) from None
    return require_zone(moment)


def require_zone(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            "time_needs_zone",
            f"{moment.isoformat()} has no zone: add Z for UTC or +08:00 for Asia/Shanghai.",
        )
    return moment


def stream_as_of(
    ledger: Ledger, stream_id: UUID, version: int | None = None, at: datetime | None = None
) -> StreamAsOf:
    """The stream at ``version``, or at the moment ``at`` (with its zone), or as it is now."""
    if version is not None and at is not None:
        raise ValidationError("version_or_time", "Ask for a version or a time, not both.")
    if version is not None and version < 1:
        raise ValidationError("invalid_version", "Versions start at 1.", version=version)
    events = list(ledger.events.get(stream_id))
    if not events:
        raise NotFoundError("stream")
    last = events[-1].originator_version
    shown = last if version is None else version
    if at is not None:
        shown = _version_at(events, require_zone(at))
    if shown > last:
        raise VersionBeyondEndError(shown, last)
    aggregate: Any = ledger.repository.get(stream_id, version=shown)
    positions = stream_positions(ledger, stream_id)
    records = tuple(_record(e, positions) for e in events if e.originator_version <= shown)
    return StreamAsOf(
        stream_id=stream_id,
        aggregate=type(aggregate).__name__,
        version=shown,
        last_version=last,
        as_of=records[-1].time,
        events=records,
        state=aggregate_state(aggregate),
    )


def _version_at(events: list[Any], at: datetime) -> int:
    """The last version whose event happened at or before ``at``: the stream up to its first
    event after ``at`` (a history is a prefix, so an event recorded with an earlier time than
    one before it, as a clock set back would write, does not pull later ones in)."""
    if events[0].timestamp > at:
        raise BeforeFirstEventError(at, events[0].timestamp)
    version = events[0].originator_version
    for event in events[1:]:
        if event.timestamp > at:
            break
        version = event.originator_version
    return int(version)


def _record(event: Any, positions: dict[int, int]) -> EventRecord:
    cause = getattr(event, "caused_by", None)
    fields = event_fields(event)
    cls = type(event)
    return EventRecord(
        type=cls.__name__,
        topic=f"{cls.__module__}:{cls.__qualname__}",
        version=event.originator_version,
        position=positions.get(event.originator_version),
        time=event.timestamp,
        user_id=getattr(cause, "user_id", None),
        role=getattr(cause, "role", None),
        request_id=getattr(cause, "request_id", None),
        reason=stated_reason(fields),
        fields=fields,
    )


def shanghai_text(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat()


def stream_positions(ledger: Ledger, stream_id: UUID) -> dict[int, int]:
    """Version → notification id of each stored event of the stream."""
    recorder = ledger.recorder
    if isinstance(recorder, PostgresApplicationRecorder):
        statement = SQL(
            "SELECT originator_version, notification_id FROM {schema}.{table} "
            "WHERE originator_id = %s"
        ).format(
            schema=Identifier(recorder.datastore.schema),
            table=Identifier(recorder.events_table_name),
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (stream_id,))
            return {row["originator_version"]: row["notification_id"] for row in cursor}
    if isinstance(recorder, SQLiteApplicationRecorder):
        query = (
            f"SELECT originator_version, rowid FROM {recorder.events_table_name} "
            "WHERE originator_id = ?"
        )
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(query, (stream_id.hex,))
            return {row[0]: row[1] for row in cursor.fetchall()}
    return {}
