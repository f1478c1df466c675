"""``replay_funds``: one funds account from its events alone, as of a moment or a version.

Pure (no store, no view): the events an account recorded are replayed and compared with what
the account itself says at the same point."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain import context
from domain.context import CommandContext, FrozenClock
from domain.funds.account import FundsAccount
from domain.values import Money
from projections.balances.replay import replay_funds

RATE = Decimal("0.0005")


def cny(value: str) -> Money:
    return Money.parse(value)


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    clock = FrozenClock(datetime(2026, 3, 1, 2, 0, tzinfo=UTC))
    with context.acting(CommandContext(clock=clock)):
        yield clock


def _history(clock: FrozenClock) -> tuple[FundsAccount, list]:
    """Payments, allocation, a reservation partly settled, a refund held, a credit draw billed
    and overdue: one event a day from 1 March."""
    funds = FundsAccount(company_id=uuid4())
    recorded: list = []

    def step() -> None:
        recorded.extend(funds.collect_events())
        clock.at += timedelta(days=1)

    step()
    funds.record_payment(cny("10000.00"), "B-1")
    step()
    funds.allocate(cny("8000.00"), "HRC")
    step()
    contract = uuid4()
    funds.reserve(contract, "HRC", cny("3000.00"))
    step()
    funds.settle(contract, cny("1000.00"))
    step()
    funds.request_refund(cny("500.00"))
    step()
    funds.set_credit_line(cny("20000.00"), 5, 25, 3, RATE)
    step()
    funds.reserve(uuid4(), "PLATE", cny("4000.00"))
    step()
    funds.issue_credit_bill()  # 8 March: billing day 5 has passed
    step()
    recorded.extend(funds.collect_events())
    return funds, recorded


def test_a_replay_of_all_events_says_what_the_account_says(clock: FrozenClock) -> None:
    funds, recorded = _history(clock)
    replayed = replay_funds(recorded)
    assert replayed.version == funds.version
    assert replayed.buckets == {b: m.amount for b, m in funds.balances().items()}
    for today in (date(2026, 3, 9), date(2026, 4, 30)):  # before and after the bill's due date
        on_day = replayed.figures(today, ["HRC", "PLATE", "WIRE"])
        clock.at = datetime(today.year, today.month, today.day, 2, 0, tzinfo=UTC)
        assert on_day.financial_balance == funds.financial_balance().amount
        assert on_day.available_to_order == funds.available_to_order().amount
        assert on_day.credit_available == funds.credit_available().amount
        assert on_day.overdue == bool(funds.overdue_bills())
        assert {c.category: c.available_to_order for c in on_day.categories} == {
            code: funds.available_to_order(code).amount for code in ("HRC", "PLATE", "WIRE")
        }
    assert [e.kind for e in replayed.entries] == [
        "payment", "allocation", "reserved", "settled", "refund_requested", "reserved",
    ]  # fmt: skip
    assert all(sum(line.amount for line in e.lines) == 0 for e in replayed.entries)


def test_a_replay_until_a_moment_or_a_version_stops_there(clock: FrozenClock) -> None:
    _, recorded = _history(clock)
    after_allocation = recorded[2]
    by_version = replay_funds(recorded, until_version=after_allocation.originator_version)
    by_time = replay_funds(recorded, until=after_allocation.timestamp + timedelta(hours=1))
    for replayed in (by_version, by_time):
        assert replayed.version == after_allocation.originator_version
        assert replayed.buckets == {
            "category:HRC": Decimal("8000.00"),
            "seller.bank": Decimal("-10000.00"),
            "unallocated": Decimal("2000.00"),
        }
        figures = replayed.figures(date(2026, 3, 3))
        assert figures.financial_balance == Decimal("10000.00")
        assert figures.available_to_order == Decimal("8000.00")
        assert [e.kind for e in replayed.entries] == ["payment", "allocation"]


def test_before_the_first_event_the_replay_is_empty(clock: FrozenClock) -> None:
    _, recorded = _history(clock)
    replayed = replay_funds(recorded, until=recorded[0].timestamp - timedelta(seconds=1))
    assert (replayed.version, replayed.buckets, replayed.entries) == (0, {}, ())
    figures = replayed.figures(date(2026, 2, 1))
    assert not figures.opened
    assert figures.financial_balance == figures.credit_limit == Decimal("0.00")
