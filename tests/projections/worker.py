"""A projection runner in a process of its own, for the crash and shutdown tests.

    python -m tests.projections.worker catch_up|run_forever CONFIG_JSON

CONFIG_JSON holds ``events_env`` (the ledger's eventsourcing environment), ``views`` (``{"postgres":
conninfo}`` or ``{"sqlite": path}``), ``batch_size`` and ``delay`` (seconds per event).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from domain.ledger import Ledger
from projections.backends import PostgresViewDatabase, SQLiteViewDatabase
from projections.database import ViewDatabase
from projections.runner import ProjectionRunner
from tests.projections.sample import SlowWidgetProjection


def views(config: dict[str, Any]) -> ViewDatabase:
    if "postgres" in config:
        return PostgresViewDatabase(config["postgres"])
    return SQLiteViewDatabase(Path(config["sqlite"]))


def main(mode: str, config: dict[str, Any]) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    ledger = Ledger(env=config["events_env"])
    db = views(config["views"])
    projection = SlowWidgetProjection()
    projection.delay = config["delay"]
    runner = ProjectionRunner(ledger, db, [projection], batch_size=config["batch_size"])
    print("ready", flush=True)
    if mode == "catch_up":
        runner.catch_up()
    else:
        runner.run_forever()
    print("done", runner.position(projection.name), flush=True)
    db.close()
    ledger.close()


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
