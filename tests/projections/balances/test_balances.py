"""The balances, journal and funds-tracking read models, fed by funds commands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.commands import CommandRunner
from domain.context import FrozenClock
from domain.funds.account import PaymentPurpose
from domain.funds.service import FundsService
from domain.ledger import Ledger
from projections.balances.projection import BalancesProjection, BalancesView
from projections.balances.reconcile import Reconciler
from projections.database import ViewDatabase
from projections.funds_tracking.projection import (
    CompanyScope,
    FundsTrackingProjection,
    FundsTrackingView,
)
from projections.runner import ProjectionRunner
from tests.projections.funds_story import START, acting, cny, new_company, within, write_story

TODAY = date(2026, 3, 1)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def funds(ledger: Ledger) -> FundsService:
    return FundsService(CommandRunner(ledger, attempts=60))


@pytest.fixture
def runner(ledger: Ledger, db: ViewDatabase) -> ProjectionRunner:
    return ProjectionRunner(ledger, db, [BalancesProjection(), FundsTrackingProjection()])


def d(value: str) -> Decimal:
    return Decimal(value)


def test_the_dashboard_shows_every_figure_of_a_funds_history(
    ledger: Ledger,
    db: ViewDatabase,
    funds: FundsService,
    runner: ProjectionRunner,
    clock: FrozenClock,
) -> None:
    story = write_story(ledger, funds, clock)
    runner.catch_up()
    view = BalancesView(db)

    shown = view.figures(story.company, TODAY, categories=["WIRE"])

    assert (shown.unallocated, shown.allocated, shown.held) == (d("4500"), d("3500"), d("0"))
    assert (shown.deposit_free, shown.deposit_locked, shown.rebate) == (
        d("400"),
        d("600"),
        d("100"),
    )
    assert shown.reserved == d("7200.00")
    assert shown.financial_balance == d("13200.00")
    assert (shown.credit_limit, shown.credit_used, shown.credit_available) == (
        d("20000"), d("3000"), d("17000"),
    )  # fmt: skip
    assert shown.credit_open and not shown.credit_frozen and not shown.overdue
    assert shown.available_to_order == d("20500.00")
    assert [(c.category, c.amount, c.available_to_order) for c in shown.categories] == [
        ("HRC", d("1000"), d("18000")),
        ("PLATE", d("2500"), d("19500")),
        ("WIRE", d("0"), d("17000")),
    ]
    assert view.buckets(story.company)[f"reserved:{story.contract}"] == d("7200")
    other = view.figures(story.other, TODAY)
    assert (other.unallocated, other.financial_balance) == (d("500"), d("500"))


def test_the_view_equals_the_aggregate_after_every_command(
    ledger: Ledger,
    db: ViewDatabase,
    funds: FundsService,
    runner: ProjectionRunner,
    clock: FrozenClock,
) -> None:
    write_story(ledger, funds, clock)
    runner.catch_up()
    result = Reconciler(ledger, BalancesView(db), clock).run()
    assert result.ok, result.differences
    assert result.companies == 2
    assert result.entries == 18


def test_a_post_settled_contract_and_a_released_one(
    ledger: Ledger,
    db: ViewDatabase,
    funds: FundsService,
    runner: ProjectionRunner,
    clock: FrozenClock,
) -> None:
    company = new_company(ledger)
    settled, cancelled = uuid4(), uuid4()
    with acting(clock):
        funds.record_payment(company, cny("10000"), "PAY-1", category="HRC")
        funds.set_credit_line(company, cny("5000"), 5, 20, 3, Decimal("0.0005"))
        within(funds, lambda uow: funds.reserve_in(uow, company, settled, "HRC", cny("12000")))
        within(funds, lambda uow: funds.settle_in(uow, company, settled, cny("6000")))
        within(funds, lambda uow: funds.post_settle_in(uow, company, settled, cny("11000")))
        funds.record_payment(company, cny("3000"), "PAY-2", category="HRC")
        within(funds, lambda uow: funds.reserve_in(uow, company, cancelled, "HRC", cny("2000")))
        within(funds, lambda uow: funds.release_in(uow, company, cancelled))
    runner.catch_up()

    shown = BalancesView(db).figures(company, TODAY)
    # 13000 paid in; 11000 spent: 10000 cash and 1000 of the 2000 credit drawn (1000 repaid)
    assert (shown.allocated, shown.credit_used, shown.reserved) == (d("3000"), d("1000"), d("0"))
    assert shown.financial_balance == d("3000.00")
    assert shown.available_to_order == d("7000.00")
    contracts = FundsTrackingView(db).contract_funds(CompanyScope(company_id=company))
    by_id = {row["contract_id"]: row for row in contracts.rows}
    assert by_id[settled]["last_change"] == "post_settled"
    assert (by_id[settled]["settled"], by_id[settled]["final_amount"]) == (d("11000"), d("11000"))
    assert by_id[settled]["closed"] is True
    assert (by_id[cancelled]["last_change"], by_id[cancelled]["remaining"]) == ("released", d("0"))
    assert Reconciler(ledger, BalancesView(db), clock).run().ok


def test_an_unpaid_bill_is_overdue_and_blocks_credit_before_the_freeze_is_recorded(
    ledger: Ledger,
    db: ViewDatabase,
    funds: FundsService,
    runner: ProjectionRunner,
    clock: FrozenClock,
) -> None:
    company = new_company(ledger)
    contract = uuid4()
    with acting(clock):
        funds.set_credit_line(company, cny("5000"), 5, 20, 3, Decimal("0.001"))
        within(funds, lambda uow: funds.reserve_in(uow, company, contract, "HRC", cny("4000")))
    clock.advance(days=4)  # billing day: 2026-03-05, due 03-20, overdue from 03-24
    with acting(clock):
        funds.issue_credit_bill(company)
    runner.catch_up()
    view = BalancesView(db)
    assert view.figures(company, date(2026, 3, 23)).credit_available == d("1000")
    late = view.figures(company, date(2026, 3, 24))
    assert late.overdue and not late.credit_frozen and late.credit_available == d("0")

    clock.advance(days=20)  # 2026-03-25: frozen, two days of late fees
    with acting(clock):
        funds.assess_credit(company)
    runner.catch_up()
    frozen = view.figures(company, date(2026, 3, 25))
    assert frozen.credit_frozen and frozen.credit_used == d("4008.00")
    assert Reconciler(ledger, view, clock).run().ok

    with acting(clock):
        funds.record_payment(company, cny("5000"), "REPAY-1", purpose=PaymentPurpose.REPAYMENT)
    runner.catch_up()
    repaid = view.figures(company, date(2026, 3, 25))
    assert not repaid.overdue and not repaid.credit_frozen
    assert (repaid.credit_used, repaid.unallocated) == (d("0"), d("992.00"))
    assert repaid.credit_available == d("5000")
    assert Reconciler(ledger, view, clock).run().ok


def test_the_journal_pages_newest_first_and_filters_by_kind_and_date(
    ledger: Ledger,
    db: ViewDatabase,
    funds: FundsService,
    runner: ProjectionRunner,
    clock: FrozenClock,
) -> None:
    story = write_story(ledger, funds, clock)
    with acting(FrozenClock(START.replace(day=3))):
        funds.record_payment(story.company, cny("1"), "BANK-LATE")
    runner.catch_up()
    view = BalancesView(db)

    page = view.journal(story.company, limit=5)
    assert page.total == 18 and len(page.entries) == 5
    first = page.entries[0]
    assert (first.kind, first.reference, first.posted_on) == (
        "payment",
        "BANK-LATE",
        date(2026, 3, 3),
    )
    assert [line.bucket for line in first.lines] == ["seller.bank", "unallocated"]
    assert sum(line.amount for line in first.lines) == 0
    assert first.role == "finance" and first.request_id == "test-finance"
    versions = [e.version for e in view.journal(story.company, limit=100).entries]
    assert versions == sorted(versions, reverse=True)

    payments = view.journal(story.company, kind="payment")
    assert [e.reference for e in payments.entries] == ["BANK-LATE", "BANK-2", "BANK-1"]
    march_first = view.journal(story.company, posted_from=TODAY, posted_to=TODAY)
    assert march_first.total == 17
    assert view.journal(story.company, posted_from=date(2026, 3, 2)).total == 1
    assert view.journal(story.company, offset=17).entries[0].reference == "BANK-1"


def test_payment_and_request_tracking(
    ledger: Ledger,
    db: ViewDatabase,
    funds: FundsService,
    runner: ProjectionRunner,
    clock: FrozenClock,
) -> None:
    story = write_story(ledger, funds, clock)
    runner.catch_up()
    tracking = FundsTrackingView(db)
    mine = CompanyScope(company_id=story.company)

    payments = tracking.payments(mine)
    assert [(p["bank_reference"], p["amount"], p["category"]) for p in payments.rows] == [
        ("BANK-2", d("5000"), "HRC"),
        ("BANK-1", d("10000"), None),
    ]
    assert payments.rows[0]["recorded_role"] == "finance"
    allocations = tracking.allocations(mine).rows
    assert [(a["category"], a["amount"]) for a in allocations] == [("PLATE", d("4000"))]

    requests = {r["request_id"]: r for r in tracking.requests(mine).rows}
    assert requests[story.transfer]["status"] == "approved"
    assert requests[story.transfer]["target"] == "category:HRC"
    paid = requests[story.refund_paid]
    assert (paid["status"], paid["bank_reference"], paid["memo"]) == (
        "paid",
        "OUT-1",
        "back to bank",
    )
    assert paid["paid_at"] is not None and paid["decided_role"] == "finance"
    rejected = requests[story.refund_rejected]
    assert (rejected["status"], rejected["reason"]) == ("rejected", "deposit is locked for bids")
    assert tracking.requests(mine, kind="refund", status="paid").total == 1

    received = tracking.requests(CompanyScope(company_id=story.other)).rows
    assert [r["request_id"] for r in received] == [story.cross_transfer]
    assert received[0]["received_at"] is not None
    assert tracking.payments(CompanyScope(company_id=story.other)).total == 0
    assert tracking.payments(CompanyScope()).total == 2


def test_rebuilding_gives_the_same_rows(
    ledger: Ledger,
    db: ViewDatabase,
    funds: FundsService,
    runner: ProjectionRunner,
    clock: FrozenClock,
) -> None:
    write_story(ledger, funds, clock)
    runner.catch_up()
    projections = [BalancesProjection(), FundsTrackingProjection()]
    before = [p.digest(db) for p in projections]

    ProjectionRunner(ledger, db, projections, batch_size=7).rebuild()

    assert [p.digest(db) for p in projections] == before
