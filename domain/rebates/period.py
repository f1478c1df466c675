"""Where rebates accrue and how a period ends: ``RebatePeriod`` (a month or a year, with the
customers that accrued in it) and ``RebateAccount`` (one customer's entries in one period).

Entries are never edited: an accrual, a correction (a compensating entry) or a negative
balance carried over from a closed period. Closing a period closes every account in it in the
same write as the funds credits (返利调账), so an accrual racing the close either lands before it
(and is credited) or sees it closed (and lands in the next open period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate, CopiesCheaply
from domain.ledger import stable_id
from domain.rebates.errors import PeriodClosedError
from domain.values import Money, Quantity


@dataclass(frozen=True)
class RebateEntry:
    entry_id: UUID
    kind: str  # accrual, correction, carried
    contract_id: UUID | None
    contract_no: str
    policy_id: UUID | None
    policy_no: str
    policy_kind: str
    policy_version: int
    rate: Decimal | None  # the percentage, or the tier's rate reached (whole-period tiers)
    base_amount: Money  # what the rate applied to (a tier: the period's amount after it)
    base_tonnes: Quantity
    amount: Money  # signed: a correction may take back
    note: str
    origin_period: str  # the period the contract's accrual belongs to
    accrued_on: date  # the business date it was posted


class RebatePeriod(CopiesCheaply, Aggregate):
    @staticmethod
    def create_id(key: str) -> UUID:
        return stable_id("rebate-period", key)

    @event("Opened")
    def __init__(self, key: str) -> None:
        self.key = key
        self.customers: tuple[UUID, ...] = ()
        self.closed = False

    def join(self, customer_id: UUID) -> None:
        """A customer's first entry in the period (the close credits every one of them)."""
        self._require_open()
        if customer_id not in self.customers:
            self._joined(customer_id=customer_id)

    def close(self, credits: tuple[tuple[UUID, Money], ...]) -> None:
        self._require_open()
        self._closed(credits=credits)

    def _require_open(self) -> None:
        if self.closed:
            raise PeriodClosedError(self.key, f"Period {self.key} is closed already.")

    @event("CustomerJoined")
    def _joined(self, customer_id: UUID) -> None:
        self.customers = (*self.customers, customer_id)

    @event("Closed")
    def _closed(self, credits: tuple[tuple[UUID, Money], ...]) -> None:
        self.closed = True


class RebateAccount(CopiesCheaply, Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, period: str) -> UUID:
        return stable_id("rebate-account", f"{customer_id}:{period}")

    @event("Opened")
    def __init__(self, customer_id: UUID, period: str) -> None:
        self.customer_id = customer_id
        self.period = period
        self.entries: tuple[RebateEntry, ...] = ()
        self.closed = False
        self.credited = Money.zero()

    @property
    def balance(self) -> Money:
        return sum((entry.amount for entry in self.entries), Money.zero())

    def post(self, entry: RebateEntry) -> None:
        if self.closed:
            raise PeriodClosedError(self.period, f"Period {self.period} takes no more entries.")
        self._posted(entry=entry)

    def close(self, credited: Money, reference: str, carried: Money) -> None:
        """Closed with the period: ``credited`` to funds under ``reference``, or a negative
        balance ``carried`` into the next open period."""
        if self.closed:
            raise PeriodClosedError(self.period, f"Period {self.period} is closed already.")
        self._closed(credited=credited, reference=reference, carried=carried)

    @event("EntryPosted")
    def _posted(self, entry: RebateEntry) -> None:
        self.entries = (*self.entries, entry)

    @event("Closed")
    def _closed(self, credited: Money, reference: str, carried: Money) -> None:
        self.closed = True
        self.credited = credited
