"""Bodies for the cart, orders, contracts and invoices. Decimals travel as strings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BeforeValidator, Field

from domain.trading.settlement import InvoiceKind, ObjectionKind
from domain.values import Money, Quantity
from interfaces.api.schemas.accounts import Strict


def _decimal_text(value: Any) -> Any:
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise ValueError('send decimals as strings, e.g. "12.500"')
    return value


DecimalText = Annotated[str, BeforeValidator(_decimal_text), Field(max_length=32)]


class CartItem(Strict):
    listing_id: UUID
    quantity: DecimalText = Field(description="tonnes, up to 3 decimals", examples=["27.125"])

    def tonnes(self) -> Quantity:
        return Quantity.parse(self.quantity)


class Checkout(Strict):
    account_id: UUID | None = Field(
        default=None, description="The customer; a buyer's own company when omitted"
    )
    delivery_address: str = Field(min_length=1, max_length=200)
    delivery_region: str | None = Field(default=None, max_length=40)
    lines: list[CartItem] | None = Field(
        default=None, max_length=50, description="A manager ordering for a customer names lines"
    )


class Cancel(Strict):
    reason: str = Field(default="", max_length=500)


class ReturnLineIn(Strict):
    line_no: int = Field(ge=1)
    quantity: DecimalText


class ReturnIn(Strict):
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=50)
    reason: str = Field(min_length=1, max_length=500)


class ReturnReview(Strict):
    decision: str = Field(pattern="^(approve|reject)$")
    note: str = Field(default="", max_length=500)


class Confirm(Strict):
    digest: str = Field(min_length=64, max_length=64, description="SHA-256 of the contract text")


class ProductionFact(Strict):
    line_no: int = Field(ge=1)
    scheduled: DecimalText | None = None
    produced: DecimalText | None = None
    production_week: str | None = Field(
        default=None,
        max_length=8,
        examples=["2026-W51"],
        description="排产周: the ISO week (YYYY-Www) the scheduled quantity is planned for",
    )


class ShipmentLineIn(Strict):
    line_no: int = Field(ge=1)
    actual_weight: DecimalText


class ShipmentIn(Strict):
    shipment_id: str = Field(min_length=1, max_length=64)
    lines: list[ShipmentLineIn] = Field(min_length=1, max_length=50)
    warehouse: str = Field(min_length=1, max_length=60)
    shipped_at: datetime
    vehicle_plate: str = Field(default="", max_length=20)
    vessel_name: str = Field(default="", max_length=60)


class CertificateIn(Strict):
    certificate_no: str = Field(min_length=1, max_length=64)
    batch_no: str = Field(min_length=1, max_length=64)
    shipment_id: str = Field(min_length=1, max_length=64)
    verification_code: str | None = Field(default=None, max_length=32)


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=500)


class ObjectionIn(Strict):
    kind: ObjectionKind
    claimed: DecimalText
    description: str = Field(min_length=1, max_length=1000)
    shipment_id: str | None = Field(default=None, max_length=64)


class ObjectionDecision(Strict):
    decision: str = Field(pattern="^(accept|reject)$")
    compensation: DecimalText | None = None
    reason: str = Field(default="", max_length=500)


class ErpLineIn(Strict):
    product_id: UUID
    category: str = Field(min_length=2, max_length=16)
    description: str = Field(min_length=1, max_length=200)
    quantity: DecimalText
    unit_price: DecimalText


class ErpContractIn(Strict):
    account_id: UUID
    external_no: str = Field(min_length=1, max_length=40)
    lines: list[ErpLineIn] = Field(min_length=1, max_length=50)
    warehouse: str = Field(min_length=1, max_length=60)
    region: str = Field(min_length=1, max_length=40)
    address: str = Field(min_length=1, max_length=200)
    delivery_month: str = Field(pattern=r"^\d{4}-\d{2}$")
    payment: str = Field(default="prepay", pattern="^(prepay|credit)$")
    prepay_percent: DecimalText = "100"
    due_days: int = Field(default=3, ge=0, le=365)


class InvoiceShareIn(Strict):
    contract_id: UUID
    amount: DecimalText

    def money(self) -> Money:
        return Money.parse(self.amount)


class InvoiceIn(Strict):
    invoice_no: str = Field(min_length=1, max_length=40)
    kind: InvoiceKind
    shares: list[InvoiceShareIn] = Field(min_length=1, max_length=50)
