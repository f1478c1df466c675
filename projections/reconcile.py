"""Reconciliation: the balances read model against the journal replayed from the events.

For every customer with a funds account (found in the event store by its ``Opened`` event, and in
the view), the FundsAccount is replayed from all its stored events (no cache, no snapshot) and
compared with the view: every bucket, every dashboard figure (computed by the aggregate's own
queries for the same business date), the last event applied, and every journal entry and its
lines. Across the platform every journal entry must balance (its lines sum to zero), both as
replayed and as stored in the view.

Each difference is named: company, figure, the view's value and the replayed value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate
from eventsourcing.utils import get_topic

from domain import context
from domain.context import Clock, CommandContext, system_clock
from domain.funds import FundsAccount
from domain.journal import CATEGORY_PREFIX, DEPOSIT_FREE, REBATE, UNALLOCATED
from domain.ledger import Ledger
from projections.balance_figures import ZERO, BalanceFigures, figure_of
from projections.balances import BalancesView

OPENED_TOPIC = get_topic(FundsAccount.Opened)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Difference:
    company_id: UUID | None
    figure: str
    view: str
    replayed: str


@dataclass(frozen=True)
class Reconciliation:
    head: int  # the store's position when the run began
    companies: int
    entries: int
    differences: tuple[Difference, ...]

    @property
    def ok(self) -> bool:
        return not self.differences


class Reconciler:
    """Compares one company at a time. When a company differs and its view row is not at its
    aggregate's version (a write landed during the run), ``settle()`` is called (it should let
    the projection catch up) and the company is compared once more before a difference counts."""

    def __init__(
        self,
        ledger: Ledger,
        view: BalancesView,
        clock: Clock = system_clock,
        categories: Iterable[str] = (),
        settle: Callable[[], Any] | None = None,
    ) -> None:
        self.ledger = ledger
        self.view = view
        self.clock = clock
        self.categories = frozenset(categories)
        self.settle = settle

    def companies(self) -> list[UUID]:
        """Every company with a funds account, in the store or in the view."""
        found: set[UUID] = set(self.view.companies())
        start = 1
        while True:
            page = self.ledger.recorder.select_notifications(
                start=start, limit=500, topics=[OPENED_TOPIC]
            )
            for notification in page:
                opened: Any = self.ledger.mapper.to_domain_event(notification)
                found.add(opened.company_id)
            if len(page) < 500:
                return sorted(found, key=str)
            start = page[-1].id + 1

    def run(
        self,
        on_company: Callable[[UUID], Any] | None = None,
        companies: list[UUID] | None = None,
    ) -> Reconciliation:
        """Check every company (or those given), calling ``on_company`` after each."""
        head = self.ledger.head()
        companies = self.companies() if companies is None else companies
        entries = 0
        differences: list[Difference] = []
        for company_id in companies:
            checked, found = self.check(company_id)
            entries += checked
            differences += found
            if on_company is not None:
                on_company(company_id)
        return Reconciliation(head, len(companies), entries, tuple(differences))

    def check(self, company_id: UUID) -> tuple[int, list[Difference]]:
        """How many entries were checked, and the differences found for one company."""
        checked, found, behind = self._compare(company_id)
        if found and behind and self.settle is not None:
            self.settle()
            checked, found, _ = self._compare(company_id)
        return checked, found

    def _compare(self, company_id: UUID) -> tuple[int, list[Difference], bool]:
        funds = replay(self.ledger, FundsAccount.id_for(company_id))
        if not isinstance(funds, FundsAccount):
            return 0, [Difference(company_id, "funds account", "present", "missing")], False
        with context.acting(CommandContext(clock=self.clock)):
            today = context.current().today()
            buckets = {b: m.amount for b, m in funds.balances().items()}
            codes = self.categories | _codes(buckets) | _codes(self.view.buckets(company_id))
            replayed = replayed_figures(funds, buckets, codes)
        shown = view_figures(self.view.figures(company_id, today, codes))
        differences = _compare("", shown, replayed)
        differences += _compare("bucket ", self.view.buckets(company_id), buckets, ZERO)
        differences += self._journal(funds, company_id)
        named = [Difference(company_id, *d) for d in differences]
        return len(funds.journal), named, int(shown["version"]) != funds.version

    def _journal(self, funds: FundsAccount, company_id: UUID) -> list[tuple[str, str, str]]:
        stored = self.view.entry_lines(company_id)
        found = [
            (f"entry {entry_id} balance", str(_sum(lines)), "")
            for entry_id, lines in stored.items()
            if _sum(lines) != 0
        ]
        for entry in funds.journal:
            lines = [(line.bucket, line.amount.amount) for line in entry.lines]
            if not entry.is_balanced():
                found.append((f"entry {entry.entry_id} balance", "", str(_sum(lines))))
            shown = stored.pop(entry.entry_id, None)
            if shown != lines:
                found.append((f"entry {entry.entry_id} lines", _show(shown), _show(lines)))
        for entry_id, lines in stored.items():
            found.append((f"entry {entry_id} lines", _show(lines), "missing"))
        return found


def replay(ledger: Ledger, aggregate_id: UUID) -> Any:
    """An aggregate from every one of its stored events: no cache, no snapshot (None if it has
    no events)."""
    events = ledger.repository.event_store.get(originator_id=aggregate_id)
    return project_aggregate(None, events)


def replayed_figures(
    funds: FundsAccount, buckets: dict[str, Decimal], categories: Iterable[str]
) -> dict[str, Any]:
    """The dashboard by the aggregate's own queries (call inside a context with the clock)."""
    line = funds.credit_line
    totals: dict[str, Decimal] = {}
    for bucket, amount in buckets.items():
        figure = figure_of(bucket)
        if figure is not None and bucket not in (UNALLOCATED, DEPOSIT_FREE, REBATE):
            totals[figure] = totals.get(figure, ZERO) + amount
    figures: dict[str, Any] = {
        "version": funds.version,
        "financial_balance": funds.financial_balance().amount,
        "available_to_order": funds.available_to_order().amount,
        "unallocated": funds.balance(UNALLOCATED).amount,
        "deposit_free": funds.balance(DEPOSIT_FREE).amount,
        "rebate": funds.balance(REBATE).amount,
        **{name: totals.get(name, ZERO) for name in _SUMS},
        "credit_limit": line.terms.limit.amount if line else ZERO,
        "credit_used": funds.credit_used().amount,
        "credit_available": funds.credit_available().amount,
        "credit_open": bool(line and line.open),
        "credit_frozen": bool(line and line.frozen),
        "overdue": bool(funds.overdue_bills()),
    }
    for code in categories:
        figures[f"available_to_order {code}"] = funds.available_to_order(code).amount
    return figures


