"""Helpers for the funds unit tests: build accounts, run a command that must be refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import DomainError
from domain.funds.account import FundsAccount
from domain.funds.journal import JournalEntry
from domain.values import Money


def cny(value: str) -> Money:
    return Money.parse(value)


def new_account(paid: str = "0", **allocated: str) -> FundsAccount:
    """An account given a payment and allocations, its setup events already collected."""
    funds = FundsAccount(company_id=uuid4())
    if cny(paid).is_positive():
        funds.record_payment(cny(paid), f"SETUP-{uuid4().hex[:8]}")
    for code, amount in allocated.items():
        funds.allocate(cny(amount), code)
    funds.collect_events()
    return funds


def events(funds: FundsAccount) -> list[str]:
    """Names of the events recorded since the last call."""
    return [type(e).__name__ for e in funds.collect_events()]


def refused(funds: FundsAccount, code: str, command: Callable[..., Any], *args: Any) -> DomainError:
    """Run a command that must fail with the given code and record nothing."""
    funds.collect_events()
    before = (funds.version, dict(vars(funds)))
    with pytest.raises(DomainError) as error:
        command(*args)
    assert error.value.code == code, error.value.detail
    assert funds.pending_events == []
    assert (funds.version, dict(vars(funds))) == before
    return error.value


def entries(funds: FundsAccount) -> list[JournalEntry]:
    """The journal entries of the events recorded since the last collection (the journal is
    the events: the account keeps none)."""
    return [e.entry for e in funds.pending_events if getattr(e, "entry", None) is not None]


def all_balanced(funds: FundsAccount) -> bool:
    return (
        all(entry.is_balanced() for entry in entries(funds))
        and sum((m.amount for m in funds.balances().values()), Money.zero().amount) == 0
    )
