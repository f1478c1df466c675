"""Crash safety, clean shutdown and concurrent runners, with runners in other processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from domain.ledger import Ledger
from interfaces.config import Settings
from projections.backends import open_views
from projections.base import all_tracking
from projections.database import ViewDatabase
from projections.runner import ProjectionRunner
from tests.projections.conftest import WriteWidgets
from tests.projections.sample import WidgetProjection, expected_totals, read_totals

ROOT = Path(__file__).resolve().parents[2]


def start_worker(
    settings: Settings, mode: str, delay: float, batch_size: int
) -> subprocess.Popen[str]:
    if settings.persistence == "postgres":
        views: dict[str, str] = {"postgres": settings.postgres.conninfo()}
    else:
        views = {"sqlite": str(settings.sqlite_path.with_suffix(".views.db"))}
    config = {
        "events_env": settings.eventsourcing_env(create_table=False),
        "views": views,
        "batch_size": batch_size,
        "delay": delay,
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "tests.projections.worker", mode, json.dumps(config)]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def stored_position(db: ViewDatabase) -> int:
    row = all_tracking(db).get("widgets")
    return row.position if row else 0


def wait_until(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_runner_killed_mid_catch_up_resumes_to_identical_rows(
    settings: Settings, ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=20, events_each=40)  # 800 events
    ProjectionRunner(ledger, db, [WidgetProjection()])  # create the views before the worker
    worker = start_worker(settings, "catch_up", delay=0.002, batch_size=25)
    wait_until(lambda: stored_position(db) >= 200)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    killed_at = stored_position(db)
    assert 200 <= killed_at < ledger.head()
    assert killed_at % 25 == 0  # only whole batches were committed

    runner = ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=25)
    assert runner.catch_up() == ledger.head() - killed_at
    assert read_totals(db) == expected_totals(widgets)
    resumed = WidgetProjection().digest(db)
    runner.rebuild()
    assert WidgetProjection().digest(db) == resumed


def test_run_forever_follows_in_its_own_process_and_stops_on_sigterm(
    settings: Settings, ledger: Ledger, db: ViewDatabase, write_widgets: WriteWidgets
) -> None:
    first = write_widgets(count=3, events_each=10)
    waiter = ProjectionRunner(ledger, db, [WidgetProjection()])
    worker = start_worker(settings, "run_forever", delay=0.0, batch_size=500)
    try:
        assert waiter.wait(ledger.head(), timeout=20.0)
        later = write_widgets(count=3, events_each=10, seed=9)
        assert waiter.wait(ledger.head(), timeout=10.0)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0
    assert out.strip() == f"done {ledger.head()}"
    assert read_totals(db) == expected_totals([*first, *later])


def test_concurrent_runners_never_apply_a_batch_twice(
    settings: Settings, ledger: Ledger, write_widgets: WriteWidgets
) -> None:
    widgets = write_widgets(count=25, events_each=40)  # 1,000 events
    errors: list[BaseException] = []

    def run() -> None:
        db = open_views(settings, pool_size=2)  # a pool/connection of its own
        try:
            ProjectionRunner(ledger, db, [WidgetProjection()], batch_size=20).catch_up()
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    db = open_views(settings)
    try:
        assert read_totals(db) == expected_totals(widgets)
        counted = db.query("SELECT SUM(events) AS n FROM widget_event_counts")[0]["n"]
        assert counted == 1000
        assert stored_position(db) == ledger.head()
    finally:
        db.close()
