"""Accrual and correction inside the write of a settlement, an accepted objection or a
return's refund (the trading hooks), so a contract's settlement and its accrual are one atomic
write: no crash can fall between them, and a settlement happens once, so does its accrual.

Which policies apply to a settled contract, on its business date (Asia/Shanghai):
- 订单总价返 (order_total) on the settled total and 商品分类返 (category) on its category's lines:
  a policy for the customer itself takes the place of its level's (per category, for category
  policies); several of the same standing all apply;
- 叠加特殊返 (special): every global special-product policy on that product's lines, on top;
- 月/年阶梯返 (monthly_tier, annual_tier) for the customer: the contract's tonnes and amount add
  to the period's figures and the tier rebate moves to its target on them.

Entries land in the period of their date; a closed period takes none, so they land in the first
open period after it and say so in their note.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain.accounts.customers import Customer
from domain.rebates import arithmetic
from domain.rebates.basis import Applied, RebateBasis, TierProgress
from domain.rebates.period import RebateAccount, RebateEntry, RebatePeriod
from domain.rebates.policy import PolicyIndex, RebatePolicy
from domain.rebates.values import Period, PolicyTerms, RebateKind
from domain.trading.settled import ContractAdjustment, SettledContract, SettledItem
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity

K = RebateKind


def open_period(uow: UnitOfWork, kind: str, day: date) -> Period:
    """The period of ``day``, or the first one after it that is not closed."""
    period = Period.of(kind, day)
    while True:
        found = uow.find(RebatePeriod, RebatePeriod.create_id(period.key))
        if found is None or not found.closed:
            return period
        period = period.following


def first_open_from(uow: UnitOfWork, period: Period) -> Period:
    return open_period(uow, period.kind, period.start)


def account_in(uow: UnitOfWork, customer_id: UUID, period: Period) -> RebateAccount:
    """The customer's account in an open period, opened (and the period joined) on first use."""
    found = uow.find(RebatePeriod, RebatePeriod.create_id(period.key))
    if found is None:
        found = RebatePeriod(key=period.key)
        uow.add(found)
    found.join(customer_id)
    account = uow.find(RebateAccount, RebateAccount.create_id(customer_id, period.key))
    if account is None:
        account = RebateAccount(customer_id=customer_id, period=period.key)
        uow.add(account)
    return account


def post_in(uow: UnitOfWork, customer_id: UUID, origin: Period, day: date, **fields: Any) -> Period:
    """Post an entry belonging to ``origin`` in the first open period from it; the period used."""
    target = first_open_from(uow, origin)
    note = str(fields.pop("note", ""))
    if target != origin:
        late = f"{origin.key} is closed: posted in {target.key}"
        note = f"{note}; {late}" if note else late
    entry = RebateEntry(
        entry_id=uuid4(), note=note, origin_period=origin.key, accrued_on=day, **fields
    )
    account_in(uow, customer_id, target).post(entry)
    return target


# ---- which policies apply ------------------------------------------------------------------
def policies_in_force(
    uow: UnitOfWork, customer: Customer, day: date
) -> list[tuple[RebatePolicy, PolicyTerms]]:
    index = uow.find(PolicyIndex, PolicyIndex.ID)
    found = []
    for policy_id in index.policy_ids if index else ():
        policy = uow.get(RebatePolicy, policy_id, "rebate policy")
        terms = policy.in_force(day)
        if terms is not None and policy.scope.covers(customer.account_id, customer.level):
            found.append((policy, terms))
    return _most_specific(found)


def _most_specific(
    found: list[tuple[RebatePolicy, PolicyTerms]],
) -> list[tuple[RebatePolicy, PolicyTerms]]:
    """For order_total and each category: the customer's own policies replace its level's."""
    own = {_slot(p) for p, _ in found if p.scope.customer_id is not None}
    return [
        (p, t)
        for p, t in found
        if p.kind not in (K.ORDER_TOTAL, K.CATEGORY)
        or p.scope.customer_id is not None
        or _slot(p) not in own
    ]


def _slot(policy: RebatePolicy) -> tuple[str, str | None]:
    return policy.kind.value, policy.category


