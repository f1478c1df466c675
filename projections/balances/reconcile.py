"""Reconciliation: the balances read model against the journal replayed from the events.

For every customer with a funds account (found in the event store by its ``Opened`` event, and in
the view), the view and the replay are compared at the same version of the account: the view's
rows for the company and the projection's position are read in one snapshot, and the account's
stored events (no cache, no snapshot, no aggregate) are replayed by ``replay_funds``
(``projections/balances/replay.py``) up to exactly the version that row has applied. Compared are
every bucket, every dashboard figure (for the same business date), the last event applied, and
every journal entry and its lines — all from the events themselves, never from the aggregate's
state, which holds no journal (a reconciler reading it would check the code against itself).
Across the platform every journal entry must balance (its lines sum to zero), both as replayed
and as stored in the view.

Writes that land during a run change neither side of a comparison, so a report taken while
customers pay is as true as one at rest, and nothing waits for the projection to catch up. A
company the projection has not reached yet (its ``Opened`` event is after the view's position) is
not compared; one the view should hold and does not is a difference.

Each difference is named: company, figure, the view's value and the replayed value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import context
from domain.context import Clock, CommandContext, system_clock
from domain.funds.account import FundsAccount
from domain.funds.journal import CATEGORY_PREFIX
from domain.ledger import Ledger
from domain.topics import topics_of
from projections.balances.figures import ZERO, BalanceFigures
from projections.balances.projection import BalancesView
from projections.balances.replay import FundsReplay, replay_funds

OPENED_TOPICS = topics_of(FundsAccount.Opened)  # type: ignore[attr-defined]


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
    """Compares one company at a time, each at the version its view row has applied."""

    def __init__(
        self,
        ledger: Ledger,
        view: BalancesView,
        clock: Clock = system_clock,
        categories: Iterable[str] = (),
    ) -> None:
        self.ledger = ledger
        self.view = view
        self.clock = clock
        self.categories = frozenset(categories)
        self._opened: dict[UUID, int] | None = None  # company → its Opened event's position

    def companies(self) -> list[UUID]:
        """Every company with a funds account, in the store or in the view."""
        opened: dict[UUID, int] = {}
        start = 1
        while True:
            page = self.ledger.recorder.select_notifications(
                start=start, limit=500, topics=OPENED_TOPICS
            )
            for notification in page:
                event: Any = self.ledger.mapper.to_domain_event(notification)
                opened[event.company_id] = notification.id
            if len(page) < 500:
                break
            start = page[-1].id + 1
        self._opened = opened
        return sorted(set(self.view.companies()) | set(opened), key=str)

    def run(
        self,
        on_company: Callable[[UUID], Any] | None = None,
        companies: list[UUID] | None = None,
    ) -> Reconciliation:
        """Check every company (or those given), calling ``on_company`` after each."""
        head = self.ledger.head()
        if companies is None or self._opened is None:
            found = self.companies()
            companies = found if companies is None else companies
        entries = 0
        differences: list[Difference] = []
        for company_id in companies:
            checked, found_here = self.check(company_id)
            entries += checked
            differences += found_here
            if on_company is not None:
                on_company(company_id)
        return Reconciliation(head, len(companies), entries, tuple(differences))

    def check(self, company_id: UUID) -> tuple[int, list[Difference]]:
        """How many entries were checked, and the differences found for one company."""
        with self.view.snapshot() as view:
            version = view.version(company_id)
            if version is None and not self._expected_in(view, company_id):
                return 0, []  # the projection has not reached this account's first event yet
            funds = replay(self.ledger, FundsAccount.id_for(company_id), version)
            if funds.version == 0:
                return 0, [Difference(company_id, "funds account", "present", "missing")]
            differences = self._compare(view, company_id, funds)
        return len(funds.entries), [Difference(company_id, *d) for d in differences]

    def _expected_in(self, view: BalancesView, company_id: UUID) -> bool:
        """Should the view hold this company's row? (Its Opened event is at or before the
        view's position.) A company unknown to the store's scan opened after it."""
        opened = (self._opened or {}).get(company_id)
        return opened is not None and opened <= view.position()

    def _compare(
        self, view: BalancesView, company_id: UUID, funds: FundsReplay
    ) -> list[tuple[str, str, str]]:
        stored = view.buckets(company_id)
        with context.acting(CommandContext(clock=self.clock)):
            today = context.current().today()
        buckets = dict(funds.buckets)
        codes = self.categories | _codes(buckets) | _codes(stored)
        replayed = view_figures(funds.figures(today, codes))
        shown = view_figures(view.figures(company_id, today, codes))
        differences = _compare("", shown, replayed)
        differences += _compare("bucket ", stored, buckets, ZERO)
        differences += _journal(funds, view.entry_lines(company_id))
        return differences


def _journal(
    funds: FundsReplay, stored: dict[UUID, list[tuple[str, Decimal]]]
) -> list[tuple[str, str, str]]:
    found = [
        (f"entry {entry_id} balance", str(_sum(lines)), "")
        for entry_id, lines in stored.items()
        if _sum(lines) != 0
    ]
    for entry in funds.entries:
        lines = [(line.bucket, line.amount) for line in entry.lines]
        if _sum(lines) != 0:
            found.append((f"entry {entry.entry_id} balance", "", str(_sum(lines))))
        shown = stored.pop(entry.entry_id, None)
        if shown != lines:
            found.append((f"entry {entry.entry_id} lines", _show(shown), _show(lines)))
    for entry_id, lines in stored.items():
        found.append((f"entry {entry_id} lines", _show(lines), "missing"))
    return found


def replay(ledger: Ledger, funds_id: UUID, version: int | None = None) -> FundsReplay:
    """A funds account replayed from its stored events (all, or up to ``version``): no cache,
    no snapshot, no aggregate (version 0 if it has no events)."""
    events = ledger.repository.event_store.get(originator_id=funds_id, lte=version)
    return replay_funds(events)


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
