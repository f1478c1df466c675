"""Any sequence of funds commands, allowed or refused, leaves the balances view equal to the
journal replayed from the events, with every entry balanced and no illegal bucket negative."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.commands import CommandRunner
from domain.context import FrozenClock, Role
from domain.errors import DomainError
from domain.funds.journal import may_go_negative
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.values import Money
from projections.balances.projection import BalancesProjection, BalancesView
from projections.balances.reconcile import Reconciler
from projections.database import ViewDatabase
from projections.runner import ProjectionRunner
from tests.projections.funds_story import START, acting, new_company

CATEGORIES = ("HRC", "WIRE")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2)
category = st.sampled_from(CATEGORIES)
steps = st.one_of(
    st.tuples(st.just("pay"), amounts, st.none() | category),
    st.tuples(st.just("allocate"), amounts, category),
    st.tuples(st.just("reserve"), amounts, category),
    st.tuples(st.just("release"), st.just(0), st.just(0)),
    st.tuples(st.just("post_settle"), amounts, st.just(0)),
    st.tuples(st.just("refund"), amounts, st.sampled_from(("unallocated", *CATEGORIES))),
    st.tuples(st.just("decide_refund"), st.booleans(), st.just(0)),
    st.tuples(st.just("transfer"), amounts, category),
    st.tuples(st.just("deposit"), amounts, st.just(0)),
    st.tuples(st.just("rebate"), amounts, st.just(0)),
    st.tuples(st.just("credit_line"), amounts, st.just(0)),
    st.tuples(st.just("days"), st.integers(min_value=1, max_value=40), st.just(0)),
    st.tuples(st.just("compensate"), amounts, category),
)


class Customer:
    """Plays the commands against one company, as finance or as its buyer."""

    def __init__(self, ledger: Ledger, clock: FrozenClock) -> None:
        self.funds = FundsService(CommandRunner(ledger))
        self.clock = clock
        self.company = new_company(ledger)
        self.other = new_company(ledger)
        self.contract: UUID | None = None
        self.refund: UUID | None = None

    def play(self, step: tuple[str, Any, Any]) -> None:
        kind, value, extra = step
        with suppress(DomainError):  # refused: nothing written, as the reconciliation checks
            getattr(self, f"_{kind}")(value, extra)

    def _finance(self) -> Any:
        return acting(self.clock)

    def _buyer(self) -> Any:
        return acting(self.clock, Role.BUYER_ADMIN, self.company)

    def _pay(self, amount: Decimal, code: str | None) -> None:
        with self._finance():
            self.funds.record_payment(self.company, Money(amount), f"B-{uuid4().hex}", code)

    def _allocate(self, amount: Decimal, code: str) -> None:
        with self._finance():
            self.funds.allocate(self.company, Money(amount), code)

    def _reserve(self, amount: Decimal, code: str) -> None:
        self.contract = uuid4()
        contract = self.contract
        self.funds.runner.run(
            lambda uow: self.funds.reserve_in(uow, self.company, contract, code, Money(amount))
        )

    def _release(self, *_: Any) -> None:
        if self.contract is not None:
            contract = self.contract
            self.funds.runner.run(lambda uow: self.funds.release_in(uow, self.company, contract))

    def _post_settle(self, amount: Decimal, _: Any) -> None:
        if self.contract is not None:
            contract = self.contract
            self.funds.runner.run(
                lambda uow: self.funds.post_settle_in(uow, self.company, contract, Money(amount))
            )

    def _refund(self, amount: Decimal, source: str) -> None:
        with self._buyer():
            result = self.funds.request_refund(self.company, Money(amount), source).result
            self.refund = UUID(str(result["refund_id"]))

    def _decide_refund(self, approve: bool, _: Any) -> None:
        if self.refund is None:
            return
        with self._finance():
            if approve:
                self.funds.approve_refund(self.company, self.refund)
                self.funds.mark_refund_paid(self.company, self.refund, f"OUT-{uuid4().hex[:8]}")
            else:
                self.funds.reject_refund(self.company, self.refund, "not now")

    def _transfer(self, amount: Decimal, code: str) -> None:
        with self._buyer():
            result = self.funds.request_transfer(
                self.company, Money(amount), code, None, self.other
            ).result
        with self._finance():
            self.funds.approve_transfer(self.company, UUID(str(result["transfer_id"])))

    def _deposit(self, amount: Decimal, _: Any) -> None:
        with self._buyer():
            self.funds.top_up_deposit(self.company, Money(amount))

    def _rebate(self, amount: Decimal, _: Any) -> None:
        with self._finance():
            self.funds.credit_rebate(self.company, Money(amount), f"R-{uuid4().hex[:8]}")

    def _credit_line(self, amount: Decimal, _: Any) -> None:
        with self._finance():
            self.funds.set_credit_line(self.company, Money(amount), 5, 15, 3, Decimal("0.0005"))

    def _days(self, days: int, _: Any) -> None:
        self.clock.advance(days=days)
        with acting(self.clock, Role.SYSTEM):
            self.funds.issue_credit_bill(self.company)
            self.funds.assess_credit(self.company)

    def _compensate(self, amount: Decimal, code: str) -> None:
        self.funds.runner.run(
            lambda uow: self.funds.compensate_in(
                uow, self.company, Money(amount), "objection", uuid4().hex[:12], code
            )
        )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=st.lists(steps, min_size=1, max_size=14))
def test_any_sequence_keeps_the_view_equal_to_the_replay(
    ledger: Ledger, db: ViewDatabase, plan: list[tuple[str, Any, Any]]
) -> None:
    clock = FrozenClock(START + timedelta(days=1))
    customer = Customer(ledger, clock)
    customer.play(("pay", Decimal("10000.00"), "HRC"))  # money to work with, so fewer refusals
    customer.play(("pay", Decimal("5000.00"), None))
    for step in plan:
        customer.play(step)
    ProjectionRunner(ledger, db, [BalancesProjection()]).catch_up()
    view = BalancesView(db)
    reconciler = Reconciler(ledger, view, clock, CATEGORIES)
    ours = [c for c in reconciler.companies() if c in (customer.company, customer.other)]
    result = reconciler.run(companies=ours)
    assert result.ok, result.differences
    for company in (customer.company, customer.other):
        negative = {b: a for b, a in view.buckets(company).items() if a < 0}
        assert all(may_go_negative(bucket) for bucket in negative), negative
