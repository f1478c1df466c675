"""One funds account replayed from its events, as of a moment or a version: its buckets, its
dashboard figures and its journal entries.

A pure function of the events (no store, no view, no aggregate state): the reconciliation checks
the balances read model against it, ``GET /funds/{company}?as_of=`` shows it, and the audit's
statements as of a date reuse it. It reads only what the events say: every event with an
``entry`` posts its lines (as ``FundsAccount._post`` and the balances projection do), a
reservation event states the reservation's record (its cash part counts in the financial balance),
the credit line's events its terms and state, ``CreditBilled`` a bill.

The figures follow the definitions of ``domain/funds/account.py`` and ``domain/funds/credit.py``
(see ``projections/balances/figures.py``), computed here from the replayed buckets:

  financial balance  = unallocated + categories + held + deposit (free and locked) + reserved cash
  available to order = allocated money + credit available (the one category's, per category)
  credit available   = max(0, limit - used) while the line is open, not frozen and no bill is
                       overdue on the day asked about
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.funds.credit import Bill, bill_remaining
from domain.funds.journal import CATEGORY_PREFIX, CREDIT_USED, is_customer_cash
from projections.balances.figures import (
    ZERO,
    BalanceFigures,
    CategoryFigures,
    JournalEntryRecord,
    JournalLineRecord,
    figure_of,
    money,
)

_RESERVATION_EVENTS = frozenset(
    {
        "FundsReserved",
        "RebateApplied",
        "ReservationReleased",
        "ReservationSettled",
        "ContractPostSettled",
    }
)


@dataclass(frozen=True)
class LineState:
    """The credit line as its events left it."""

    limit: Decimal
    grace_days: int
    open: bool
    frozen: bool


@dataclass(frozen=True)
class FundsReplay:
    """A funds account as of a point of its history (all zero before its first event)."""

    company_id: UUID | None
    version: int  # the last event applied (0: none)
    last_event_at: datetime | None
    buckets: dict[str, Decimal]  # every non-zero bucket, customer and seller side
    reserved_cash: Decimal  # the cash part of the reservations
    debt_added: Decimal  # all debt ever added (draws, late fees)
    line: LineState | None
    bills: tuple[Bill, ...]
    entries: tuple[JournalEntryRecord, ...] = field(repr=False)  # oldest first

    def total(self, figure: str) -> Decimal:
        """A bucket figure of ``figures.figure_of`` ("allocated", "held", "reserved" …)."""
        return money(sum((a for b, a in self.buckets.items() if figure_of(b) == figure), ZERO))

    @property
    def credit_used(self) -> Decimal:
        return money(-self.buckets.get(CREDIT_USED, ZERO))

    @property
    def financial_balance(self) -> Decimal:
        cash = sum((a for b, a in self.buckets.items() if is_customer_cash(b)), ZERO)
        return money(cash + self.reserved_cash)

    def overdue(self, today: date) -> bool:
        if self.line is None:
            return False
        reduced = self.debt_added - self.credit_used  # everything repaid so far
        return any(
            today >= bill.overdue_from(self.line.grace_days)
            and bill_remaining(bill, reduced).is_positive()
            for bill in self.bills
        )

    def credit_available(self, today: date) -> Decimal:
        line = self.line
        if line is None or not line.open or line.frozen or self.overdue(today):
            return ZERO
        return money(max(ZERO, line.limit - self.credit_used))

    def figures(self, today: date, categories: Iterable[str] = ()) -> BalanceFigures:
        """The dashboard (我的资金) as of this point, its credit figures for ``today``."""
        available = self.credit_available(today)
        allocated = self.total("allocated")
        codes = {
            b.removeprefix(CATEGORY_PREFIX) for b in self.buckets if b.startswith(CATEGORY_PREFIX)
        }
        per_category = tuple(
            CategoryFigures(code, held, money(held + available))
            for code in sorted(codes | set(categories))
            for held in [money(self.buckets.get(CATEGORY_PREFIX + code, ZERO))]
        )
        line = self.line
        return BalanceFigures(
            company_id=self.company_id,  # type: ignore[arg-type]
            opened=self.version > 0,
            version=self.version,
            as_of=today,
            financial_balance=self.financial_balance,
            available_to_order=money(allocated + available),
            unallocated=self.total("unallocated"),
            allocated=allocated,
            categories=per_category,
            held=self.total("held"),
            reserved=self.total("reserved"),
            deposit_free=self.total("deposit_free"),
            deposit_locked=self.total("deposit_locked"),
            rebate=self.total("rebate"),
            credit_limit=money(line.limit) if line else ZERO,
            credit_used=self.credit_used,
            credit_available=available,
            credit_open=bool(line and line.open),
            credit_frozen=bool(line and line.frozen),
            overdue=self.overdue(today),
        )


def replay_funds(
    events: Iterable[Any], until: datetime | None = None, until_version: int | None = None
) -> FundsReplay:
    """Replay one funds account's events (in order) up to and including the last one at or
    before ``until`` (an aware time) and at or below ``until_version``; None: no bound."""
    state = _Replaying()
    for event in events:
        if until_version is not None and event.originator_version > until_version:
            break
        if until is not None and event.timestamp > until:
            break
        state.apply(event)
    return state.result()


class _Replaying:
    def __init__(self) -> None:
        self.company_id: UUID | None = None
        self.version = 0
        self.last_at: datetime | None = None
        self.buckets: dict[str, Decimal] = {}
        self.reservation_cash: dict[UUID, Decimal] = {}
        self.debt_added = ZERO
        self.line: LineState | None = None
        self.bills: list[Bill] = []
        self.entries: list[JournalEntryRecord] = []

    def apply(self, event: Any) -> None:
        name = type(event).__name__
        if name == "Opened":
            self.company_id = event.company_id
        entry = getattr(event, "entry", None)
        if entry is not None:
            self._post(event, name, entry)
        if name in _RESERVATION_EVENTS:
            self.reservation_cash[event.contract_id] = event.reservation.cash.amount
        elif name == "CreditBilled":
            self.bills.append(event.bill)
        else:
            self._line_event(event, name)
        self.version = event.originator_version
        self.last_at = event.timestamp

    def _line_event(self, event: Any, name: str) -> None:
        line = self.line
        if name == "CreditLineSet":
            terms = event.terms
            frozen = line.frozen if line else False
            self.line = LineState(terms.limit.amount, terms.grace_days, True, frozen)
        elif line is not None and name == "CreditLineClosed":
            self.line = LineState(line.limit, line.grace_days, False, line.frozen)
        elif line is not None and name in ("CreditLineFrozen", "CreditLineUnfrozen"):
            self.line = LineState(
                line.limit, line.grace_days, line.open, name == "CreditLineFrozen"
            )

    def _post(self, event: Any, name: str, entry: Any) -> None:
        lines = tuple(JournalLineRecord(ln.bucket, ln.amount.amount) for ln in entry.lines)
        for line in lines:
            after = self.buckets.get(line.bucket, ZERO) + line.amount
            if after == 0:
                self.buckets.pop(line.bucket, None)
            else:
                self.buckets[line.bucket] = after
            if line.bucket == CREDIT_USED and line.amount < 0:
                self.debt_added -= line.amount
        cause = event.caused_by
        self.entries.append(
            JournalEntryRecord(
                entry_id=entry.entry_id,
                company_id=self.company_id,  # type: ignore[arg-type]
                version=event.originator_version,
                event=name,
                kind=entry.kind,
                memo=entry.memo,
                reference=entry.reference,
                posted_on=entry.posted_on,
                posted_at=event.timestamp,
                user_id=cause.user_id,
                role=cause.role,
                request_id=cause.request_id,
                lines=lines,
            )
        )

    def result(self) -> FundsReplay:
        return FundsReplay(
            company_id=self.company_id,
            version=self.version,
            last_event_at=self.last_at,
            buckets={b: money(a) for b, a in sorted(self.buckets.items())},
            reserved_cash=money(sum(self.reservation_cash.values(), ZERO)),
            debt_added=money(self.debt_added),
            line=self.line,
            bills=tuple(self.bills),
            entries=tuple(self.entries),
        )
