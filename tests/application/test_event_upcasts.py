"""Events are forever, schemas change: ``Contract.ProductionScheduled`` gained the week the mill
scheduled the quantity for (class_version 2). Events stored by the code before it, which have no
such field, load through ``upcast_v1_v2`` as "not recorded" (None); nothing stored is rewritten.

Old events come from two places: the committed SQLite store of an earlier layout
(``tests/fixtures/store-before-areas.db``, old topics and all), and a version-1 event written
straight into the configured store (PostgreSQL under scripts/test) with today's topic, as the code
before the change wrote it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import StoredEvent

from domain import context
from domain.context import Actor, CommandContext, Role
from domain.errors import ValidationError
from domain.ledger import Ledger
from domain.trading.contract import Contract, ContractState
from domain.values import Quantity
from interfaces.config import Settings
from interfaces.wiring import Services

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store-before-areas.db"
OLD_TOPIC = "domain.contract:Contract.ProductionScheduled"
TOPIC = "domain.trading.contract:Contract.ProductionScheduled"
INTEGRATION = Actor(user_id=None, role=Role.INTEGRATION)


def _sqlite_ledger(path: Path) -> Ledger:
    return Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "CREATE_TABLE": "n",
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        }
    )


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[Ledger]:
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    ledger = _sqlite_ledger(copy)
    yield ledger
    ledger.close()


def _stored(ledger: Ledger, topics: tuple[str, ...]) -> list[StoredEvent]:
    return [
        n for n in ledger.recorder.select_notifications(start=1, limit=100_000) if n.topic in topics
    ]


def test_the_fixture_holds_a_version_1_production_event(old_store: Ledger) -> None:
    (stored,) = _stored(old_store, (OLD_TOPIC,))
    state = orjson.loads(stored.state)
    assert "production_week" not in state
    assert "class_version" not in state  # written before the class had versions


def test_an_old_production_event_loads_with_no_week(old_store: Ledger) -> None:
    (stored,) = _stored(old_store, (OLD_TOPIC,))
    event = old_store.mapper.to_domain_event(stored)
    assert isinstance(event, Contract.ProductionScheduled)
    assert event.production_week is None
    assert event.quantity == Quantity.parse("27.125")


def test_a_contract_with_an_old_production_event_replays(old_store: Ledger) -> None:
    (stored,) = _stored(old_store, (OLD_TOPIC,))
    contract = old_store.repository.get(stored.originator_id)
    assert contract.scheduled(1) == Quantity.parse("27.125")
    assert contract.state is ContractState.INVOICED


# ---- the configured store (PostgreSQL under scripts/test) ----------------------------------
@pytest.fixture
def services(settings: Settings, tmp_path: Path, old_store: Ledger) -> Iterator[Services]:
    running = Services.build(replace(settings, sqlite_path=tmp_path / "store.db"))
    old = list(old_store.recorder.select_notifications(start=1, limit=100_000))
    running.ledger.recorder.insert_events(old)
    yield running
    running.close()


def _established_contract(services: Services) -> Contract:
    ids = {
        n.originator_id for n in _stored(services.ledger, ("domain.contract:Contract.Generated",))
    }
    contracts = [services.ledger.repository.get(i) for i in ids]
    return next(c for c in contracts if c.state is ContractState.ESTABLISHED)


def _write_version_1(services: Services, contract_id: UUID, version: int, tonnes: str) -> None:
    """A ProductionScheduled as the code before class_version 2 stored it: today's topic,
    the transcoder's tagged values, no week and no class_version."""
    state = {
        "timestamp": {"_t": "dt", "_v": "2026-12-01T20:45:10.952157+00:00"},
        "caused_by": {
            "_t": "obj",
            "_v": [
                "domain.context:Cause",
                {"user_id": None, "role": "integration", "request_id": "r"},
            ],
        },
        "line_no": 1,
        "quantity": {
            "_t": "obj",
            "_v": ["domain.values:Quantity", {"tonnes": {"_t": "dec", "_v": tonnes}}],
        },
    }
    services.ledger.recorder.insert_events(
        [StoredEvent(contract_id, version, TOPIC, orjson.dumps(state))]
    )


def test_a_version_1_event_written_to_the_store_loads_and_replays(services: Services) -> None:
    contract = _established_contract(services)
    _write_version_1(services, contract.id, contract.version + 1, "5.000")

    replayed = services.ledger.repository.get(contract.id)
    assert replayed.state is ContractState.IN_PRODUCTION
    assert replayed.scheduled(1) == Quantity.parse("5.000")
    events = list(services.ledger.events.get(contract.id, gt=contract.version))
    assert [e.production_week for e in events] == [None]


def test_new_production_events_record_their_week_beside_old_ones(services: Services) -> None:
    contract = _established_contract(services)
    _write_version_1(services, contract.id, contract.version + 1, "5.000")
    with context.acting(CommandContext(actor=INTEGRATION)):
        services.contracts.schedule_production(contract.id, 1, Quantity.parse("2.000"), "2026-W51")

    events = list(services.ledger.events.get(contract.id, gt=contract.version))
    assert [e.production_week for e in events] == [None, "2026-W51"]
    assert services.ledger.repository.get(contract.id).scheduled(1) == Quantity.parse("7.000")
    (*_, newest) = _stored(services.ledger, (TOPIC,))
    assert orjson.loads(newest.state)["class_version"] == 2

    services.projections.setup()
    services.projections.catch_up()
    assert all(s.last_error is None for s in services.projections.status().values())


def test_a_production_week_that_is_not_an_iso_week_is_refused(services: Services) -> None:
    contract = _established_contract(services)
    with context.acting(CommandContext(actor=INTEGRATION)), pytest.raises(ValidationError) as e:
        services.contracts.schedule_production(contract.id, 1, Quantity.parse("1.000"), "2026-W54")
    assert e.value.code == "invalid_production_week"
    assert services.ledger.repository.get(contract.id).version == contract.version