def base_of(policy: RebatePolicy, items: tuple[SettledItem, ...]) -> tuple[Money, Quantity]:
    """The part of a contract a percentage policy applies to: all of it, a category's lines,
    or a product's lines."""
    chosen = [
        item
        for item in items
        if policy.kind is K.ORDER_TOTAL
        or (policy.kind is K.CATEGORY and item.category == policy.category)
        or (policy.kind is K.SPECIAL and item.product_id == policy.product_id)
    ]
    return (
        sum((item.amount for item in chosen), Money.zero()),
        sum((item.tonnes for item in chosen), Quantity.zero()),
    )


# ---- accrual ---------------------------------------------------------------------------------
def accrue_in(uow: UnitOfWork, settled: SettledContract, customer: Customer, day: date) -> None:
    basis = uow.find(RebateBasis, RebateBasis.create_id(settled.contract_id))
    if basis is not None and basis.accrued:
        return  # a contract settles once; so it accrues once
    if basis is None:
        basis = RebateBasis(contract_id=settled.contract_id, customer_id=settled.buyer_id)
        uow.add(basis)
    items = settled.items
    for held in basis.held:
        items = adjusted_items(items, held)
    applied = [
        _apply(uow, settled, customer.account_id, items, policy, terms, day)
        for policy, terms in policies_in_force(uow, customer, day)
    ]
    basis.accrue(settled.contract_no, items, tuple(a for a in applied if a is not None))


def _apply(
    uow: UnitOfWork,
    settled: SettledContract,
    customer_id: UUID,
    items: tuple[SettledItem, ...],
    policy: RebatePolicy,
    terms: PolicyTerms,
    day: date,
) -> Applied | None:
    origin = open_period(uow, policy.kind.period_kind, day)
    if policy.kind.tiered:
        amount = sum((item.amount for item in items), Money.zero())
        tonnes = sum((item.tonnes for item in items), Quantity.zero())
        _advance_tier(uow, customer_id, policy, terms, origin, tonnes, amount, day, settled)
        return Applied(
            policy.id, policy.policy_no, policy.kind.value, terms.version, None,
            origin.key, amount, tonnes, Money.zero(),
        )  # fmt: skip
    base, tonnes = base_of(policy, items)
    if not base.is_positive() or terms.rate is None:
        return None
    accrued = arithmetic.percentage(base, terms.rate)
    if accrued.amount != 0:
        post_in(
            uow, customer_id, origin, day,
            kind="accrual", contract_id=settled.contract_id, contract_no=settled.contract_no,
            policy_id=policy.id, policy_no=policy.policy_no, policy_kind=policy.kind.value,
            policy_version=terms.version, rate=terms.rate, base_amount=base,
            base_tonnes=tonnes, amount=accrued, note="",
        )  # fmt: skip
    return Applied(
        policy.id, policy.policy_no, policy.kind.value, terms.version, terms.rate,
        origin.key, base, tonnes, accrued,
    )  # fmt: skip


def _advance_tier(
    uow: UnitOfWork,
    customer_id: UUID,
    policy: RebatePolicy,
    terms: PolicyTerms,
    origin: Period,
    tonnes: Quantity,
    amount: Money,
    day: date,
    settled: SettledContract | None,
    kind: str = "accrual",
    contract: tuple[UUID, str] | None = None,
) -> None:
    progress = uow.find(TierProgress, TierProgress.create_id(customer_id, policy.id, origin.key))
    if progress is None:
        progress = TierProgress(customer_id=customer_id, policy_id=policy.id, period=origin.key)
        uow.add(progress)
    delta = progress.advance(tonnes, amount, terms)
    if delta.amount == 0:
        return
    contract_id, contract_no = contract or (
        (settled.contract_id, settled.contract_no) if settled else (None, "")
    )
    reached = arithmetic.reached(terms, progress.tonnes, progress.amount)
    post_in(
        uow, customer_id, origin, day,
        kind=kind, contract_id=contract_id, contract_no=contract_no,
        policy_id=policy.id, policy_no=policy.policy_no, policy_kind=policy.kind.value,
        policy_version=terms.version, rate=reached.rate if reached else None,
        base_amount=progress.amount, base_tonnes=progress.tonnes, amount=delta,
        note=_tier_note(terms, progress),
    )  # fmt: skip


