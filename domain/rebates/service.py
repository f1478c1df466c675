"""Rebates (返利), one method per command, each through ``CommandRunner.run``:

    finance creates a policy and revises it by versions (a new version from a later date);
    finance closes a period (a month ``2026-11`` or a year ``2026``): every customer that
    accrued in it is credited its balance in funds (返利调账, reference ``rebate:<period>``) in
    the same write, once;
    the trading hooks accrue on a settlement and correct on an accepted objection or a
    return's refund, inside those writes (``contract_settled_in``, ``contract_adjusted_in``).

Policies are for finance (and other staff to read). Who sees a customer's rebates is the read
model's business (``projections/rebates``): the customer, its manager, staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import context
from domain.access import require_role
from domain.accounts.customers import MEMBER_LEVELS, customer_in
from domain.commands import CommandRunner, Outcome
from domain.context import Role
from domain.errors import ConflictError
from domain.funds.service import FundsService
from domain.rebates import accrual
from domain.rebates.errors import PeriodClosedError, PeriodNotOverError, RebateInvalidError
from domain.rebates.period import RebateAccount, RebatePeriod
from domain.rebates.policy import PolicyIndex, RebatePolicy
from domain.rebates.results import describe, terms_of
from domain.rebates.values import (
    FIRST_YEAR,
    LAST_YEAR,
    MEASURES,
    Period,
    PolicyScope,
    PolicyTerms,
    RebateKind,
    Tier,
    check_tiers,
    check_year,
)
from domain.trading.settled import ContractAdjustment, SettledContract
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity

Result = dict[str, Any]
K = RebateKind
READERS = (Role.FINANCE, Role.OPERATOR, Role.AUDITOR, Role.SUPERVISOR, Role.MANAGER)


@dataclass(frozen=True)
class TermsInput:
    """A version's terms as given: rate or tiers, validity, measure and tier setting."""

    valid_from: date
    valid_to: date | None = None
    rate: Decimal | None = None
    tiers: tuple[Tier, ...] = ()
    measure: str | None = None
    whole_period: bool = True


class RebateService:
    def __init__(self, runner: CommandRunner, funds: FundsService) -> None:
        self.runner = runner
        self.funds = funds

    # ---- policies (finance) ------------------------------------------------------------
    def create_policy(
        self,
        policy_no: str,
        name: str,
        kind: RebateKind,
        terms: TermsInput,
        level: str | None = None,
        customer_id: UUID | None = None,
        category: str | None = None,
        product_id: UUID | None = None,
    ) -> Outcome[Result]:
        """A policy with its first version. Numbers are unique (409 ``duplicate_policy``)."""
        require_role(context.current().actor, Role.FINANCE)
        number = _text(policy_no, "policy_no", 40)
        title = _text(name, "name", 200)
        scope = _scope(kind, level, customer_id)
        code = _category(kind, category)
        if kind is K.SPECIAL and product_id is None:
            raise RebateInvalidError("product_required", "A special-product policy names one.")
        checked = _terms(kind, terms, 1)

        def decide(uow: UnitOfWork) -> Result:
            if scope.customer_id is not None:
                customer_in(uow, scope.customer_id)  # 404 for an unknown customer
            if uow.find(RebatePolicy, RebatePolicy.create_id(number)) is not None:
                raise ConflictError("duplicate_policy", f"Policy {number} exists already.")
            _refuse_closed(uow, kind, checked.valid_from)
            policy = RebatePolicy(
                policy_no=number,
                name=title,
                kind=kind,
                scope=scope,
                category=code,
                product_id=product_id if kind is K.SPECIAL else None,
                terms=checked,
            )
            index = uow.find(PolicyIndex, PolicyIndex.ID)
            if index is None:
                index = PolicyIndex()
                uow.add(index)
            index.register(policy.id)
            uow.add(policy)
            return describe(policy)

        return self.runner.run(decide)

    def revise_policy(self, policy_id: UUID, terms: TermsInput) -> Outcome[Result]:
        """A new version from ``valid_from`` (after the latest version's start, and not in or
        before a closed period: 409 ``period_closed``)."""
        require_role(context.current().actor, Role.FINANCE)

        def decide(uow: UnitOfWork) -> Result:
            policy = uow.get(RebatePolicy, policy_id, "rebate policy")
            checked = _terms(policy.kind, terms, len(policy.versions) + 1)
            _refuse_closed(uow, policy.kind, checked.valid_from)
            version = policy.revise(checked)
            return {**describe(policy), "version": terms_of(version)}

        return self.runner.run(decide)

    def get_policy(self, policy_id: UUID) -> Result:
        require_role(context.current().actor, *READERS)
        reader = UnitOfWork(self.runner.app)
        return describe(reader.get(RebatePolicy, policy_id, "rebate policy"))

    # ---- periods (finance) -------------------------------------------------------------
    def close_period(self, key: str) -> Outcome[Result]:
        """Close a month or a year once it is over: each customer's balance in it is credited
        to its funds' rebate bucket (a negative one is carried into the next open period).
        Closed twice, or concurrently: the second is 409 ``period_closed``, nothing written."""
        require_role(context.current().actor, Role.FINANCE)
        period = Period.parse(key)

        def decide(uow: UnitOfWork) -> Result:
            today = context.current().today()
            if today <= period.end:
                raise PeriodNotOverError(period.key)
            found = uow.find(RebatePeriod, RebatePeriod.create_id(period.key))
            if found is None:
                found = RebatePeriod(key=period.key)
                uow.add(found)
            if found.closed:
                raise PeriodClosedError(period.key, f"Period {period.key} is closed already.")
            credits = [self._close_account(uow, c, period, today) for c in found.customers]
            found.close(tuple((c["company_id"], c["credited"]) for c in credits))
            for credit in credits:
                credit["credited"] = credit["credited"].amount
                credit["carried"] = credit["carried"].amount
            return {"period": period.key, "closed": True, "credits": credits}

        return self.runner.run(decide)

    def _close_account(
        self, uow: UnitOfWork, customer_id: UUID, period: Period, today: date
    ) -> Result:
        account = uow.get(RebateAccount, RebateAccount.create_id(customer_id, period.key))
        balance, reference = account.balance, f"rebate:{period.key}"
        credited, carried = Money.zero(), Money.zero()
        if balance.is_positive():
            try:
                self.funds.credit_rebate_in(uow, customer_id, balance, reference)
            except ConflictError as error:
                if error.code != "rebate_reference_conflict":
                    raise
                # only this period's close credits under its reference: another close won
                closed = f"Period {period.key} was closed meanwhile."
                raise PeriodClosedError(period.key, closed) from error
            credited = balance
        account.close(credited, reference if credited.is_positive() else "", balance - credited)
        if balance.is_negative():
            carried = balance
            accrual.post_in(
                uow, customer_id, period.following, today,
                kind="carried", contract_id=None, contract_no="", policy_id=None,
                policy_no="", policy_kind="", policy_version=0, rate=None,
                base_amount=Money.zero(), base_tonnes=Quantity.zero(), amount=balance,
                note=f"negative balance of {period.key} carried over",
            )  # fmt: skip
        return {
            "company_id": customer_id,
            "credited": credited,
            "carried": carried,
            "reference": reference if credited.is_positive() else None,
        }

    # ---- the trading hooks (inside their writes) ---------------------------------------
    def contract_settled_in(self, uow: UnitOfWork, settled: SettledContract) -> None:
        """后结算 happened: accrue every policy in force on the contract's settled figures."""
        customer = customer_in(uow, settled.buyer_id)
        accrual.accrue_in(uow, settled, customer, context.current().today())

    def contract_adjusted_in(self, uow: UnitOfWork, adjustment: ContractAdjustment) -> None:
        """A compensation or a return: compensating entries for what the accrual loses."""
        accrual.adjust_in(uow, adjustment, context.current().today())


