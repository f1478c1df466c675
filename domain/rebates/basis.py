"""What a contract's rebates were computed on (``RebateBasis``) and a tiered policy's figures
for one customer and period (``TierProgress``).

The basis keeps, per contract, the settled lines and every policy applied (its version, rate,
base and what it accrued), so a later correction recomputes with the same terms and posts the
difference. A correction that arrives before the settlement is held and applied at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate, CopiesCheaply
from domain.ledger import stable_id
from domain.rebates import arithmetic
from domain.rebates.values import PolicyTerms
from domain.trading.settled import ContractAdjustment, SettledItem
from domain.values import Money, Quantity


@dataclass(frozen=True)
class Applied:
    """One policy applied to one contract."""

    policy_id: UUID
    policy_no: str
    kind: str
    version: int
    rate: Decimal | None  # percentage kinds; None for tiers
    period: str  # the period the accrual belongs to
    base_amount: Money  # the contract's part the policy applied to
    base_tonnes: Quantity
    accrued: Money  # percentage kinds: what the contract accrued under it so far


class RebateBasis(CopiesCheaply, Aggregate):
    @staticmethod
    def create_id(contract_id: UUID) -> UUID:
        return stable_id("rebate-basis", str(contract_id))

    @event("Opened")
    def __init__(self, contract_id: UUID, customer_id: UUID) -> None:
        self.contract_id = contract_id
        self.customer_id = customer_id
        self.contract_no = ""
        self.accrued = False
        self.items: tuple[SettledItem, ...] = ()
        self.applied: tuple[Applied, ...] = ()
        self.held: tuple[ContractAdjustment, ...] = ()

    def hold(self, adjustment: ContractAdjustment) -> None:
        """A correction before the settlement: applied when the contract settles."""
        self._held(adjustment=adjustment)

    def accrue(
        self, contract_no: str, items: tuple[SettledItem, ...], applied: tuple[Applied, ...]
    ) -> None:
        self._accrued(contract_no=contract_no, items=items, applied=applied)

    def adjust(
        self,
        adjustment: ContractAdjustment,
        items: tuple[SettledItem, ...],
        applied: tuple[Applied, ...],
    ) -> None:
        self._adjusted(adjustment=adjustment, items=items, applied=applied)

    @event("AdjustmentHeld")
    def _held(self, adjustment: ContractAdjustment) -> None:
        self.held = (*self.held, adjustment)

    @event("Accrued")
    def _accrued(
        self, contract_no: str, items: tuple[SettledItem, ...], applied: tuple[Applied, ...]
    ) -> None:
        self.contract_no = contract_no
        self.items = items
        self.applied = applied
        self.accrued = True

    @event("Adjusted")
    def _adjusted(
        self,
        adjustment: ContractAdjustment,
        items: tuple[SettledItem, ...],
        applied: tuple[Applied, ...],
    ) -> None:
        self.items = items
        self.applied = applied


@dataclass(frozen=True)
class TierStanding:
    """Where a tier's figures stand: the rate reached and what is left to the next tier."""

    tier_rate: Decimal | None
    next_lower: Decimal | None
    to_go: Decimal | None


class TierProgress(CopiesCheaply, Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, policy_id: UUID, period: str) -> UUID:
        return stable_id("rebate-tier", f"{customer_id}:{policy_id}:{period}")

    @event("Opened")
    def __init__(self, customer_id: UUID, policy_id: UUID, period: str) -> None:
        self.customer_id = customer_id
        self.policy_id = policy_id
        self.period = period
        self.tonnes = Quantity.zero()
        self.amount = Money.zero()
        self.accrued = Money.zero()
        self.policy_version = 0  # not ``version``: that is the aggregate's own

    def advance(self, tonnes: Quantity, amount: Money, terms: PolicyTerms) -> Money:
        """Add (or, negative, take back) a contract's figures; what the tier rebate changes by
        (the target on the new figures less what the period's tier accrued so far)."""
        new_tonnes, new_amount = self.tonnes + tonnes, self.amount + amount
        target = arithmetic.tier_target(terms, new_tonnes, new_amount)
        delta = target - self.accrued
        self._advanced(
            tonnes=new_tonnes,
            amount=new_amount,
            accrued=target,
            policy_version=terms.version,
            measure=terms.measure or "amount",
            standing=standing(terms, new_tonnes, new_amount),
        )
        return delta

    @event("Advanced")
    def _advanced(
        self,
        tonnes: Quantity,
        amount: Money,
        accrued: Money,
        policy_version: int,
        measure: str,
        standing: TierStanding,
    ) -> None:
        self.tonnes = tonnes
        self.amount = amount
        self.accrued = accrued
        self.policy_version = policy_version


def standing(terms: PolicyTerms, tonnes: Quantity, amount: Money) -> TierStanding:
    tier = arithmetic.reached(terms, tonnes, amount)
    following = arithmetic.next_tier(terms, tonnes, amount)
    value = arithmetic.measured(terms, tonnes, amount)
    return TierStanding(
        tier.rate if tier else None,
        following.lower if following else None,
        following.lower - value if following else None,
    )
