"""A transaction keeps its writes and sends them together: what a projection sees stays the same
(its reads see its writes, a row count it looks at is its own, a failing write names its event)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from domain.ledger import Ledger
from projections.base import Projection, on
from projections.database import Transaction, ViewDatabase
from projections.runner import ProjectionError, ProjectionRunner
from tests.projections.sample import Widget

from .conftest import WriteWidgets


def _table(db: ViewDatabase) -> None:
    with db.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS kept (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")


def test_reads_see_the_writes_before_them_and_a_held_count_is_its_own(db: ViewDatabase) -> None:
    _table(db)
    with db.transaction() as tx:
        for k in range(1, 6):
            tx.execute("INSERT INTO kept (k, v) VALUES (%s, %s)", (k, "a"))
        changed = tx.execute("UPDATE kept SET v = 'b' WHERE k <= %s", (2,))
        tx.executemany("INSERT INTO kept (k, v) VALUES (%s, %s)", [(6, "c"), (7, "c")])
        nothing = tx.execute("DELETE FROM kept WHERE k > %s", (100,))
        rows = tx.fetchall("SELECT v, COUNT(*) AS n FROM kept GROUP BY v ORDER BY v")
        assert changed == 2 and int(changed) == 2 and bool(changed)
        assert nothing == 0 and not nothing
        assert [(r["v"], r["n"]) for r in rows] == [("a", 3), ("b", 2), ("c", 2)]
    assert len(db.query("SELECT * FROM kept")) == 7


def test_writes_kept_at_the_end_of_a_transaction_are_committed(db: ViewDatabase) -> None:
    _table(db)
    with db.transaction() as tx:
        tx.executemany("INSERT INTO kept (k, v) VALUES (%s, %s)", [(k, "z") for k in range(50)])
    assert db.query("SELECT COUNT(*) AS n FROM kept")[0]["n"] == 50


class OneAdjustmentEach(Projection):
    """Refuses (by primary key) a widget's second adjustment: a write that fails at the server."""

    name = "one_adjustment"
    tables = ("one_adjustment",)

    def create_tables(self, tx: Transaction) -> None:
        tx.ddl("CREATE TABLE IF NOT EXISTS one_adjustment (widget_id {uuid} PRIMARY KEY)")

    @on(Widget.Adjusted)
    def adjusted(self, event: Any, tx: Transaction) -> None:
        tx.execute("INSERT INTO one_adjustment (widget_id) VALUES (%s)", (event.originator_id,))


def test_a_failing_write_names_its_own_event_not_a_later_one(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    first, second = write_widgets(count=2, events_each=1)
    first.adjust(Decimal(1))
    second.adjust(Decimal(2))
    ledger.save(first, second)
    first.adjust(Decimal(3))  # the refused one
    refused = ledger.save(first)[0].notification.id
    second.adjust(Decimal(4))
    ledger.save(second)
    runner = ProjectionRunner(ledger, db, [OneAdjustmentEach()])

    with pytest.raises(ProjectionError) as caught:
        runner.catch_up()

    assert caught.value.failures["one_adjustment"].notification_id == refused
    assert runner.status()["one_adjustment"].position == refused - 1
    assert db.query("SELECT COUNT(*) AS n FROM one_adjustment")[0]["n"] == 2
