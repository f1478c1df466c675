"""What funds commands answer: plain, JSON-able values (str, Decimal, UUID, bool, None, dicts and
lists of those), so an Idempotency-Key replay returns exactly the first response."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.funds.account import FundsAccount
from domain.funds.journal import JournalEntry
from domain.funds.requests import RefundRequest, TransferRequest
from domain.values import Money

Result = dict[str, Any]


def as_result(funds: FundsAccount, command: Callable[[FundsAccount], Any]) -> Result:
    outcome = command(funds)
    if isinstance(outcome, dict):
        return outcome
    if isinstance(outcome, TransferRequest | RefundRequest):
        return record_result(funds.company_id, outcome)
    return entry_result(funds, outcome if isinstance(outcome, JournalEntry) else None)


def _balances(funds: FundsAccount) -> dict[str, Decimal]:
    return {bucket: money.amount for bucket, money in funds.balances().items()}


def entry_result(funds: FundsAccount, entry: JournalEntry | None) -> Result:
    result: Result = {"company_id": funds.company_id, "balances": _balances(funds)}
    if entry is not None:
        result |= {"entry_id": entry.entry_id, "kind": entry.kind}
    return result


def record_result(company_id: UUID, record: Any) -> Result:
    """A payment, transfer or refund record as plain values (Money → Decimal, enum → value)."""
    result: Result = {"company_id": company_id}
    for field in fields(record):
        value = getattr(record, field.name)
        result[field.name] = (
            value.amount if isinstance(value, Money) else getattr(value, "value", value)
        )
    return result


def credit_result(funds: FundsAccount) -> Result:
    line = funds.credit_line
    return {
        "company_id": funds.company_id,
        "credit_limit": line.terms.limit.amount if line else Decimal("0.00"),
        "credit_used": funds.credit_used().amount,
        "credit_available": funds.credit_available().amount,
        "credit_open": bool(line and line.open),
        "credit_frozen": bool(line and line.frozen),
    }
