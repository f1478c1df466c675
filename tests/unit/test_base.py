"""The base aggregate: causes and clock on every event, and cheap copies that share nothing
mutable with the original."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from uuid import uuid4

from domain import context
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.funds.account import FundsAccount
from domain.values import Money


def test_events_take_cause_and_time_from_the_command_context() -> None:
    clock = FrozenClock(datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    user = uuid4()
    ctx = CommandContext(actor=Actor(user, Role.FINANCE), request_id="r-1", clock=clock)
    with context.acting(ctx):
        funds = FundsAccount(company_id=uuid4())
    [opened] = funds.collect_events()
    assert opened.timestamp == clock()
    assert (opened.caused_by.user_id, opened.caused_by.role) == (user, "finance")
    assert opened.caused_by.request_id == "r-1"


def test_a_copy_shares_no_container_with_the_original() -> None:
    funds = FundsAccount(company_id=uuid4())
    funds.record_payment(Money.parse("100.00"), "REF-1")
    clone = copy.deepcopy(funds)
    clone.allocate(Money.parse("40.00"), "HRC")
    assert funds.balance("category:HRC") == Money.zero()
    assert len(funds.pending_events) == 2 and len(clone.pending_events) == 3
    assert clone.balance("category:HRC") == Money.parse("40.00")
