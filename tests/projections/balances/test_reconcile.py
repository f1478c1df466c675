"""Reconciliation names every difference between the balances view and the replayed journal."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.commands import CommandRunner
from domain.context import FrozenClock
from domain.funds.service import FundsService
from domain.ledger import Ledger
from projections.balances.projection import BalancesProjection, BalancesView
from projections.balances.reconcile import Difference, Reconciler
from projections.database import ViewDatabase
from projections.runner import ProjectionRunner
from tests.projections.funds_story import START, Story, acting, cny, new_company, write_story


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def funds(ledger: Ledger) -> FundsService:
    return FundsService(CommandRunner(ledger, attempts=60))


@pytest.fixture
def runner(ledger: Ledger, db: ViewDatabase) -> ProjectionRunner:
    return ProjectionRunner(ledger, db, [BalancesProjection()])


@pytest.fixture
def story(
    ledger: Ledger, funds: FundsService, runner: ProjectionRunner, clock: FrozenClock
) -> Story:
    written = write_story(ledger, funds, clock)
    runner.catch_up()
    return written


@pytest.fixture
def reconciler(ledger: Ledger, db: ViewDatabase, clock: FrozenClock) -> Reconciler:
    return Reconciler(ledger, BalancesView(db), clock, categories=["HRC", "PLATE", "WIRE"])


def test_a_clean_view_has_no_differences(story: Story, reconciler: Reconciler) -> None:
    result = reconciler.run()
    assert result.ok
    assert (result.companies, result.entries, result.differences) == (2, 18, ())


def test_a_tampered_bucket_is_named(story: Story, db: ViewDatabase, reconciler: Reconciler) -> None:
    with db.transaction() as tx:
        tx.execute(
            "UPDATE fund_buckets SET amount = %s WHERE company_id = %s AND bucket = 'unallocated'",
            (Decimal("4600.00"), story.company),
        )
    result = reconciler.run()
    assert not result.ok
    assert result.differences == (
        Difference(story.company, "bucket unallocated", "4600.00", "4500.00"),
    )


def test_a_tampered_dashboard_figure_is_named(
    story: Story, db: ViewDatabase, reconciler: Reconciler
) -> None:
    with db.transaction() as tx:
        tx.execute(
            "UPDATE fund_accounts SET financial_balance = %s WHERE company_id = %s",
            (Decimal("99999.00"), story.other),
        )
        tx.execute(
            "UPDATE fund_accounts SET credit_frozen = %s WHERE company_id = %s",
            (True, story.company),
        )
    named = {(d.company_id, d.figure, d.view, d.replayed) for d in reconciler.run().differences}
    assert named == {
        (story.other, "financial_balance", "99999.00", "500.00"),
        (story.company, "credit_frozen", "true", "false"),
        # a frozen line lends nothing: the figures that depend on it differ too
        (story.company, "credit_available", "0.00", "17000.00"),
        (story.company, "available_to_order", "3500.00", "20500.00"),
        (story.company, "available_to_order HRC", "1000.00", "18000.00"),
        (story.company, "available_to_order PLATE", "2500.00", "19500.00"),
        (story.company, "available_to_order WIRE", "0.00", "17000.00"),
    }


def test_an_unbalanced_or_lost_journal_line_is_named(
    story: Story, db: ViewDatabase, reconciler: Reconciler
) -> None:
    entry = db.query(
        "SELECT entry_id FROM fund_journal WHERE company_id = %s AND kind = 'allocation'",
        (story.company,),
    )[0]["entry_id"]
    with db.transaction() as tx:
        tx.execute("DELETE FROM fund_journal_lines WHERE entry_id = %s AND line_no = 0", (entry,))
    figures = {d.figure: (d.view, d.replayed) for d in reconciler.run().differences}
    assert figures == {
        f"entry {entry} balance": ("4000.00", ""),
        f"entry {entry} lines": (
            "category:PLATE 4000.00",
            "unallocated -4000.00; category:PLATE 4000.00",
        ),
    }


def test_a_company_missing_from_the_view_is_found_from_the_store(
    story: Story, db: ViewDatabase, reconciler: Reconciler
) -> None:
    with db.transaction() as tx:
        tx.execute("DELETE FROM fund_accounts WHERE company_id = %s", (story.other,))
    result = reconciler.run()
    assert result.companies == 2
    assert {d.figure for d in result.differences if d.company_id == story.other} >= {
        "version", "financial_balance", "unallocated",
    }  # fmt: skip


def test_writes_the_view_has_not_reached_are_not_reported(
    story: Story, ledger: Ledger, db: ViewDatabase, funds: FundsService, clock: FrozenClock
) -> None:
    newcomer = new_company(ledger)
    with acting(clock):
        funds.record_payment(story.company, cny("1"), "BANK-3")
        funds.record_payment(newcomer, cny("2"), "BANK-4")
    result = Reconciler(ledger, BalancesView(db), clock).run()  # the view is two writes behind
    assert (result.companies, result.entries, result.differences) == (3, 18, ())


def test_a_view_row_ahead_of_the_store_is_named(
    story: Story, db: ViewDatabase, reconciler: Reconciler
) -> None:
    with db.transaction() as tx:
        tx.execute(
            "UPDATE fund_accounts SET version = version + 1 WHERE company_id = %s", (story.other,)
        )
    figures = {d.figure for d in reconciler.run().differences if d.company_id == story.other}
    assert figures == {"version"}
