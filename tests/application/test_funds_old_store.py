"""A funds account written before accounts were bounded (issue 15) still loads, decides and
rebuilds: ``tests/fixtures/funds-before-bounded.db`` was written by the code of then
(``tests/fixtures/make_funds_before_bounded.py``): Qingdao Coil's account with 230 payments, a
reservation post-settled and one open, refunds, transfers, a rebate, a breach penalty, a
compensation and a credit bill, and snapshots of the old shape (its whole journal, payment
records and references inside) at versions 100 and 200. Its events and its snapshots are copied
into the configured store as they were written."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import project_aggregate

from domain import context
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.errors import DomainError
from domain.funds.account import FundsAccount
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings
from interfaces.reconcile import reconciler
from interfaces.wiring import Services
from projections.balances.replay import replay_funds

FIXTURE = Path(__file__).parent.parent / "fixtures" / "funds-before-bounded.db"
SETTLED = UUID("00000000-0000-4000-8000-00000000c001")  # post-settled then
OPEN = UUID("00000000-0000-4000-8000-00000000c002")  # 5,000.00 of HRC still reserved
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


@pytest.fixture
def old_store(tmp_path: Path) -> Iterator[tuple[list[Any], list[Any]]]:
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    old = Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(copy),
            "CREATE_TABLE": "n",
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        },
        snapshot_every={FundsAccount: 100},
    )
    try:
        events = old.recorder.select_notifications(start=1, limit=100_000)
        funds_ids = {n.originator_id for n in events if n.topic.endswith("FundsAccount.Opened")}
        assert old.snapshots is not None
        snapshots = [s for i in funds_ids for s in old.snapshots.recorder.select_events(i)]
        yield events, snapshots
    finally:
        old.close()


@pytest.fixture
def services(settings: Settings, tmp_path: Path, old_store: Any) -> Iterator[Services]:
    events, snapshots = old_store
    running = Services.build(replace(settings, sqlite_path=tmp_path / "store.db"))
    running.ledger.recorder.insert_events(events)
    assert running.ledger.snapshots is not None
    running.ledger.snapshots.recorder.insert_events(snapshots)
    yield running
    running.close()


def _qingdao(services: Services) -> tuple[UUID, UUID]:
    """The company with the long history, and its funds account's id."""
    opened = [
        n
        for n in services.ledger.recorder.select_notifications(start=1, limit=100_000)
        if n.topic.endswith("FundsAccount.Opened")
    ]
    longest = max(
        (n.originator_id for n in opened),
        key=lambda i: len(list(services.ledger.repository.event_store.get(i))),
    )
    account = services.ledger.repository.get(longest)
    return account.company_id, longest


def _finance() -> Any:
    actor = Actor(uuid4(), Role.FINANCE)
    return context.acting(CommandContext(actor=actor, clock=FrozenClock(NOW)))


def _refused(code: str, command: Any, *args: Any) -> None:
    with pytest.raises(DomainError) as error:
        command(*args)
    assert error.value.code == code, error.value.detail


def test_the_fixture_holds_snapshots_of_the_old_shape(old_store: Any) -> None:
    events, snapshots = old_store
    assert [s.originator_version for s in snapshots] == [100, 200]
    assert all(b"_journal" in s.state and b"_payments" in s.state for s in snapshots)
    assert sum(n.topic.endswith("PaymentRecorded") for n in events) > 200


def test_an_old_account_loads_from_its_old_snapshot_as_its_events_say(
    services: Services,
) -> None:
    company, funds_id = _qingdao(services)
    loaded = services.ledger.repository.get(funds_id)  # from the snapshot at 200, upcast
    events = list(services.ledger.repository.event_store.get(funds_id))
    replayed = project_aggregate(None, events)  # every event, no snapshot
    assert vars(loaded) == vars(replayed)
    assert not hasattr(loaded, "_journal") and not hasattr(loaded, "_payments")
    figures = replay_funds(events).figures(NOW.date(), ["HRC"])
    assert {b: m.amount for b, m in loaded.balances().items()} == replay_funds(events).buckets
    with context.acting(CommandContext(clock=FrozenClock(NOW))):
        assert loaded.financial_balance().amount == figures.financial_balance
        assert loaded.available_to_order().amount == figures.available_to_order
        assert loaded.credit_used() == Money.parse("40000.00")
    assert set(loaded._reservations) == {OPEN, UUID("00000000-0000-4000-8000-00000000c003")}
    assert [r.memo for r in loaded._refunds.values()] == ["left waiting"]
    assert loaded._transfers == {}
    assert company is not None


def test_old_references_are_still_refused_and_new_commands_go_on(services: Services) -> None:
    company, funds_id = _qingdao(services)
    funds = services.funds
    with _finance():
        first = funds.record_payment(company, Money.parse("1001.01"), "FIX-PAY-0001")
        assert first.result["bank_reference"] == "FIX-PAY-0001"  # the old payment, answered
        cny = Money.parse
        _refused("bank_reference_conflict", funds.record_payment, company, cny("5"), "FIX-PAY-0001")
        _refused(
            "rebate_reference_conflict",
            funds.credit_rebate,
            company,
            cny("1"),
            "FIX-REBATE-2026-10",
        )
        _refused(
            "breach_notice_conflict",
            funds.charge_breach_penalty, company, cny("1"), "FIX-BREACH-001", "unallocated",
        )  # fmt: skip
        compensate = lambda u: funds.compensate_in(u, company, cny("1"), "objection", "FIX-OBJ-1")  # noqa: E731
        reserve = lambda u: funds.reserve_in(u, company, SETTLED, "HRC", cny("1"))  # noqa: E731
        for command, code in ((compensate, "already_compensated"), (reserve, "reservation_closed")):
            with pytest.raises(DomainError) as error:
                funds.runner.run(command)
            assert error.value.code == code
        funds.record_payment(company, Money.parse("10.00"), "NEW-PAY-1")
        funds.runner.run(lambda u: funds.settle_in(u, company, OPEN, Money.parse("5000.00")))
        assert funds.issue_credit_bill(company).result["bill_id"] is None  # billed already
    account = services.ledger.repository.get(funds_id)
    assert account.references_claimed
    assert account.reservation(OPEN).remaining == Money.zero()


def test_the_read_models_rebuild_from_the_old_store_and_reconcile(services: Services) -> None:
    company, _ = _qingdao(services)
    with _finance():
        services.funds.record_payment(company, Money.parse("10.00"), "NEW-PAY-1")
    services.projections.setup()
    services.projections.catch_up()
    status = services.projections.status()
    assert all(s.position == services.ledger.head() for s in status.values())
    assert all(s.last_error is None for s in status.values())
    result = reconciler(services).run()
    assert result.ok, result.differences
    assert result.entries > 240