_SUMS = ("allocated", "held", "reserved", "deposit_locked")


def view_figures(shown: BalanceFigures) -> dict[str, Any]:
    figures: dict[str, Any] = {
        name: getattr(shown, name)
        for name in (
            "version", "financial_balance", "available_to_order", "unallocated", "deposit_free",
            "rebate", *_SUMS, "credit_limit", "credit_used", "credit_available", "credit_open",
            "credit_frozen", "overdue",
        )
    }  # fmt: skip
    for category in shown.categories:
        figures[f"available_to_order {category.category}"] = category.available_to_order
    return figures


def _compare(
    prefix: str, shown: dict[str, Any], replayed: dict[str, Any], missing: Any = None
) -> list[tuple[str, str, str]]:
    return [
        (f"{prefix}{name}", _text(shown.get(name, missing)), _text(replayed.get(name, missing)))
        for name in sorted(shown.keys() | replayed.keys())
        if shown.get(name, missing) != replayed.get(name, missing)
    ]


def _codes(buckets: dict[str, Decimal]) -> set[str]:
    return {b.removeprefix(CATEGORY_PREFIX) for b in buckets if b.startswith(CATEGORY_PREFIX)}


def _sum(lines: list[tuple[str, Decimal]]) -> Decimal:
    return sum((amount for _, amount in lines), ZERO)


def _show(lines: list[tuple[str, Decimal]] | None) -> str:
    return "missing" if lines is None else "; ".join(f"{b} {a}" for b, a in lines)


def _text(value: Any) -> str:
    if value is None:
        return "missing"
    return str(value).lower() if isinstance(value, bool) else str(value)
