"""Events are forever: a store written by an earlier version of the code (committed as a fixture,
``tests/fixtures/store-before-areas.db``: the demo data as the code stood before the domain moved
into per-area packages) still loads. Its events are copied into the configured store as they were
written (old topics and all); every aggregate replays, every read model rebuilds from them, and
the balances read model agrees with the replayed funds accounts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from domain.funds.account import FundsAccount
from domain.ledger import Ledger
from interfaces.config import Settings
from interfaces.wiring import Services

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store-before-areas.db"


@pytest.fixture
def old_events(tmp_path: Path) -> list:
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    old = Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(copy),
            "CREATE_TABLE": "n",
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        }
    )
    try:
        return [n for n in old.recorder.select_notifications(start=1, limit=100_000)]
    finally:
        old.close()


@pytest.fixture
def services(settings: Settings, tmp_path: Path, old_events: list) -> Iterator[Services]:
    fresh = replace(settings, sqlite_path=tmp_path / "store.db")
    running = Services.build(fresh)
    running.ledger.recorder.insert_events(old_events)
    yield running
    running.close()


def test_the_fixture_holds_topics_of_the_old_layout(old_events: list) -> None:
    topics = {n.topic for n in old_events}
    assert "domain.funds:FundsAccount.PaymentRecorded" in topics
    assert "domain.contract:Contract.Generated" in topics
    assert len(old_events) == 150


def test_every_aggregate_of_the_old_store_replays(services: Services, old_events: list) -> None:
    ids = {n.originator_id for n in old_events}
    for aggregate_id in ids:
        aggregate = services.ledger.repository.get(aggregate_id)
        last = max(n.originator_version for n in old_events if n.originator_id == aggregate_id)
        assert aggregate.version == last


def test_every_read_model_rebuilds_from_the_old_store(services: Services) -> None:
    services.projections.setup()
    services.projections.catch_up()
    status = services.projections.status()
    head = services.ledger.head()
    assert {s.name: s.position for s in status.values()} == {name: head for name in status}
    assert all(s.last_error is None for s in status.values())
    companies = services.balances.companies()
    assert len(companies) == 3
    for company in companies:
        funds = services.ledger.repository.get(FundsAccount.id_for(company))
        in_view = {b: a for b, a in services.balances.buckets(company).items() if a}
        replayed = {b: m.amount for b, m in funds.balances().items() if m.amount}
        assert in_view == replayed
        assert replayed  # the demo put money in every company's account
