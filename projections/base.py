"""What every read model is made of: a Projection, and the tracking table they share.

A Projection owns some tables; ``handle(event, tx)`` updates them for one domain event inside the
runner's transaction, and the runner writes the projection's tracking position in that same
transaction, so an event is applied exactly once: a position at or below the stored one is refused
(``ReplayedPositionError``) and its transaction rolled back.

Handlers are methods marked with ``@on(EventClass, ...)``; events nobody handles are ignored (the
position still advances past them). Bump ``version`` when the tables or the handling change: the
runner then drops the tables and rebuilds the projection from the first event.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol, TypeVar

from projections.database import Params, Reader, Row, Transaction

TRACKING_TABLE = "projection_tracking"

F = TypeVar("F", bound=Callable[..., Any])


class Queries(Protocol):
    def query(self, statement: str, params: Params = None) -> list[Row]: ...


def on(*event_types: type) -> Callable[[F], F]:
    """Mark a Projection method as the handler of these event classes (and their subclasses)."""

    def mark(method: F) -> F:
        method._handles = event_types  # type: ignore[attr-defined]
        return method

    return mark


def event_class(aggregate: type, name: str) -> type:
    """An aggregate's event class declared by name (``@event("Registered")``), looked up once at
    import so a misspelt name fails loudly there rather than silently matching nothing."""
    found = getattr(aggregate, name, None)
    if not isinstance(found, type):
        raise TypeError(f"{aggregate.__qualname__} has no event class {name!r}")
    return found


class Projection(ABC):
    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = ()
    _handlers: ClassVar[dict[type, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[type, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for event_type in getattr(value, "_handles", ()):
                    handlers[event_type] = attr
        cls._handlers = handlers

    @abstractmethod
    def create_tables(self, tx: Transaction) -> None:
        """CREATE TABLE/INDEX IF NOT EXISTS for every table in ``tables`` (idempotent)."""

    def handle(self, event: Any, tx: Transaction) -> None:
        """Apply one domain event; dispatches to the ``@on`` method for its class, if any."""
        for klass in type(event).__mro__:
            attr = self._handlers.get(klass)
            if attr is not None:
                getattr(self, attr)(event, tx)
                return

    def digest(self, db: Queries) -> str:
        """A SHA-256 over every row of every table, in a stable order: equal rows, equal digest.
        ``db``: the view database, a snapshot, or a transaction (which sees its own writes)."""
        sha = hashlib.sha256()
        for table in sorted(self.tables):
            sha.update(f"table {table}\n".encode())
            rows = db.query(f"SELECT * FROM {table}")
            for line in sorted(_canonical(row) for row in rows):
                sha.update(line.encode() + b"\n")
        return sha.hexdigest()


def _canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=_plain, separators=(",", ":"))


def _plain(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


class ReplayedPositionError(Exception):
    """A transaction tried to record a position its projection had already passed."""


@dataclass(frozen=True)
class TrackingRow:
    name: str
    position: int
    version: int
    updated_at: Any
    last_error: str | None


def create_tracking_table(tx: Transaction) -> None:
    tx.ddl(
        f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} ("
        "name TEXT PRIMARY KEY, position {bigint} NOT NULL, version INTEGER NOT NULL, "
        "updated_at {timestamp} NOT NULL, last_error TEXT)"
    )


def read_tracking(tx: Transaction, name: str) -> TrackingRow | None:
    row = tx.fetchone(f"SELECT * FROM {TRACKING_TABLE} WHERE name = %s", (name,))
    return None if row is None else TrackingRow(**row)


def all_tracking(db: Reader) -> dict[str, TrackingRow]:
    rows = db.query(f"SELECT * FROM {TRACKING_TABLE}")
    return {row["name"]: TrackingRow(**row) for row in rows}


def save_position(tx: Transaction, name: str, version: int, position: int) -> None:
    """Record that ``name`` has applied every event up to ``position`` (in the rows' transaction).

    Raises ReplayedPositionError, so the caller's transaction rolls back, if the stored position
    is already at or past ``position``: a batch applied twice changes nothing.
    """
    changed = tx.execute(
        f"INSERT INTO {TRACKING_TABLE} (name, position, version, updated_at, last_error) "
        "VALUES (%s, %s, %s, %s, NULL) ON CONFLICT (name) DO UPDATE SET "
        "position = excluded.position, version = excluded.version, "
        "updated_at = excluded.updated_at, last_error = NULL "
        f"WHERE {TRACKING_TABLE}.position < excluded.position",
        (name, position, version, _now()),
    )
    if changed != 1:
        raise ReplayedPositionError(f"{name} has already applied position {position}")


def move_position(tx: Transaction, name: str, version: int, position: int) -> None:
    """Set ``name``'s position and version whatever they were (a rebuild's switch-over)."""
    tx.execute(
        f"INSERT INTO {TRACKING_TABLE} (name, position, version, updated_at, last_error) "
        "VALUES (%s, %s, %s, %s, NULL) ON CONFLICT (name) DO UPDATE SET "
        "position = excluded.position, version = excluded.version, "
        "updated_at = excluded.updated_at, last_error = NULL",
        (name, position, version, _now()),
    )


def forget_position(tx: Transaction, name: str) -> None:
    tx.execute(f"DELETE FROM {TRACKING_TABLE} WHERE name = %s", (name,))


def save_error(tx: Transaction, name: str, version: int, error: str) -> None:
    """Record why ``name`` is stuck, without moving its position (visible to other processes)."""
    tx.execute(
        f"INSERT INTO {TRACKING_TABLE} (name, position, version, updated_at, last_error) "
        "VALUES (%s, 0, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
        "updated_at = excluded.updated_at, last_error = excluded.last_error",
        (name, version, _now(), error),
    )


def reset(tx: Transaction, projection: Projection, drop: bool = False) -> None:
    """Empty (or drop and re-create) a projection's tables and forget its position."""
    for table in projection.tables:
        if drop:
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        elif tx.dialect == "postgres":
            tx.execute(f"TRUNCATE TABLE {table}")
        else:
            tx.execute(f"DELETE FROM {table}")
    if drop:
        projection.create_tables(tx)
    tx.execute(f"DELETE FROM {TRACKING_TABLE} WHERE name = %s", (projection.name,))


def _now() -> datetime:
    return datetime.now(tz=UTC)
