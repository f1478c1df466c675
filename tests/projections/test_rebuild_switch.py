"""A rebuild goes into new tables and switches over when caught up: queries keep answering from
the old rows meanwhile, and the digests before and after say whether the rows came out the same."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from domain.ledger import Ledger
from interfaces import demo
from interfaces.config import Settings
from interfaces.wiring import Services
from projections.all import all_projections
from projections.database import ViewDatabase
from projections.runner import ProjectionRunner
from tests.projections.sample import Totals, WidgetProjection, expected_totals, read_totals

from .conftest import WriteWidgets


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = Services.build(settings)
    yield built
    built.close()


def test_every_rebuilt_digest_equals_the_live_one_after_a_mixed_workload(
    services: Services,
) -> None:
    demo.seed(services)  # registrations, payments, catalog, checkouts through invoices, auctions
    runner = services.projections
    runner.catch_up()
    live = {p.name: p.digest(services.views) for p in all_projections()}

    rebuilt = runner.rebuild_compared()

    assert sorted(r.name for r in rebuilt) == sorted(live)
    for r in rebuilt:
        assert r.applied == services.ledger.head() and r.position == r.before_position
        assert (r.before, r.after) == (live[r.name], live[r.name]), r.name
        assert r.same
    assert {p.name: p.digest(services.views) for p in all_projections()} == live


def test_queries_answer_from_the_old_rows_while_a_rebuild_runs(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=6, events_each=20)
    runner = ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=25)
    runner.catch_up()
    before = read_totals(db)
    paused, go = threading.Event(), threading.Event()

    def pause_after_first_batch(name: str, position: int, head: int) -> None:
        if not paused.is_set():
            paused.set()
            go.wait(30)

    rebuilding = threading.Thread(
        target=runner.rebuild, args=("widgets", pause_after_first_batch), daemon=True
    )
    rebuilding.start()
    try:
        assert paused.wait(30), "the rebuild never reached its first batch"
        during = read_totals(db)  # another connection than the rebuild's, mid-rebuild
        assert during == before  # every widget, at its full total: the old tables answered
        partial = db.query("SELECT SUM(events) AS n FROM widget_totals__next")[0]["n"]
        later = write_widgets(count=2, events_each=5, seed=9)  # and the store moves on
    finally:
        go.set()
        rebuilding.join(30)

    assert int(partial) == 25  # while the new ones held one batch of the 120 events
    assert read_totals(db) == expected_totals(widgets + later)  # switched, caught up
    assert runner.status()["widgets"].lag == 0
    assert db.query("SELECT name FROM projection_tracking WHERE name LIKE 'widgets%%'") == [
        {"name": "widgets"}
    ]


def test_a_new_version_rebuilds_into_new_tables_and_reports_the_old_rows_until_then(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=3, events_each=10)
    ProjectionRunner(ledger, db, [WidgetProjection()]).catch_up()
    before = read_totals(db)
    seen_during: list[Totals] = []

    class WidgetProjectionV2(WidgetProjection):
        version = 2

    def look(name: str, position: int, head: int) -> None:
        seen_during.append(read_totals(db))

    runner = ProjectionRunner(ledger, db, [WidgetProjectionV2()], batch_size=7)
    assert runner.catch_up(on_batch=look) == 30
    assert seen_during and all(seen == before for seen in seen_during)
    assert read_totals(db) == expected_totals(widgets)
    assert runner.status()["widgets"].version == 2
