"""Schemas of sales teams, commission rates and the reports (销售报表, 成交动态, 业绩与提成)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from domain.context import Role
from domain.errors import ValidationError
from interfaces.api.schemas.accounts import Strict
from interfaces.api.schemas.common import Amount, CommandAnswer, Instant, PerTonne, Tonnage

_RATE_TEXT = re.compile(r"[+-]?\d{1,4}(\.\d{1,8})?")

RateText = Annotated[
    str,
    Field(
        max_length=16,
        examples=["1.50"],
        description='Per cent, 0 to 100, at most 4 places, as a string: "1.50" is 1.5 %',
    ),
]
Rate = Annotated[Decimal, Field(examples=["1.50"], json_schema_extra={"format": "decimal"})]


def to_percent(text: str) -> Decimal:
    """A rate from its decimal string; the schedule checks 0–100 (``invalid_rate``)."""
    if not _RATE_TEXT.fullmatch(text):
        raise ValidationError("invalid_rate", f'{text!r} is not a rate in per cent such as "1.50".')
    return Decimal(text)


# ---- teams --------------------------------------------------------------------------------
class TeamAssign(Strict):
    lead_id: UUID = Field(
        description="The supervisor (for a manager) or director (for a supervisor)"
    )


class TeamAssigned(CommandAnswer):
    staff_id: UUID
    lead_id: UUID
    previous_lead_id: UUID | None = Field(description="The team it left (null: none)")
    moved: bool = Field(description="False when it was in this team already (nothing written)")


class TeamMemberPublic(BaseModel):
    staff_id: UUID
    name: str
    role: Role
    lead_id: UUID | None


class TeamsPublic(BaseModel):
    data: list[TeamMemberPublic]
    count: int


# ---- commission rates ---------------------------------------------------------------------
class ProductRateIn(Strict):
    product_id: UUID
    rate: RateText | None = Field(description="null: the product earns the global rate again")


class CommissionRatesSet(Strict):
    global_rate: RateText | None = Field(
        default=None, description="On every line without a product rate (null: unchanged)"
    )
    product_rates: list[ProductRateIn] = Field(default_factory=list, max_length=500)


class ProductRatePublic(BaseModel):
    product_id: UUID
    rate: Rate


class CommissionRatesPublic(BaseModel):
    rate_version: int = Field(description="0 before any rate was set")
    global_rate: Rate
    product_rates: list[ProductRatePublic]
    effective_at: Instant | None


class CommissionRatesAnswer(CommissionRatesPublic, CommandAnswer):
    pass


# ---- reports ------------------------------------------------------------------------------
class SalesFigures(BaseModel):
    ordered_tonnes: Tonnage
    ordered_amount: Amount
    settled_tonnes: Tonnage
    settled_amount: Amount
    commission: Amount | None = Field(
        description="On the settled amount, at the rate of order time; null for a buyer (the "
        "seller's staff only)"
    )


class SalesRow(SalesFigures):
    period: str | None = Field(description="YYYY-MM-DD or YYYY-MM (null: the whole range)")
    key: str | None = Field(default=None, description="The dimension's value (an id or code)")
    name: str | None = Field(default=None, description="Its name (product, customer, manager)")


class SalesReport(BaseModel):
    data: list[SalesRow]
    count: int
    totals: SalesFigures = Field(description="Every row on all pages")


class DealPublic(BaseModel):
    dealt_at: Instant
    buyer: str = Field(examples=["山东**钢贸"], description="The buyer's name, masked")
    region: str
    category: str
    description: str
    unit_price: PerTonne
    tonnes: Tonnage
    amount: Amount
    source: str = Field(examples=["order"], description="order, auction, intent, erp")


class DealFeed(BaseModel):
    data: list[DealPublic]
    count: int


class CommissionLine(BaseModel):
    settled_on: str
    ordered_on: str
    contract_id: UUID
    contract_no: str
    line_no: int
    company_id: UUID
    company_name: str
    manager_id: UUID = Field(description="Bound to the customer when the contract was made")
    manager_name: str
    product_id: UUID
    description: str
    settled_tonnes: Tonnage
    settled_amount: Amount
    rate: Rate
    rate_version: int
    commission: Amount


class CommissionTotals(BaseModel):
    settled_tonnes: Tonnage
    settled_amount: Amount
    commission: Amount


class CommissionsReport(BaseModel):
    data: list[CommissionLine]
    count: int
    totals: CommissionTotals


class PerformanceRow(SalesFigures):
    staff_id: UUID
    name: str
    role: Role
    lead_id: UUID | None


class PerformanceReport(BaseModel):
    data: list[PerformanceRow]
    count: int


class AuctionResult(BaseModel):
    lot_id: UUID
    session_id: UUID
    session_name: str
    lot_no: str
    category: str
    description: str
    quantity: Tonnage
    starting_price: PerTonne
    winning_price: PerTonne | None
    amount: Amount | None
    bid_count: int
    bidder_count: int
    extensions: int
    closed_at: Instant | None
    outcome: str = Field(examples=["paid"], description="awarded, paid, forfeited, unsold")
    outcome_label: str = Field(examples=["已付款"])
    winner: str | None = Field(description="The winner's name, masked")


class AuctionResultsReport(BaseModel):
    data: list[AuctionResult]
    count: int
