"""Bodies and answers of the futures intents (``/intents``). Tonnes and prices travel as decimal
strings; every state comes with its Chinese label (意向提报, 意向补充, 客户确认, 评审中, 评审通过,
已转合同, 已驳回, 已撤回)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.values import Quantity, UnitPrice
from interfaces.api.schemas.accounts import Strict
from interfaces.api.schemas.common import Amount, CommandAnswer, Instant, PerTonne, Tonnage
from interfaces.api.schemas.trading import DecimalText

SPEC_EXAMPLE = {"grade": "Q235B", "standard": "GB/T 3274", "thickness": "4.75", "width": "1500"}


# ---- bodies ------------------------------------------------------------------------------------
class IntentCreate(Strict):
    account_id: UUID | None = Field(
        default=None, description="The customer; your own company when omitted"
    )
    category: str = Field(max_length=20, examples=["HRC"], description="A leaf category code")
    specifications: dict[str, str] = Field(
        max_length=30,
        examples=[SPEC_EXAMPLE],
        description="The category's attributes (GET /catalog/categories shows its template): "
        "every required one, and any standard ones (grade, thickness, width, length, surface, "
        "standard, mill); values as text",
    )
    quantity: DecimalText = Field(description="tonnes, up to 3 places", examples=["500.000"])
    delivery_address: str = Field(max_length=200, examples=["1 Harbour Road, Qingdao"])
    delivery_month: str = Field(max_length=20, examples=["2027-01"], description="YYYY-MM")

    def tonnes(self) -> Quantity:
        return Quantity.parse(self.quantity)


class IntentSupplement(Strict):
    unit_price: DecimalText = Field(description="CNY per tonne", examples=["4150.00"])
    production_week: str = Field(max_length=20, examples=["2026-W51"], description="YYYY-Www")
    terms: str = Field(max_length=1000, examples=["30% prepay, rest before despatch"])

    def price(self) -> UnitPrice:
        return UnitPrice.parse(self.unit_price)


class IntentConfirm(Strict):
    supplement_version: int | None = Field(
        default=None,
        ge=1,
        description="The supplement version you read: refused (409 supplement_changed) if the "
        "manager has supplemented again since",
    )


class IntentReview(Strict):
    decision: Literal["approve", "reject"]
    score: int | None = Field(default=None, description="0–100; required to approve", examples=[85])
    comment: str = Field(default="", max_length=1000, description="Required to reject: the reason")
    level: int | None = Field(
        default=None,
        ge=1,
        description="The review level you decide; by default the one your role decides",
    )


class IntentReason(Strict):
    reason: str = Field(default="", max_length=500)


# ---- answers -----------------------------------------------------------------------------------
class IntentAnswer(CommandAnswer):
    intent_id: UUID
    intent_no: str = Field(examples=["FI20261126A1B2C3D4E5"])
    state: str = Field(examples=["supplemented"])
    state_label: str = Field(examples=["意向补充"])
    next_level: int | None = Field(description="The review level awaited, while in review")
    next_role: str | None = Field(description="Its reviewer role", examples=["supervisor"])
    contract_id: UUID | None = Field(description="The contract, once converted")
    contract_no: str | None = Field(default=None, description="Given by the final approval")
    supplement_version: int | None = Field(default=None, description="Given by a supplement")
    amount: Amount | None = Field(default=None, description="Given by a supplement")


class ReviewStepPublic(BaseModel):
    level: int
    role: str = Field(examples=["supervisor"])
    decision: Literal["pending", "approved", "rejected"]
    reviewer_id: UUID | None
    score: int | None
    comment: str | None
    decided_at: Instant | None


class IntentPublic(BaseModel):
    intent_id: UUID
    intent_no: str
    company_id: UUID
    company_name: str | None
    submitted_by: UUID | None
    submitted_at: Instant
    updated_at: Instant
    category: str = Field(examples=["HRC"])
    specifications: dict[str, str] = Field(examples=[SPEC_EXAMPLE])
    quantity: Tonnage
    delivery_address: str
    delivery_month: str = Field(examples=["2027-01"])
    state: str = Field(examples=["in_review"])
    state_label: str = Field(examples=["评审中"])
    unit_price: PerTonne | None = Field(description="The manager's supplement")
    production_week: str | None = Field(examples=["2026-W51"])
    terms: str | None
    supplement_version: int | None
    amount: Amount | None = Field(description="Price × tonnes")
    rejection_reason: str | None
    withdrawal_reason: str | None
    next_level: int | None
    next_role: str | None
    contract_id: UUID | None = Field(description="The contract it became (已转合同)")
    reviews: list[ReviewStepPublic] = Field(description="The review chain, level 1 first")


class IntentsPublic(BaseModel):
    data: list[IntentPublic]
    count: int
