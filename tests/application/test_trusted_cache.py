"""A process decides on its cache, without asking the store, for the aggregates it saved last;
another process's write must never make such a decision count. Each test has two ledgers on
one store, each with its own cache and its own command runner, as two API workers have."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
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
from tests.projections.funds_story import START, acting, cny, new_company


@dataclass
class Worker:
    ledger: Ledger
    funds: FundsService
    conflicts: list[int]


@pytest.fixture
def workers(settings: Settings) -> Iterator[tuple[Worker, Worker]]:
    made: list[Worker] = []
    for create_table in (True, False):
        ledger = Ledger(env=settings.eventsourcing_env(create_table=create_table))
        conflicts: list[int] = []
        runner = CommandRunner(ledger, on_batch=lambda _size, n, c=conflicts: c.append(n))
        made.append(Worker(ledger, FundsService(runner), conflicts))
    yield made[0], made[1]
    for worker in made:
        worker.ledger.close()


CLOCK = FrozenClock(START)


def _pay(worker: Worker, company: UUID, amount: str, reference: str) -> None:
    with acting(CLOCK):
        worker.funds.record_payment(company, cny(amount), reference)


def _unallocated(ledger: Ledger, company: UUID) -> Money:
    account = ledger.repository.get(FundsAccount.id_for(company))
    balance: Money = account.balance("unallocated")
    return balance


def test_a_write_on_a_cached_account_another_process_moved_lands_once_on_the_new_state(
    workers: tuple[Worker, Worker],
) -> None:
    here, there = workers
    company = new_company(here.ledger)
    _pay(here, company, "100.00", "T-1")  # here saved the account last: it trusts its cache
    _pay(there, company, "50.00", "T-2")  # here does not know of this one
    _pay(here, company, "25.00", "T-3")  # decided on the cache, refused by the store, redone
    _pay(here, company, "5.00", "T-4")
    assert _unallocated(here.ledger, company) == cny("180.00")
    assert _unallocated(there.ledger, company) == cny("180.00")
    events = here.ledger.repository.event_store.get(FundsAccount.id_for(company))
    entries = replay_funds(events).entries
    assert sorted(e.reference for e in entries) == ["T-1", "T-2", "T-3", "T-4"]  # each once
    assert sum(here.conflicts) >= 1  # the stale decision was refused by the store


def test_a_refusal_on_a_stale_cache_is_not_the_answer(workers: tuple[Worker, Worker]) -> None:
    here, there = workers
    company = new_company(here.ledger)
    _pay(here, company, "100.00", "R-1")
    _pay(there, company, "500.00", "R-2")
    with acting(CLOCK, Role.BUYER_ADMIN, company):
        # here's cache says 100.00: too little; the store says 600.00
        here.funds.request_refund(company, cny("300.00"))
    assert _unallocated(there.ledger, company) == cny("300.00")
    with acting(CLOCK, Role.BUYER_ADMIN, company), pytest.raises(InsufficientFundsError):
        here.funds.request_refund(company, cny("300.01"))  # a refusal on current state stands
    assert _unallocated(there.ledger, company) == cny("300.00")


def test_an_account_only_read_is_asked_of_the_store_when_another_process_moved_it(
    workers: tuple[Worker, Worker],
) -> None:
    """The command writes a note of the balance it read: the store would accept the note
    whatever the account's state, so the runner itself must find the account has moved."""
    here, there = workers
    company = new_company(here.ledger)
    _pay(here, company, "100.00", "N-1")
    _pay(there, company, "11.00", "N-2")
    account_id = FundsAccount.id_for(company)
    seen: list[Money] = []

    def note_the_balance(uow: UnitOfWork) -> None:
        balance = uow.get(FundsAccount, account_id).balance("unallocated")
        seen.append(balance)
        uow.claim("balance-note", f"{company}:{len(seen)}", company)

    with acting(CLOCK):
        here.funds.runner.run(note_the_balance)
    assert seen[-1] == cny("111.00")
    assert seen[0] == cny("100.00")  # it was first decided on the cache, then again
    assert there.ledger.repository.get(Claim.create_id("balance-note", f"{company}:{len(seen)}"))


def test_a_claim_cached_by_a_read_and_moved_elsewhere_is_read_again(
    workers: tuple[Worker, Worker],
) -> None:
    """Cached by an earlier command's read, not by a write of this process; the command only
    reads it, and names its holder in a new note."""
    here, there = workers
    first, second = uuid4(), uuid4()
    lane_id = Claim.create_id("lane", "X9")
    holders: list[UUID | None] = []

    def note_the_holder(uow: UnitOfWork) -> None:
        holder = uow.get(Claim, lane_id).owner_id
        holders.append(holder)
        assert holder is not None
        uow.claim("lane-note", f"X9:{holder}", holder)

    def move(uow: UnitOfWork) -> None:
        uow.get(Claim, lane_id).transfer(second)

    with acting(CLOCK):
        there.funds.runner.run(lambda uow: uow.claim("lane", "X9", first))
        here.funds.runner.run(note_the_holder)  # reads the lane from the store: now cached
        there.funds.runner.run(move)
        here.funds.runner.run(note_the_holder)
    assert holders[0] == first and holders[-1] == second
    assert there.ledger.repository.get(Claim.create_id("lane-note", f"X9:{second}"))
