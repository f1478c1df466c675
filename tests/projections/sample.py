"""A small aggregate and read model used only by the projection tests.

They live in an importable module (not in a test function or ``__main__``) because stored events
name their class by topic, and the crash tests read them back in another process.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate
from projections.base import Projection, on
from projections.database import Transaction, to_decimal, to_uuid

POISON = Decimal("-666.00")  # an adjustment that the failing projection cannot process


class Widget(Aggregate):
    # Event classes declared explicitly, so read models can name them with types mypy knows.
    class Event(Aggregate.Event):
        pass

    class Created(Event, Aggregate.Created):
        name: str

    class Adjusted(Event):
        amount: Decimal

    class Renamed(Event):
        name: str

    @event(Created)
    def __init__(self, name: str) -> None:
        self.name = name
        self.total = Decimal("0.00")

    @event(Adjusted)
    def adjust(self, amount: Decimal) -> None:
        self.total += amount

    @event(Renamed)
    def rename(self, name: str) -> None:
        self.name = name


class WidgetProjection(Projection):
    """Per widget: name, running total (money) and how many of its events were applied."""

    name = "widgets"
    version = 1
    tables = ("widget_totals", "widget_event_counts")

    def create_tables(self, tx: Transaction) -> None:
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS widget_totals (widget_id {uuid} PRIMARY KEY, "
            "name TEXT NOT NULL, total {money} NOT NULL, events INTEGER NOT NULL, "
            "last_version INTEGER NOT NULL)"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS widget_event_counts "
            "(topic TEXT PRIMARY KEY, events INTEGER NOT NULL)"
        )

    def handle(self, event: Any, tx: Transaction) -> None:
        if isinstance(event, Widget.Event):
            tx.execute(
                "INSERT INTO widget_event_counts (topic, events) VALUES (%s, 1) "
                "ON CONFLICT (topic) DO UPDATE SET events = widget_event_counts.events + 1",
                (type(event).__qualname__,),
            )
        super().handle(event, tx)

    @on(Widget.Created)
    def created(self, event: Widget.Created, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO widget_totals (widget_id, name, total, events, last_version) "
            "VALUES (%(id)s, %(name)s, %(total)s, 1, %(version)s)",
            {"id": event.originator_id, "name": event.name, "total": Decimal("0.00"),
             "version": event.originator_version},
        )  # fmt: skip

    @on(Widget.Adjusted)
    def adjusted(self, event: Widget.Adjusted, tx: Transaction) -> None:
        row = tx.fetchone(
            "SELECT total FROM widget_totals WHERE widget_id = %s", (event.originator_id,)
        )
        if row is None:
            raise LookupError(f"no widget {event.originator_id}")
        total = (to_decimal(row["total"]) or Decimal(0)) + event.amount
        self._touch(tx, event, "total = %(total)s", {"total": total})

    @on(Widget.Renamed)
    def renamed(self, event: Widget.Renamed, tx: Transaction) -> None:
        self._touch(tx, event, "name = %(name)s", {"name": event.name})

    @staticmethod
    def _touch(tx: Transaction, event: Any, assignment: str, params: dict[str, Any]) -> None:
        tx.execute(
            f"UPDATE widget_totals SET {assignment}, events = events + 1, "
            "last_version = %(version)s WHERE widget_id = %(id)s",
            {**params, "id": event.originator_id, "version": event.originator_version},
        )


class FailingWidgetProjection(WidgetProjection):
    """Cannot process a POISON adjustment until ``cured`` (a bug fixed by a redeploy)."""

    cured = False

    @on(Widget.Adjusted)
    def adjusted(self, event: Widget.Adjusted, tx: Transaction) -> None:
        if event.amount == POISON and not self.cured:
            raise ValueError("cannot process a poisoned adjustment")
        super().adjusted(event, tx)


class SlowWidgetProjection(WidgetProjection):
    """The same read model, slowed down so a test can kill its process mid-catch-up."""

    delay = 0.002

    def handle(self, event: Any, tx: Transaction) -> None:
        time.sleep(self.delay)
        super().handle(event, tx)


Totals = dict[UUID | None, tuple[str, Decimal | None, int, int]]


def read_totals(db: Any) -> Totals:
    rows = db.query("SELECT * FROM widget_totals")
    return {
        to_uuid(r["widget_id"]): (r["name"], to_decimal(r["total"]), r["events"], r["last_version"])
        for r in rows
    }


def expected_totals(widgets: list[Widget]) -> Totals:
    return {w.id: (w.name, w.total, w.version, w.version) for w in widgets}
