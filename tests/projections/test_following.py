"""Following the store live: new events are picked up and ``wait`` gives read-your-writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from domain.commands import CommandRunner
from domain.ledger import Ledger
from domain.unit_of_work import UnitOfWork
from projections.database import ViewDatabase
from projections.runner import ProjectionRunner
from tests.projections.conftest import WriteWidgets
from tests.projections.sample import (
    POISON,
    FailingWidgetProjection,
    SlowWidgetProjection,
    Widget,
    WidgetProjection,
    expected_totals,
    read_totals,
)


def create_widget(ledger: Ledger, name: str) -> tuple[Widget, int]:
    def decide(uow: UnitOfWork) -> Widget:
        widget = Widget(name=name)
        uow.add(widget)
        return widget

    outcome = CommandRunner(ledger).run(decide)
    return outcome.result, outcome.position


@pytest.fixture
def following(ledger: Ledger, db: ViewDatabase) -> Iterator[ProjectionRunner]:
    # On PostgreSQL a long poll interval proves that NOTIFY is what wakes the runner.
    poll = 30.0 if db.dialect == "postgres" else None
    runner = ProjectionRunner(ledger, db, [WidgetProjection()], poll_interval=poll)
    runner.start()
    yield runner
    runner.stop()


def test_live_following_picks_up_new_events_and_wait_returns_once_reached(
    ledger: Ledger, db: ViewDatabase, following: ProjectionRunner
) -> None:
    widgets = []
    for i in range(20):
        widget, position = create_widget(ledger, f"live-{i}")
        widgets.append(widget)
        started = time.monotonic()
        assert following.wait(position, timeout=5.0)
        assert time.monotonic() - started < 2.0
        assert widget.id in read_totals(db)  # read your own write
    assert read_totals(db) == expected_totals(widgets)
    assert following.status()["widgets"].lag == 0


def test_follower_catches_up_on_what_was_written_before_it_started(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=5, events_each=40)
    runner = ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=50)
    runner.start()
    try:
        assert runner.wait(ledger.head(), timeout=10.0)
    finally:
        runner.stop()
    assert not runner.running
    assert read_totals(db) == expected_totals(widgets)


def test_wait_times_out_when_nobody_follows(ledger: Ledger, db: ViewDatabase) -> None:
    runner = ProjectionRunner(ledger, db, [WidgetProjection()])
    assert runner.wait(0, timeout=0.0)
    _, position = create_widget(ledger, "unseen")
    started = time.monotonic()
    assert not runner.wait(position, timeout=0.2)
    assert time.monotonic() - started >= 0.2
    assert runner.status()["widgets"].lag == position


def test_wait_sees_progress_made_by_another_runner(ledger: Ledger, db: ViewDatabase) -> None:
    _, position = create_widget(ledger, "elsewhere")
    waiter = ProjectionRunner(ledger, db, [WidgetProjection()])
    worker = ProjectionRunner(ledger, db, [WidgetProjection()])
    threading.Timer(0.2, worker.catch_up).start()
    assert waiter.wait(position, timeout=5.0)


def test_a_stopped_follower_retries_and_resumes_once_the_handler_is_fixed(
    ledger: Ledger, db: ViewDatabase
) -> None:
    projection = FailingWidgetProjection()
    runner = ProjectionRunner(ledger, db, [projection])
    runner.start()
    try:
        widget, _ = create_widget(ledger, "poisoned")
        widget.adjust(POISON)
        position = ledger.save(widget)[0].notification.id
        assert not runner.wait(position, timeout=0.5)
        status = runner.status()["widgets"]
        assert (status.position, status.lag) == (position - 1, 1)
        assert status.last_error is not None and "ValueError" in status.last_error
        projection.cured = True
        assert runner.wait(position, timeout=10.0)
    finally:
        runner.stop()
    assert read_totals(db) == expected_totals([widget])


def test_stop_ends_a_long_catch_up_between_batches(
    ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    write_widgets(count=20, events_each=40)
    projection = SlowWidgetProjection()
    runner = ProjectionRunner(ledger, db, [projection], batch_size=25)
    runner.start()
    deadline = time.monotonic() + 10
    while runner.position("widgets") < 50:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    started = time.monotonic()
    runner.stop()
    assert time.monotonic() - started < 1.0
    stopped_at = runner.status()["widgets"].position
    assert 50 <= stopped_at < ledger.head() and stopped_at % 25 == 0