def _tier_note(terms: PolicyTerms, progress: TierProgress) -> str:
    how = "whole period" if terms.whole_period else "above the threshold"
    return f"tier {how}: period at {progress.tonnes} t, {progress.amount} CNY"


# ---- corrections ----------------------------------------------------------------------------
def adjust_in(uow: UnitOfWork, adjustment: ContractAdjustment, day: date) -> None:
    basis = uow.find(RebateBasis, RebateBasis.create_id(adjustment.contract_id))
    if basis is None:
        basis = RebateBasis(contract_id=adjustment.contract_id, customer_id=adjustment.buyer_id)
        uow.add(basis)
    if not basis.accrued:
        basis.hold(adjustment)
        return
    items = adjusted_items(basis.items, adjustment)
    applied = tuple(_correct(uow, basis, a, items, adjustment, day) for a in basis.applied)
    basis.adjust(adjustment, items, applied)


def _correct(
    uow: UnitOfWork,
    basis: RebateBasis,
    applied: Applied,
    items: tuple[SettledItem, ...],
    adjustment: ContractAdjustment,
    day: date,
) -> Applied:
    policy = uow.get(RebatePolicy, applied.policy_id, "rebate policy")
    origin = Period(applied.period)
    why = f"{adjustment.kind} {adjustment.reference}"
    if policy.kind.tiered:
        amount = sum((item.amount for item in items), Money.zero())
        tonnes = sum((item.tonnes for item in items), Quantity.zero())
        progress = uow.find(
            TierProgress, TierProgress.create_id(basis.customer_id, policy.id, origin.key)
        )
        used = progress.policy_version if progress and progress.policy_version else 1
        terms = policy.terms_version(used)
        _advance_tier(
            uow, basis.customer_id, policy, terms, origin,
            tonnes - applied.base_tonnes, amount - applied.base_amount, day, None,
            kind="correction", contract=(basis.contract_id, basis.contract_no),
        )  # fmt: skip
        return replace(applied, base_amount=amount, base_tonnes=tonnes)
    base, tonnes = base_of(policy, items)
    target = arithmetic.percentage(base, applied.rate or 0)  # type: ignore[arg-type]
    delta = target - applied.accrued
    if delta.amount != 0:
        post_in(
            uow, basis.customer_id, origin, day,
            kind="correction", contract_id=basis.contract_id, contract_no=basis.contract_no,
            policy_id=policy.id, policy_no=policy.policy_no, policy_kind=policy.kind.value,
            policy_version=applied.version, rate=applied.rate, base_amount=base,
            base_tonnes=tonnes, amount=delta, note=why,
        )  # fmt: skip
    return replace(applied, base_amount=base, base_tonnes=tonnes, accrued=target)


def adjusted_items(
    items: tuple[SettledItem, ...], adjustment: ContractAdjustment
) -> tuple[SettledItem, ...]:
    """The lines after a correction: a return takes back its lines' tonnes and money; a
    compensation for the whole contract is shared over its lines by amount (the last line
    takes what rounding leaves)."""
    if adjustment.items:
        back = {item.line_no: item for item in adjustment.items}
        return tuple(
            replace(
                item,
                tonnes=max(item.tonnes - back[item.line_no].tonnes, Quantity.zero()),
                amount=max(item.amount - back[item.line_no].amount, Money.zero()),
            )
            if item.line_no in back
            else item
            for item in items
        )
    total = sum((item.amount for item in items), Money.zero())
    if not total.is_positive():
        return items
    left, shared = adjustment.amount, []
    for n, item in enumerate(items):
        share = left if n == len(items) - 1 else _share(adjustment.amount, item.amount, total)
        left -= share
        shared.append(replace(item, amount=max(item.amount - share, Money.zero())))
    return tuple(shared)


def _share(amount: Money, part: Money, total: Money) -> Money:
    return Money(amount.amount * part.amount / total.amount)
