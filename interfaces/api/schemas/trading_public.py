"""Answers of the order, contract and certificate queries, read from the aggregates themselves
(the tracking lists read a view: ``schemas/tracking.py``). Amounts and tonnes are decimal
strings; each status has its Chinese label beside it (``…_label``)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from pydantic import BaseModel, Field, computed_field

from domain.trading.contract import Contract
from domain.trading.fulfilment import Certificate
from domain.trading.order import LABELS, RETURN_STATE_LABELS, Order
from domain.values import Quantity
from interfaces.api.schemas.common import Amount, Instant, PerTonne, Tonnage
from interfaces.api.schemas.tracking import ShipmentLinePublic


# ---- orders ----------------------------------------------------------------------------------
class OrderLinePublic(BaseModel):
    line_no: int
    listing_id: UUID
    category: str = Field(examples=["HRC"])
    category_name: str | None = Field(default=None, examples=["热轧卷板"])
    warehouse: str
    description: str
    quantity: Tonnage
    unit_price: PerTonne
    amount: Amount
    price_rule: str = Field(examples=["customer_price", "level_ratio:vip", "list"])
    price_version: int


class OrderReturnLinePublic(BaseModel):
    line_no: int
    quantity: Tonnage
    amount: Amount


class OrderReturnPublic(BaseModel):
    return_id: UUID
    state: str = Field(examples=["requested"])
    reason: str
    note: str
    amount: Amount
    lines: list[OrderReturnLinePublic]

    @computed_field(examples=["退货申请中"])  # type: ignore[prop-decorator]
    @property
    def state_label(self) -> str:
        return RETURN_STATE_LABELS.get(self.state, self.state)


class OrderPublic(BaseModel):
    order_id: UUID
    order_no: str = Field(examples=["SO20261126A1B2C3D4E5"])
    account_id: UUID = Field(description="The customer company")
    placed_by: UUID
    on_behalf_by: UUID | None = Field(description="The manager who ordered for the customer")
    status: str = Field(examples=["pending_payment"])
    status_label: str = Field(examples=["待支付"])
    payment_status: str = Field(examples=["unpaid"])
    payment_status_label: str = Field(examples=["未支付"])
    shipping_status: str = Field(examples=["not_shipped"])
    shipping_status_label: str = Field(examples=["未发货"])
    total: Amount
    payment_due_at: Instant
    delivery_region: str
    delivery_address: str
    cancel_reason: str | None
    contract_ids: list[UUID]
    lines: list[OrderLinePublic]
    returns: list[OrderReturnPublic]

    @classmethod
    def of(cls, order: Order, names: Mapping[str, str] | None = None) -> OrderPublic:
        status = order.status.value
        paid, shipped = order.payment_status.value, order.shipping_status.value
        return cls(
            order_id=order.id,
            order_no=order.order_no,
            account_id=order.account_id,
            placed_by=order.placed_by,
            on_behalf_by=order.on_behalf_by,
            status=status,
            status_label=LABELS[status],
            payment_status=paid,
            payment_status_label=LABELS[paid],
            shipping_status=shipped,
            shipping_status_label=LABELS[shipped],
            total=order.total.amount,
            payment_due_at=order.payment_due_at,
            delivery_region=order.delivery_region,
            delivery_address=order.delivery_address,
            cancel_reason=order.cancel_reason,
            contract_ids=list(order.contract_ids),
            lines=[
                OrderLinePublic(
                    line_no=ln.line_no,
                    listing_id=ln.listing_id,
                    category=ln.category,
                    category_name=(names or {}).get(ln.category),
                    warehouse=ln.warehouse,
                    description=ln.description,
                    quantity=ln.quantity.tonnes,
                    unit_price=ln.unit_price.per_tonne,
                    amount=ln.amount.amount,
                    price_rule=ln.price_rule,
                    price_version=ln.price_version,
                )
                for ln in order.lines
            ],
            returns=[
                OrderReturnPublic(
                    return_id=r.return_id,
                    state=r.state,
                    reason=r.reason,
                    note=r.note,
                    amount=r.amount.amount,
                    lines=[
                        OrderReturnLinePublic(
                            line_no=x.line_no, quantity=x.quantity.tonnes, amount=x.amount.amount
                        )
                        for x in r.lines
                    ],
                )
                for r in order.returns.values()
            ],
        )


# ---- contracts -------------------------------------------------------------------------------
class ContractSourcePublic(BaseModel):
    kind: str = Field(examples=["order", "erp"])
    reference: str = Field(description="The order's id, or the ERP's contract number")


class ContractLinePublic(BaseModel):
    line_no: int
    category: str
    description: str
    quantity: Tonnage
    unit_price: PerTonne
    amount: Amount
    scheduled: Tonnage
    produced: Tonnage
    shipped: Tonnage


class ContractShipmentPublic(BaseModel):
    shipment_id: str
    warehouse: str
    shipped_at: Instant
    vehicle_plate: str
    vessel_name: str
    lines: list[ShipmentLinePublic]


class ContractCertificatePublic(BaseModel):
    """质保书; its verification code is not shown here."""

    certificate_no: str
    batch_no: str
    shipment_id: str


class ContractObjectionPublic(BaseModel):
    objection_id: UUID
    kind: str = Field(examples=["quality"])
    status: str = Field(examples=["filed"])
    claimed: Amount
    description: str


class ContractPublic(BaseModel):
    contract_id: UUID
    contract_no: str
    state: str = Field(examples=["effective"])
    state_label: str = Field(examples=["已生效"])
    buyer_id: UUID
    source: ContractSourcePublic
    digest: str = Field(description="SHA-256 of ``text``: present it to confirm (回传确认)")
    text: str
    total: Amount
    paid: Amount
    settled_amount: Amount
    invoiced_amount: Amount
    despatched: bool
    lines: list[ContractLinePublic]
    shipments: list[ContractShipmentPublic]
    certificates: list[ContractCertificatePublic]
    objections: list[ContractObjectionPublic]

    @classmethod
    def of(cls, contract: Contract) -> ContractPublic:
        facts = contract.facts
        return cls(
            contract_id=contract.id,
            contract_no=contract.contract_no,
            state=contract.state.value,
            state_label=contract.label,
            buyer_id=contract.buyer_id,
            source=ContractSourcePublic(kind=facts.source.kind, reference=facts.source.reference),
            digest=contract.digest,
            text=contract.render_text(),
            total=contract.total_amount.amount,
            paid=contract.paid_amount.amount,
            settled_amount=contract.settled_amount.amount,
            invoiced_amount=contract.invoiced_amount.amount,
            despatched=contract.is_despatched,
            lines=[
                ContractLinePublic(
                    line_no=ln.line_no,
                    category=ln.category,
                    description=ln.description,
                    quantity=ln.quantity.tonnes,
                    unit_price=ln.unit_price.per_tonne,
                    amount=ln.amount.amount,
                    scheduled=contract.scheduled(ln.line_no).tonnes,
                    produced=contract.produced(ln.line_no).tonnes,
                    shipped=contract.shipped(ln.line_no).tonnes,
                )
                for ln in facts.lines
            ],
            shipments=[
                ContractShipmentPublic(
                    shipment_id=s.shipment_id,
                    warehouse=s.warehouse,
                    shipped_at=s.shipped_at,
                    vehicle_plate=s.vehicle_plate,
                    vessel_name=s.vessel_name,
                    lines=[
                        ShipmentLinePublic(line_no=x.line_no, actual_weight=x.actual_weight.tonnes)
                        for x in s.lines
                    ],
                )
                for s in contract.shipments.values()
            ],
            certificates=[
                ContractCertificatePublic(
                    certificate_no=c.certificate_no, batch_no=c.batch_no, shipment_id=c.shipment_id
                )
                for c in contract.certificates.values()
            ],
            objections=[
                ContractObjectionPublic(
                    objection_id=o.objection_id,
                    kind=o.kind.value,
                    status=o.status.value,
                    claimed=o.claimed.amount,
                    description=o.description,
                )
                for o in contract.objections.values()
            ],
        )


class CertificateVerification(BaseModel):
    """Public: a quality certificate (质保书) checked by its verification code."""

    genuine: bool
    certificate_no: str
    batch_no: str
    contract_no: str
    shipped_at: Instant
    products: list[str]
    shipped_weight: Tonnage

    @classmethod
    def of(cls, contract: Contract, certificate: Certificate) -> CertificateVerification:
        shipment = contract.shipments[certificate.shipment_id]
        return cls(
            genuine=True,
            certificate_no=certificate.certificate_no,
            batch_no=certificate.batch_no,
            contract_no=contract.contract_no,
            shipped_at=shipment.shipped_at,
            products=[ln.description for ln in contract.facts.lines],
            shipped_weight=sum((x.actual_weight for x in shipment.lines), Quantity.zero()).tonnes,
        )
