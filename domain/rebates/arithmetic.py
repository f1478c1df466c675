"""The rebate arithmetic, one place, so any entry can be recomputed from its recorded figures.

- a percentage: round(base × rate / 100, 2), ROUND_HALF_UP;
- a tier on the whole period (``whole_period``): the whole period's amount × the rate of the
  tier the period's measure (tonnes or amount) has reached;
- a tier only above its threshold: each tier's rate on the part of the measure inside it; for
  a tonnage tier that part is valued at the period's average price (amount / tonnes), so
  ``amount × Σ rate_i × tonnes_in_tier_i / tonnes``.

A tier's rebate is a function of the period's figures alone, so each accrual or correction
posts the difference between the target for the figures after it and what the period's tier
accrued so far: the entries always sum to the target, whatever the order they came in.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.rebates.values import PolicyTerms, Tier
from domain.values import CENT, Money, Quantity

HUNDRED = Decimal(100)


def percentage(base: Money, rate: Decimal) -> Money:
    return Money((base.amount * rate / HUNDRED).quantize(CENT, ROUND_HALF_UP))


def measured(terms: PolicyTerms, tonnes: Quantity, amount: Money) -> Decimal:
    return tonnes.tonnes if terms.measure == "tonnes" else amount.amount


def reached(terms: PolicyTerms, tonnes: Quantity, amount: Money) -> Tier | None:
    """The tier the figures have reached (None below the first)."""
    value = measured(terms, tonnes, amount)
    found = None
    for tier in terms.tiers:
        if value >= tier.lower:
            found = tier
    return found


def next_tier(terms: PolicyTerms, tonnes: Quantity, amount: Money) -> Tier | None:
    value = measured(terms, tonnes, amount)
    return next((tier for tier in terms.tiers if tier.lower > value), None)


def tier_target(terms: PolicyTerms, tonnes: Quantity, amount: Money) -> Money:
    """What the period's tier rebate comes to on these figures."""
    if amount.amount <= 0:
        return Money.zero()
    if terms.whole_period:
        tier = reached(terms, tonnes, amount)
        return percentage(amount, tier.rate) if tier else Money.zero()
    value = measured(terms, tonnes, amount)
    if value <= 0:
        return Money.zero()
    weighted = sum((tier.rate * _inside(tier, value) for tier in terms.tiers), Decimal(0))
    if terms.measure == "tonnes":
        raw = amount.amount * weighted / (HUNDRED * value)
    else:
        raw = weighted / HUNDRED
    return Money(raw.quantize(CENT, ROUND_HALF_UP))


def _inside(tier: Tier, value: Decimal) -> Decimal:
    top = value if tier.upper is None else min(value, tier.upper)
    return max(top - tier.lower, Decimal(0))
