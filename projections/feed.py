"""Reading the ledger's notification log in batches, for the projection runner.

Events are read with the library's recorder API (``select_notifications`` after a position, in
notification-id order, which is commit order on both back ends) and turned into domain events by
the application's mapper lazily, once per batch however many projections read it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from projections.base import Projection
from projections.database import Transaction

_UNSET: Any = object()


class EventError(Exception):
    """A projection could not process one event (or the event could not be decoded)."""

    def __init__(self, projection: str, notification_id: int, topic: str, cause: Exception):
        self.projection = projection
        self.notification_id = notification_id
        self.topic = topic
        self.cause = cause
        super().__init__(
            f"{projection} failed at notification {notification_id} ({topic}): "
            f"{type(cause).__name__}: {cause}"
        )


class Item:
    """One notification of the log, decoded to its domain event on first use."""

    __slots__ = ("_event", "_mapper", "notification")

    def __init__(self, notification: Notification, mapper: Any) -> None:
        self.notification = notification
        self._mapper = mapper
        self._event = _UNSET

    @property
    def id(self) -> int:
        return self.notification.id

    @property
    def topic(self) -> str:
        return self.notification.topic

    def event(self) -> Any:
        if self._event is _UNSET:
            self._event = self._mapper.to_domain_event(self.notification)
        return self._event


class EventFeed:
    """Batches of the log after a position; the last few batches are kept for other readers."""

    def __init__(self, app: Application[Any], batch_size: int, keep: int = 4) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.recorder = app.recorder
        self.mapper = app.mapper
        self.batch_size = batch_size
        self._keep = keep
        self._batches: OrderedDict[int, list[Item]] = OrderedDict()

    def head(self) -> int:
        """The newest notification id in the store (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def clear(self) -> None:
        """Forget kept batches (a kept batch read at the head may miss later events)."""
        self._batches.clear()

    def after(self, position: int) -> list[Item]:
        """Up to ``batch_size`` notifications with ids greater than ``position``, in order."""
        batch = self._batches.get(position)
        if batch is None:
            notifications = self.recorder.select_notifications(
                start=position, limit=self.batch_size, inclusive_of_start=False
            )
            batch = [Item(n, self.mapper) for n in notifications]
            self._batches[position] = batch
            while len(self._batches) > self._keep:
                self._batches.popitem(last=False)
        return batch


def apply(projection: Projection, items: list[Item], tx: Transaction) -> None:
    """Hand each event to the projection in ``tx``; the first failure is an EventError."""
    for item in items:
        try:
            projection.handle(item.event(), tx)
        except Exception as exc:
            raise EventError(projection.name, item.id, item.topic, exc) from exc


def needs_rerun(error: BaseException) -> bool:
    """Whether a failed buffered batch must run again unbuffered to name its event: an error
    a handler raised itself is at its event, but a database error may come from a write kept
    from an earlier one (it surfaces at the next flush)."""
    cause = error.cause if isinstance(error, EventError) else error
    return type(cause).__module__.split(".")[0] in ("psycopg", "sqlite3") or not isinstance(
        error, EventError
    )
