"""Catch-up, exactly-once, rebuild, status and failure handling of the projection runner."""

from __future__ import annotations

from typing import Any

import pytest

from domain.ledger import Ledger
from projections.base import Projection, ReplayedPositionError, save_position
from projections.database import Transaction, ViewDatabase
from projections.runner import ProjectionError, ProjectionRunner
from tests.projections.conftest import WriteWidgets
from tests.projections.sample import (
    POISON,
    FailingWidgetProjection,
    Widget,
    WidgetProjection,
    expected_totals,
    read_totals,
)


def event_counts(db: ViewDatabase) -> dict[str, int]:
    return {r["topic"]: r["events"] for r in db.query("SELECT * FROM widget_event_counts")}


def test_catch_up_applies_every_event_exactly_once(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=6, events_each=25)
    runner = ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=40)
    assert runner.catch_up() == 150
    assert read_totals(db) == expected_totals(widgets)
    assert sum(event_counts(db).values()) == 150
    assert runner.catch_up() == 0
    # a runner that remembers nothing resumes from the stored position, not from the start
    assert ProjectionRunner(ledger, db, [WidgetProjection()]).catch_up() == 0
    assert read_totals(db) == expected_totals(widgets)
    assert sum(event_counts(db).values()) == 150


def test_a_replayed_batch_is_refused_and_changes_nothing(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=2, events_each=5)
    projection = WidgetProjection()
    runner = ProjectionRunner(ledger, db, [projection])
    runner.catch_up()
    notifications = ledger.recorder.select_notifications(start=1, limit=100)
    with pytest.raises(ReplayedPositionError), db.transaction() as tx:
        for notification in notifications[5:]:
            projection.handle(ledger.mapper.to_domain_event(notification), tx)
        save_position(tx, projection.name, projection.version, notifications[-1].id)
    assert read_totals(db) == expected_totals(widgets)
    assert sum(event_counts(db).values()) == 10


def test_batched_catch_up_gives_the_same_rows_as_one_event_at_a_time(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=4, events_each=12)
    ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=1).catch_up()
    one_by_one = WidgetProjection().digest(db)
    ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=500).rebuild()
    assert WidgetProjection().digest(db) == one_by_one
    assert read_totals(db) == expected_totals(widgets)


def test_status_reports_position_head_and_lag(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    runner = ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=10)
    assert runner.status()["widgets"].lag == 0
    write_widgets(count=3, events_each=10)
    before = runner.status()["widgets"]
    assert (before.position, before.head, before.lag) == (0, ledger.head(), ledger.head())
    seen: list[int] = []
    runner.catch_up(on_batch=lambda name, position, head: seen.append(position))
    after = runner.status()["widgets"]
    assert (after.position, after.lag, after.last_error) == (ledger.head(), 0, None)
    assert len(seen) == 3 and seen[-1] == ledger.head()


def test_rebuild_gives_an_identical_digest(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    write_widgets(count=5, events_each=20)
    runner = ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=30)
    runner.catch_up()
    digest = WidgetProjection().digest(db)
    assert runner.rebuild("widgets") == 100
    assert WidgetProjection().digest(db) == digest
    assert runner.status()["widgets"].lag == 0


def test_a_new_version_of_a_projection_rebuilds_it(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=2, events_each=10)
    ProjectionRunner(ledger, db, [WidgetProjection()]).catch_up()

    class WidgetProjectionV2(WidgetProjection):
        version = 2

    assert ProjectionRunner(ledger, db, [WidgetProjectionV2()]).catch_up() == 20
    assert read_totals(db) == expected_totals(widgets)
    with pytest.raises(RuntimeError, match="version 2"):
        ProjectionRunner(ledger, db, [WidgetProjection()]).catch_up()


def test_a_failing_event_stops_its_projection_visibly_and_is_never_skipped(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=3, events_each=10)
    bad = widgets[1]
    bad.adjust(POISON)
    poison_position = ledger.save(bad)[0].notification.id
    later = write_widgets(count=2, events_each=5, seed=8)
    projection = FailingWidgetProjection()
    runner = ProjectionRunner(ledger, db, [projection], batch_size=500)

    for _attempt in range(2):  # retrying does not skip it either
        with pytest.raises(ProjectionError) as caught:
            runner.catch_up()
        error = caught.value.failures["widgets"]
        assert error.notification_id == poison_position
        assert error.topic.endswith("Widget.Adjusted")
        status = runner.status()["widgets"]
        assert status.position == poison_position - 1  # everything before it is applied
        assert status.lag == ledger.head() - poison_position + 1
        assert (
            status.last_error is not None and f"notification {poison_position}" in status.last_error
        )

    projection.cured = True  # the fix is deployed
    assert runner.catch_up() == ledger.head() - poison_position + 1
    assert read_totals(db) == expected_totals([*widgets, *later])
    assert runner.status()["widgets"].last_error is None
    assert read_totals(db)[bad.id][1] == bad.total


def test_a_failing_projection_does_not_hold_back_the_others(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widget = Widget(name="w")
    widget.adjust(POISON)
    ledger.save(widget)

    class Healthy(Projection):
        name = "healthy"
        tables = ("healthy_versions",)

        def create_tables(self, tx: Transaction) -> None:
            tx.execute("CREATE TABLE IF NOT EXISTS healthy_versions (version INTEGER)")

        def handle(self, event: Any, tx: Transaction) -> None:
            tx.execute("INSERT INTO healthy_versions VALUES (%s)", (event.originator_version,))

    runner = ProjectionRunner(ledger, db, [FailingWidgetProjection(), Healthy()])
    with pytest.raises(ProjectionError) as caught:
        runner.catch_up()
    assert set(caught.value.failures) == {"widgets"}
    assert runner.status()["healthy"].lag == 0
    assert runner.status()["widgets"].position == 1
