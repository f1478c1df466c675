"""What other areas learn of a settled contract and of the corrections that follow it.

``ContractService.on_settled`` hooks receive a ``SettledContract`` in the write of its
post-settlement (后结算): per line the category, product, shipped tonnes and amount on actual
weight. ``on_adjusted`` hooks (on ``ContractService`` and ``ReturnService``) receive a
``ContractAdjustment`` in the write of an accepted objection's compensation or a return's
refund: what the contract's settled figures lose. The rebates area accrues and corrects from
these; trading knows nothing of rebates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity


@dataclass(frozen=True)
class SettledItem:
    line_no: int
    product_id: UUID
    category: str
    tonnes: Quantity  # shipped (actual weight)
    amount: Money  # on actual weight


@dataclass(frozen=True)
class SettledContract:
    contract_id: UUID
    contract_no: str
    buyer_id: UUID
    items: tuple[SettledItem, ...]
    final_amount: Money


@dataclass(frozen=True)
class AdjustedItem:
    line_no: int
    tonnes: Quantity  # tonnes taken back (a return), zero for a compensation
    amount: Money  # money given back on this line


@dataclass(frozen=True)
class ContractAdjustment:
    """What a contract's settled figures lose: ``items`` per line (a return), or only
    ``amount`` for the whole contract (an objection's compensation; ``items`` empty)."""

    contract_id: UUID
    buyer_id: UUID
    kind: str  # "objection" or "return"
    reference: str  # the objection id, or the return id
    items: tuple[AdjustedItem, ...]
    amount: Money


SettledHook = Callable[[UnitOfWork, SettledContract], None]
AdjustedHook = Callable[[UnitOfWork, ContractAdjustment], None]
