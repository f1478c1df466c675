"""Fixtures for the projection tests: a ledger, a view database and a way to write events."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest

from domain.ledger import Ledger
from interfaces.config import Settings
from projections.backends import open_views
from projections.database import ViewDatabase
from tests.projections.sample import Widget

WriteWidgets = Callable[..., list[Widget]]


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    app = Ledger(env=settings.eventsourcing_env())
    yield app
    app.close()


@pytest.fixture
def db(settings: Settings) -> Iterator[ViewDatabase]:
    views = open_views(settings)
    yield views
    views.close()


@pytest.fixture
def write_widgets(ledger: Ledger) -> WriteWidgets:
    """Write ``count`` widgets with ``events_each`` events each, saved ``per_save`` at a time."""

    def write(
        count: int = 5, events_each: int = 10, per_save: int = 50, seed: int = 7
    ) -> list[Widget]:
        rnd = random.Random(seed)
        widgets = [Widget(name=f"widget-{i}") for i in range(count)]
        for widget in widgets:
            for n in range(events_each - 1):
                if n % 4 == 3:
                    widget.rename(f"{widget.name.split('#')[0]}#{n}")
                else:
                    widget.adjust(Decimal(rnd.randint(-5000, 50000)) / 100)
        pending = [e for w in widgets for e in w.collect_events()]
        rnd.shuffle(pending)  # interleave streams, keeping each one's order
        pending.sort(key=lambda e: e.originator_version)
        for start in range(0, len(pending), per_save):
            ledger.save(*pending[start : start + per_save])
        return widgets

    return write
