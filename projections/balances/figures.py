"""The balances read model's arithmetic: which figure a bucket feeds, and the dashboard.

Same definitions as ``domain/funds/account.py`` and ``domain/funds/credit.py`` (and their pure
helpers, so a definition lives in one place), applied to stored rows instead of a loaded aggregate:

  financial balance   = unallocated + categories + held + deposit (free and locked)
                        + the cash part of reservations      (FundsAccount.financial_balance)
  available to order  = allocated money (all categories, or the one) + credit available
  credit available    = max(0, limit - used) when the line is open, not frozen and no bill is
                        overdue; otherwise 0                  (CreditCommands.credit_available)
  overdue             = a bill unpaid on or after due + grace + 1 day, paid oldest first
                        from everything the customer has repaid (CreditCommands.overdue_bills)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.funds.credit import Bill, bill_remaining
from domain.funds.journal import (
    CATEGORY_PREFIX,
    CREDIT_USED,
    DEPOSIT_FREE,
    HELD_PREFIX,
    LOCKED_PREFIX,
    REBATE,
    RESERVED_PREFIX,
    UNALLOCATED,
    is_customer_cash,
)
from domain.values import CENT, Money
from projections.database import to_decimal, to_uuid

ZERO = Decimal("0.00")

# Money columns of fund_accounts kept up to date on every event.
ACCOUNT_FIGURES = (
    "unallocated",  # the unallocated bucket
    "allocated",  # all category:* buckets
    "held",  # held:* (transfers and refunds awaiting finance)
    "reserved",  # reserved:* (held for contracts: cash, credit and rebate)
    "reserved_cash",  # the cash part of the reservations
    "deposit_free",
    "deposit_locked",  # deposit.locked:*
    "rebate",
    "credit_used",  # −credit.used: what the customer owes on the line
    "debt_added",  # all debt ever added (draws, late fees): bills are paid from it
    "financial_balance",
)


def money(value: Decimal) -> Decimal:
    """2 places, and never ``-0.00``."""
    return value.quantize(CENT) + ZERO


def figure_of(bucket: str) -> str | None:
    """The fund_accounts column a bucket's amount counts in (None: the seller's side)."""
    if bucket in (UNALLOCATED, DEPOSIT_FREE, REBATE):
        return bucket.replace(".", "_")
    for prefix, figure in (
        (CATEGORY_PREFIX, "allocated"),
        (HELD_PREFIX, "held"),
        (RESERVED_PREFIX, "reserved"),
        (LOCKED_PREFIX, "deposit_locked"),
    ):
        if bucket.startswith(prefix):
            return figure
    return None


def figure_deltas(deltas: dict[str, Decimal]) -> dict[str, Decimal]:
    """How an entry's bucket deltas change the account's figures (the financial balance by
    ``is_customer_cash``; its reservations' cash part comes from the reservation records)."""
    result: dict[str, Decimal] = {}
    for bucket, delta in deltas.items():
        if bucket == CREDIT_USED:
            result["credit_used"] = result.get("credit_used", ZERO) - delta
            result["debt_added"] = result.get("debt_added", ZERO) + max(ZERO, -delta)
            continue
        figure = figure_of(bucket)
        if figure is not None:
            result[figure] = result.get(figure, ZERO) + delta
        if is_customer_cash(bucket):
            result["financial_balance"] = result.get("financial_balance", ZERO) + delta
    return result


@dataclass(frozen=True)
class CategoryFigures:
    category: str
    amount: Decimal
    available_to_order: Decimal


@dataclass(frozen=True)
class BalanceFigures:
    company_id: UUID
    opened: bool  # False: no funds account yet (all zero)
    version: int  # the last event of its funds account applied
    as_of: date  # the business date the credit figures are for
    financial_balance: Decimal
    available_to_order: Decimal
    unallocated: Decimal
    allocated: Decimal
    categories: tuple[CategoryFigures, ...]
    held: Decimal
    reserved: Decimal
    deposit_free: Decimal
    deposit_locked: Decimal
    rebate: Decimal
    credit_limit: Decimal
    credit_used: Decimal
    credit_available: Decimal
    credit_open: bool
    credit_frozen: bool
    overdue: bool


def dashboard(
    company_id: UUID,
    row: dict[str, Any] | None,
    buckets: dict[str, Decimal],
    bill_rows: list[dict[str, Any]],
    today: date,
    categories: Iterable[str] = (),
) -> BalanceFigures:
    row = row or {}
    amount = {name: money(to_decimal(row.get(name)) or ZERO) for name in ACCOUNT_FIGURES}
    has_line = bool(row.get("has_line"))
    overdue = has_line and _any_overdue(row, amount, bill_rows, today)
    blocked = has_line and (bool(row.get("credit_frozen")) or overdue)
    limit = money(to_decimal(row.get("credit_limit")) or ZERO)
    available = ZERO
    if has_line and row.get("credit_open") and not blocked:
        available = money(max(ZERO, limit - amount["credit_used"]))
    codes = {b.removeprefix(CATEGORY_PREFIX) for b in buckets if b.startswith(CATEGORY_PREFIX)}
    per_category = tuple(
        CategoryFigures(code, held, money(held + available))
        for code in sorted(codes | set(categories))
        for held in [money(buckets.get(CATEGORY_PREFIX + code, ZERO))]
    )
    return BalanceFigures(
        company_id=company_id,
        opened=bool(row),
        version=int(row.get("version") or 0),
        as_of=today,
        financial_balance=amount["financial_balance"],
        available_to_order=money(amount["allocated"] + available),
        unallocated=amount["unallocated"],
        allocated=amount["allocated"],
        categories=per_category,
        held=amount["held"],
        reserved=amount["reserved"],
        deposit_free=amount["deposit_free"],
        deposit_locked=amount["deposit_locked"],
        rebate=amount["rebate"],
        credit_limit=limit,
        credit_used=amount["credit_used"],
        credit_available=available,
        credit_open=has_line and bool(row.get("credit_open")),
        credit_frozen=has_line and bool(row.get("credit_frozen")),
        overdue=overdue,
    )


def _any_overdue(
    row: dict[str, Any], amount: dict[str, Decimal], bill_rows: list[dict[str, Any]], today: date
) -> bool:
    grace = int(row.get("grace_days") or 0)
    reduced = amount["debt_added"] - amount["credit_used"]  # everything repaid so far
    for bill in (_bill(r) for r in bill_rows):
        if today >= bill.overdue_from(grace) and bill_remaining(bill, reduced).is_positive():
            return True
    return False


def _bill(row: dict[str, Any]) -> Bill:
    start = row.get("period_start")
    return Bill(
        bill_id=to_uuid(row["bill_id"]),  # type: ignore[arg-type]
        period_start=date.fromisoformat(start) if start else None,
        period_end=date.fromisoformat(row["period_end"]),
        amount=Money(to_decimal(row["amount"]) or ZERO),
        due_on=date.fromisoformat(row["due_on"]),
        cumulative=Money(to_decimal(row["cumulative"]) or ZERO),
    )


# -- the journal ------------------------------------------------------------------------


@dataclass(frozen=True)
class JournalLineRecord:
    bucket: str
    amount: Decimal


@dataclass(frozen=True)
class JournalEntryRecord:
    entry_id: UUID
    company_id: UUID
    version: int
    event: str
    kind: str
    memo: str
    reference: str
    posted_on: date
    posted_at: datetime
    user_id: UUID | None
    role: str
    request_id: str
    lines: tuple[JournalLineRecord, ...]


@dataclass(frozen=True)
class JournalPage:
    total: int
    entries: list[JournalEntryRecord]


def entry_row(company_id: UUID, event: Any, entry: Any) -> tuple[Any, ...]:
    """fund_journal's columns for an event's entry."""
    cause = event.caused_by
    return (
        entry.entry_id, company_id, event.originator_version, type(event).__name__, entry.kind,
        entry.memo, entry.reference, entry.posted_on.isoformat(), event.timestamp,
        cause.user_id, cause.role, cause.request_id,
    )  # fmt: skip


def journal_page(
    total: int, entries: list[dict[str, Any]], lines: list[dict[str, Any]]
) -> JournalPage:
    by_entry: dict[str, list[JournalLineRecord]] = {}
    for line in lines:
        by_entry.setdefault(str(line["entry_id"]), []).append(
            JournalLineRecord(line["bucket"], money(to_decimal(line["amount"]) or ZERO))
        )
    records = [
        JournalEntryRecord(
            entry_id=to_uuid(e["entry_id"]),  # type: ignore[arg-type]
            company_id=to_uuid(e["company_id"]),  # type: ignore[arg-type]
            version=int(e["version"]),
            event=e["event"],
            kind=e["kind"],
            memo=e["memo"],
            reference=e["reference"],
            posted_on=date.fromisoformat(e["posted_on"]),
            posted_at=to_datetime(e["posted_at"]),
            user_id=to_uuid(e["user_id"]),
            role=e["role"],
            request_id=e["request_id"],
            lines=tuple(by_entry.get(str(e["entry_id"]), ())),
        )
        for e in entries
    ]
    return JournalPage(total, records)


def to_datetime(value: Any) -> datetime:
    """A stored timestamp (TIMESTAMPTZ on PostgreSQL, ISO text on SQLite)."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