# ---- checks ---------------------------------------------------------------------------------
def _text(value: str, field: str, longest: int) -> str:
    text = (value or "").strip()
    if not text or len(text) > longest:
        raise RebateInvalidError(f"invalid_{field}", f"Give the {field}, 1 to {longest} chars.")
    return text


def _scope(kind: RebateKind, level: str | None, customer_id: UUID | None) -> PolicyScope:
    if kind is K.SPECIAL:
        if level is not None or customer_id is not None:
            raise RebateInvalidError("invalid_scope", "Special-product policies are global.")
        return PolicyScope()
    if kind.tiered and (customer_id is None or level is not None):
        raise RebateInvalidError("invalid_scope", "A tiered policy is for one customer.")
    if (level is None) == (customer_id is None):
        raise RebateInvalidError("invalid_scope", "Name a member level or one customer.")
    if level is not None and level not in MEMBER_LEVELS:
        raise RebateInvalidError("unknown_level", f"Levels are: {', '.join(MEMBER_LEVELS)}.")
    return PolicyScope(level=level, customer_id=customer_id)


def _category(kind: RebateKind, category: str | None) -> str | None:
    if kind is not K.CATEGORY:
        return None
    code = (category or "").strip().upper()
    if not code or len(code) > 20:
        raise RebateInvalidError("category_required", "A category policy names its category.")
    return code


def _terms(kind: RebateKind, terms: TermsInput, version: int) -> PolicyTerms:
    if terms.valid_to is not None and terms.valid_to < terms.valid_from:
        raise RebateInvalidError("invalid_validity", "valid_to is before valid_from.")
    if not all(check_year(d.year) for d in (terms.valid_from, terms.valid_to) if d is not None):
        raise RebateInvalidError(
            "invalid_validity", f"Validity dates are from {FIRST_YEAR} to {LAST_YEAR}."
        )
    if kind.tiered:
        if terms.measure not in MEASURES:
            raise RebateInvalidError("invalid_measure", "Tiers measure tonnes or amount.")
        if terms.rate is not None:
            raise RebateInvalidError("invalid_terms", "A tiered policy has tiers, not a rate.")
        return PolicyTerms(
            version, terms.valid_from, terms.valid_to, None, check_tiers(terms.tiers),
            terms.measure, terms.whole_period,
        )  # fmt: skip
    if terms.rate is None or terms.tiers:
        raise RebateInvalidError("rate_required", "A percentage policy has a rate, no tiers.")
    return PolicyTerms(version, terms.valid_from, terms.valid_to, terms.rate)


def _refuse_closed(uow: UnitOfWork, kind: RebateKind, valid_from: date) -> None:
    """A version may not reach into a closed period: every period from ``valid_from``'s to
    today's must be open."""
    period = Period.of(kind.period_kind, valid_from)
    last = Period.of(kind.period_kind, max(valid_from, context.current().today()))
    while True:
        found = uow.find(RebatePeriod, RebatePeriod.create_id(period.key))
        if found is not None and found.closed:
            raise PeriodClosedError(
                period.key, f"Period {period.key} is closed: a version may not apply to it."
            )
        if period == last:
            return
        period = period.following
