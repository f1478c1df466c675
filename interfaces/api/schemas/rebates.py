"""Bodies and answers of rebates (``/rebates``): policies with versions, period closes, the
statement, entries, accounts and tier progress. Amounts, tonnes and rates travel as decimal
strings; rates are per cent ("1.25" is 1.25 %, 0–100, at most 4 places)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.rebates.service import TermsInput
from domain.rebates.values import Tier
from domain.values import Money, Quantity, parse_percent
from interfaces.api.schemas.accounts import Strict
from interfaces.api.schemas.common import Amount, CommandAnswer, Instant, Tonnage
from interfaces.api.schemas.trading import DecimalText

Kind = Literal["order_total", "category", "special", "monthly_tier", "annual_tier"]
Rate = Decimal


# ---- bodies ------------------------------------------------------------------------------------
class TierIn(Strict):
    lower: DecimalText = Field(description="From (inclusive): tonnes or CNY", examples=["20.000"])
    upper: DecimalText | None = Field(
        default=None, description="Up to (exclusive); none for the top tier", examples=["50.000"]
    )
    rate: DecimalText = Field(description="per cent", examples=["1.00"])


class TermsIn(Strict):
    valid_from: date = Field(description="Business date (Asia/Shanghai) it applies from")
    valid_to: date | None = Field(default=None, description="Last business date, if it ends")
    rate: DecimalText | None = Field(
        default=None, description="per cent, for order_total, category, special", examples=["1.50"]
    )
    tiers: list[TierIn] = Field(default=[], max_length=20, description="For tiered kinds")
    measure: Literal["tonnes", "amount"] | None = Field(
        default=None, description="What tiers measure (tiered kinds)"
    )
    whole_period: bool = Field(
        default=True,
        description="Tiered: the rate reached applies to the whole period (true) or only to "
        "what lies above each tier's start (false)",
    )

    def terms(self) -> TermsInput:
        parse = Quantity.parse if self.measure == "tonnes" else Money.parse

        def bound(text: str) -> Decimal:
            value = parse(text)
            return value.tonnes if isinstance(value, Quantity) else value.amount

        tiers = tuple(
            Tier(bound(t.lower), bound(t.upper) if t.upper is not None else None, _rate(t.rate))
            for t in self.tiers
        )
        rate = _rate(self.rate) if self.rate is not None else None
        return TermsInput(
            self.valid_from, self.valid_to, rate, tiers, self.measure, self.whole_period
        )


def _rate(text: str) -> Decimal:
    return parse_percent(text)


class PolicyCreate(TermsIn):
    policy_no: str = Field(max_length=40, examples=["RB-2026-VIP"])
    name: str = Field(max_length=200, examples=["VIP 订单总价返 1.5%"])
    kind: Kind
    level: str | None = Field(default=None, max_length=20, examples=["vip"])
    customer_id: UUID | None = None
    category: str | None = Field(default=None, max_length=20, examples=["HRC"])
    product_id: UUID | None = Field(default=None, description="For special-product policies")


class PolicyRevise(TermsIn):
    pass


# ---- answers -----------------------------------------------------------------------------------
class TierPublic(BaseModel):
    lower: Decimal
    upper: Decimal | None
    rate: Rate


class VersionPublic(BaseModel):
    version: int
    valid_from: date
    valid_to: date | None
    rate: Rate | None
    measure: str | None
    whole_period: bool
    tiers: list[TierPublic]


class PolicyPublic(BaseModel):
    policy_id: UUID
    policy_no: str
    name: str
    kind: Kind
    kind_label: str = Field(examples=["订单总价返"])
    level: str | None
    customer_id: UUID | None
    category: str | None
    product_id: UUID | None
    current_version: int
    versions: list[VersionPublic]


class PoliciesPublic(BaseModel):
    data: list[PolicyPublic]
    count: int


class PolicyAnswer(CommandAnswer, PolicyPublic):
    pass


class CreditPublic(BaseModel):
    company_id: UUID
    credited: Amount
    carried: Amount = Field(description="A negative balance carried into the next period")
    reference: str | None = Field(examples=["rebate:2026-11"])


class PeriodClosed(CommandAnswer):
    period: str = Field(examples=["2026-11"])
    closed: bool
    credits: list[CreditPublic]


class StatementRow(BaseModel):
    company_id: UUID
    company_name: str | None
    period: str = Field(examples=["2026-11"])
    period_kind: str | None = Field(examples=["month"])
    closed: bool
    policy_id: UUID | None
    policy_no: str
    policy_name: str | None
    policy_kind: str
    kind_label: str
    policy_version: int
    accrued: Amount
    credited: Amount
    outstanding: Amount


class StatementPublic(BaseModel):
    data: list[StatementRow]
    count: int


class EntryPublic(BaseModel):
    entry_id: UUID
    company_id: UUID
    company_name: str | None
    period: str
    origin_period: str
    kind: Literal["accrual", "correction", "carried"]
    kind_label: str = Field(examples=["计提"])
    contract_id: UUID | None
    contract_no: str
    policy_id: UUID | None
    policy_no: str
    policy_kind: str
    policy_kind_label: str | None
    policy_version: int
    rate: Rate | None
    base_amount: Amount
    base_tonnes: Tonnage
    amount: Amount
    note: str
    posted_at: Instant
    posted_on: date


class EntriesPublic(BaseModel):
    data: list[EntryPublic]
    count: int


class RebateAccountPublic(BaseModel):
    company_id: UUID
    company_name: str | None
    period: str
    period_kind: str
    accrued: Amount
    credited: Amount
    carried: Amount
    closed: bool
    reference: str | None
    closed_at: Instant | None


class RebateAccountsPublic(BaseModel):
    data: list[RebateAccountPublic]
    count: int


class TierProgressPublic(BaseModel):
    company_id: UUID
    company_name: str | None
    policy_id: UUID
    policy_no: str | None
    policy_name: str | None
    kind: str | None
    kind_label: str | None
    period: str
    measure: str
    tonnes: Tonnage
    amount: Amount
    accrued: Amount
    policy_version: int
    tier_rate: Rate | None = Field(description="The rate of the tier reached")
    next_lower: Decimal | None = Field(description="Where the next tier starts")
    to_go: Decimal | None = Field(description="Tonnes or CNY left to the next tier")
    updated_at: Instant


class TiersPublic(BaseModel):
    data: list[TierProgressPublic]
    count: int


class PeriodPublic(BaseModel):
    period: str
    kind: str
    closed: bool
    closed_at: Instant | None
    credited: Amount
    customers: int


class PeriodsPublic(BaseModel):
    data: list[PeriodPublic]
    count: int
