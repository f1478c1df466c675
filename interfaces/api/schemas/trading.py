"""Bodies for the cart, orders, contracts and invoices. Decimals travel as strings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BeforeValidator, Field

from domain.contract import Contract
from domain.contract_settlement import InvoiceKind, ObjectionKind
from domain.order import LABELS, Order
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


def order_public(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "order_no": order.order_no,
        "account_id": order.account_id,
        "placed_by": order.placed_by,
        "on_behalf_by": order.on_behalf_by,
        "status": order.status.value,
        "status_label": LABELS[order.status.value],
        "payment_status": order.payment_status.value,
        "payment_status_label": LABELS[order.payment_status.value],
        "shipping_status": order.shipping_status.value,
        "shipping_status_label": LABELS[order.shipping_status.value],
        "total": order.total.amount,
        "payment_due_at": order.payment_due_at,
        "delivery_region": order.delivery_region,
        "delivery_address": order.delivery_address,
        "cancel_reason": order.cancel_reason,
        "contract_ids": list(order.contract_ids),
        "lines": [
            {
                "line_no": ln.line_no,
                "listing_id": ln.listing_id,
                "category": ln.category,
                "warehouse": ln.warehouse,
                "description": ln.description,
                "quantity": ln.quantity.tonnes,
                "unit_price": ln.unit_price.per_tonne,
                "amount": ln.amount.amount,
                "price_rule": ln.price_rule,
                "price_version": ln.price_version,
            }
            for ln in order.lines
        ],
        "returns": [
            {
                "return_id": r.return_id,
                "state": r.state,
                "reason": r.reason,
                "note": r.note,
                "amount": r.amount.amount,
                "lines": [
                    {"line_no": x.line_no, "quantity": x.quantity.tonnes, "amount": x.amount.amount}
                    for x in r.lines
                ],
            }
            for r in order.returns.values()
        ],
    }


def contract_public(contract: Contract) -> dict[str, Any]:
    facts = contract.facts
    return {
        "contract_id": contract.id,
        "contract_no": contract.contract_no,
        "state": contract.state.value,
        "label": contract.label,
        "buyer_id": contract.buyer_id,
        "source": {"kind": facts.source.kind, "reference": facts.source.reference},
        "digest": contract.digest,
        "text": contract.render_text(),
        "total": contract.total_amount.amount,
        "paid": contract.paid_amount.amount,
        "settled_amount": contract.settled_amount.amount,
        "invoiced_amount": contract.invoiced_amount.amount,
        "despatched": contract.is_despatched,
        "lines": [
            {
                "line_no": ln.line_no,
                "category": ln.category,
                "description": ln.description,
                "quantity": ln.quantity.tonnes,
                "unit_price": ln.unit_price.per_tonne,
                "amount": ln.amount.amount,
                "scheduled": contract.scheduled(ln.line_no).tonnes,
                "produced": contract.produced(ln.line_no).tonnes,
                "shipped": contract.shipped(ln.line_no).tonnes,
            }
            for ln in facts.lines
        ],
        "shipments": [
            {
                "shipment_id": s.shipment_id,
                "warehouse": s.warehouse,
                "shipped_at": s.shipped_at,
                "vehicle_plate": s.vehicle_plate,
                "vessel_name": s.vessel_name,
                "lines": [
                    {"line_no": x.line_no, "actual_weight": x.actual_weight.tonnes} for x in s.lines
                ],
            }
            for s in contract.shipments.values()
        ],
        "certificates": [
            {
                "certificate_no": c.certificate_no,
                "batch_no": c.batch_no,
                "shipment_id": c.shipment_id,
            }
            for c in contract.certificates.values()
        ],
        "objections": [
            {
                "objection_id": o.objection_id,
                "kind": o.kind.value,
                "status": o.status.value,
                "claimed": o.claimed.amount,
                "description": o.description,
            }
            for o in contract.objections.values()
        ],
    }
