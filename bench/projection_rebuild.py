"""How fast a projection rebuilds: events per second for a rebuild of ~10k events.

    .venv/bin/python -m bench.projection_rebuild [EVENTS] [BATCH_SIZE ...]

Uses the same environment as the tests (STEELYARD_PERSISTENCE=postgres and POSTGRES_* for
PostgreSQL, in a throw-away schema; otherwise SQLite files in a temporary folder).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import psycopg

from domain.ledger import Ledger
from interfaces.config import Settings
from projections.backends import open_views
from projections.base import Projection
from projections.database import Transaction
from projections.runner import ProjectionRunner
from tests.projections.sample import Widget, WidgetProjection


class NoopProjection(Projection):
    """Reads, decodes and tracks every event but writes no rows: the runner's own cost."""

    name = "noop"

    def create_tables(self, tx: Transaction) -> None:
        pass


def write(ledger: Ledger, events: int, per_widget: int = 50) -> None:
    for _ in range(events // per_widget):
        widget = Widget(name="bench")
        for n in range(per_widget - 1):
            widget.adjust(Decimal(n) / 100)
        ledger.save(widget)


def measure(settings: Settings, events: int, batch_sizes: list[int]) -> None:
    ledger = Ledger(env=settings.eventsourcing_env())
    db = open_views(settings)
    write(ledger, events)
    print(f"{settings.persistence}: {ledger.head()} events")
    for projection in (NoopProjection(), WidgetProjection()):
        for batch_size in batch_sizes:
            runner = ProjectionRunner(ledger, db, [projection], batch_size=batch_size)
            started = time.perf_counter()
            applied = runner.rebuild()
            elapsed = time.perf_counter() - started
            rate = applied / elapsed
            print(
                f"  {projection.name:>8} batch {batch_size:>5}: "
                f"{applied} events in {elapsed:.2f}s = {rate:,.0f}/s"
            )
    db.close()
    ledger.close()


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    batch_sizes = [int(a) for a in sys.argv[2:]] or [1, 100, 500, 2000]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "STEELYARD_SECRET_KEY": "bench"}
        base = Settings.from_env(env | {"STEELYARD_SQLITE_PATH": str(Path(folder) / "s.db")})
        if base.persistence != "postgres":
            measure(base, events, batch_sizes)
            return
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = replace(base.postgres, schema="").conninfo()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            measure(
                replace(base, postgres=replace(base.postgres, schema=schema)), events, batch_sizes
            )
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
