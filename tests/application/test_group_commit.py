"""Commands of one process commit in groups: many clients on one company's account are decided
one after another in shared batches, never failing each other; a refusal is refused alone. Each
command is first decided in its caller's thread; that decision is only kept if nothing it read
changed before the leader saved it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.commands import CommandRunner
from domain.context import FrozenClock, Role
from domain.errors import InsufficientFundsError
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import Claim, Ledger
from domain.unit_of_work import UnitOfWork
from domain.values import Money
from interfaces.config import Settings
from projections.balances.replay import replay_funds
from tests.projections.funds_story import START, acting, new_company


@pytest.fixture
def ledger(settings: Settings) -> Iterator[Ledger]:
    app = Ledger(env=settings.eventsourcing_env())
    yield app
    app.close()


def _in_threads(count: int, work: object) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(count)

    def run(n: int) -> None:
        start.wait()
        try:
            work(n)  # type: ignore[operator]
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_sixteen_clients_paying_into_one_company_all_land_exactly(ledger: Ledger) -> None:
    funds = FundsService(CommandRunner(ledger))
    company = new_company(ledger)
    clock = FrozenClock(START)

    def pay(n: int) -> None:
        with acting(clock):
            for k in range(10):
                funds.record_payment(company, Money.parse("10.01"), f"HOT-{n}-{k}")

    assert _in_threads(16, pay) == []
    account = ledger.repository.get(FundsAccount.id_for(company))
    assert account.balance("unallocated") == Money(Decimal("1601.60"))
    assert len(_journal(ledger, company)) == 160


def test_refusals_in_a_batch_are_refused_alone(ledger: Ledger) -> None:
    funds = FundsService(CommandRunner(ledger))
    company = new_company(ledger)
    clock = FrozenClock(START)
    with acting(clock):
        funds.record_payment(company, Money.parse("700.00"), "REFUNDABLE")

    def refund(n: int) -> None:
        with acting(clock, Role.BUYER_ADMIN, company):
            funds.request_refund(company, Money.parse("100.00"))

    errors = _in_threads(12, refund)
    assert len(errors) == 5
    assert all(isinstance(e, InsufficientFundsError) for e in errors)
    account = ledger.repository.get(FundsAccount.id_for(company))
    assert account.balance("unallocated") == Money.zero()
    assert sum(1 for e in _journal(ledger, company) if e.kind == "refund_requested") == 7


def test_a_decision_prepared_before_a_change_it_read_is_decided_again(ledger: Ledger) -> None:
    """A command that only reads one aggregate (who holds a lane) and writes another (a note
    naming that holder): if the lane changes hands while it waits for the leader, the store
    would accept its write (the note is new), so the runner must see the change itself."""
    runner = CommandRunner(ledger)
    clock = FrozenClock(START)
    first, second = uuid4(), uuid4()
    lane_id, note_id = Claim.create_id("lane", "L1"), Claim.create_id("note", "N1")
    with acting(clock):
        runner.run(lambda uow: uow.claim("lane", "L1", first))
    read_the_lane, lane_moved = threading.Event(), threading.Event()
    runs: list[UUID | None] = []

    def note_the_holder(uow: UnitOfWork) -> None:
        lane = uow.get(Claim, lane_id)
        runs.append(lane.owner_id)
        if len(runs) == 1:  # the preparation, in this caller's thread
            read_the_lane.set()
            assert lane_moved.wait(10)
        assert lane.owner_id is not None
        uow.claim("note", "N1", lane.owner_id)

    def move_the_lane(uow: UnitOfWork) -> None:
        uow.get(Claim, lane_id).transfer(second)

    def note() -> None:
        with acting(clock):
            runner.run(note_the_holder)

    noting = threading.Thread(target=note)
    noting.start()
    assert read_the_lane.wait(10)
    with acting(clock):
        runner.run(move_the_lane)
    lane_moved.set()
    noting.join(10)
    assert runs == [first, second]  # prepared on the old holder, decided again on the new
    assert ledger.repository.get(note_id).owner_id == second


def _journal(ledger: Ledger, company: UUID) -> tuple:
    """The account's journal entries, from its events (the account keeps none)."""
    return replay_funds(ledger.repository.event_store.get(FundsAccount.id_for(company))).entries
