"""Answers of the tracking queries (``/tracking/...``). Amounts and tonnes are ``Decimal`` here
and decimal strings on the wire; each status code has its Chinese label beside it."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field, computed_field

from domain.trading.order import RETURN_STATE_LABELS
from domain.trading.settlement import OBJECTION_KIND_LABELS, OBJECTION_STATUS_LABELS
from interfaces.api.schemas.common import Amount, Instant, PerTonne, Tonnage


class TrackedOrderPublic(BaseModel):
    order_id: UUID
    order_no: str
    company_id: UUID
    company_name: str | None
    placed_by: UUID
    on_behalf_by: UUID | None = Field(description="The manager who ordered for the customer")
    placed_at: Instant
    placed_on: date = Field(description="Business date (Asia/Shanghai)")
    delivery_region: str
    total: Amount
    status: str
    status_label: str = Field(examples=["待支付"])
    payment_status: str
    payment_status_label: str = Field(examples=["未支付"])
    shipping_status: str
    shipping_status_label: str = Field(examples=["未发货"])
    payment_due_at: Instant
    cancel_reason: str | None
    contract_ids: list[UUID]
    updated_at: Instant


class TrackedContractPublic(BaseModel):
    contract_id: UUID
    contract_no: str
    order_id: UUID | None
    order_no: str | None
    company_id: UUID
    company_name: str | None
    source_kind: str = Field(examples=["order"])
    warehouse: str
    generated_at: Instant
    total: Amount
    paid: Amount
    credit_drawn: Amount
    state: str
    state_label: str = Field(examples=["订单建立"])
    payment_due_on: date | None
    settled_amount: Amount = Field(description="Final amount of the post-settlement (0 before)")
    invoiced_amount: Amount
    despatched: bool = Field(description="Released by the warehouse or partly shipped")
    despatch_released: bool
    despatch_held: bool
    shipment_count: int
    shipping_note: str
    void_reason: str | None
    contracted: Tonnage = Field(description="Tonnes, all lines")
    scheduled: Tonnage
    produced: Tonnage
    shipped: Tonnage
    updated_at: Instant


class ProductionLinePublic(BaseModel):
    contract_id: UUID
    contract_no: str
    company_id: UUID
    state: str
    state_label: str
    line_no: int
    category: str
    description: str
    unit_price: PerTonne
    contracted: Tonnage
    scheduled: Tonnage
    produced: Tonnage
    shipped: Tonnage


class ShipmentLinePublic(BaseModel):
    line_no: int
    actual_weight: Tonnage


class ShipmentPublic(BaseModel):
    contract_id: UUID
    contract_no: str
    company_id: UUID
    shipment_id: str
    warehouse: str
    shipped_at: Instant
    vehicle_plate: str
    vessel_name: str
    weight: Tonnage = Field(description="Actual tonnes, all lines")
    lines: list[ShipmentLinePublic]
    recorded_at: Instant


class CertificatePublic(BaseModel):
    """质保书. Its verification code is never listed: it proves the paper certificate genuine."""

    contract_id: UUID
    contract_no: str
    company_id: UUID
    certificate_no: str
    batch_no: str
    shipment_id: str
    issued_at: Instant


class InvoiceSharePublic(BaseModel):
    contract_id: UUID
    contract_no: str
    company_id: UUID
    amount: Amount


class InvoicePublic(BaseModel):
    invoice_no: str
    kind: str = Field(examples=["vat_special"])
    amount: Amount = Field(description="The shares listed, summed")
    recorded_at: Instant
    shares: list[InvoiceSharePublic]


class ObjectionPublic(BaseModel):
    objection_id: UUID
    contract_id: UUID
    contract_no: str
    company_id: UUID
    kind: str
    shipment_id: str | None
    claimed: Amount
    description: str
    status: str = Field(examples=["filed", "accepted", "rejected"])
    compensation: Amount
    rejection_reason: str
    filed_at: Instant
    resolved_at: Instant | None

    @computed_field(examples=["质量异议"])  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return OBJECTION_KIND_LABELS.get(self.kind, self.kind)

    @computed_field(examples=["已受理"])  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return OBJECTION_STATUS_LABELS.get(self.status, self.status)


class ReturnLinePublic(BaseModel):
    line_no: int
    quantity: Tonnage
    amount: Amount


class ReturnPublic(BaseModel):
    return_id: UUID
    order_id: UUID
    order_no: str
    company_id: UUID
    state: str = Field(examples=["requested", "approved", "received", "refunded", "rejected"])
    reason: str
    note: str
    amount: Amount
    lines: list[ReturnLinePublic]
    requested_at: Instant
    updated_at: Instant

    @computed_field(examples=["退货申请中"])  # type: ignore[prop-decorator]
    @property
    def state_label(self) -> str:
        return RETURN_STATE_LABELS.get(self.state, self.state)


class TrackedOrderDetail(TrackedOrderPublic):
    contracts: list[TrackedContractPublic]
    returns: list[ReturnPublic]


class TrackedContractDetail(TrackedContractPublic):
    lines: list[ProductionLinePublic]
    shipments: list[ShipmentPublic]
    certificates: list[CertificatePublic]
    invoices: list[InvoicePublic]
    objections: list[ObjectionPublic]


class TrackedOrdersPublic(BaseModel):
    data: list[TrackedOrderPublic]
    count: int


class TrackedContractsPublic(BaseModel):
    data: list[TrackedContractPublic]
    count: int


class ProductionPublic(BaseModel):
    data: list[ProductionLinePublic]
    count: int


class ShipmentsPublic(BaseModel):
    data: list[ShipmentPublic]
    count: int


class CertificatesPublic(BaseModel):
    data: list[CertificatePublic]
    count: int


class InvoicesPublic(BaseModel):
    data: list[InvoicePublic]
    count: int


class ObjectionsPublic(BaseModel):
    data: list[ObjectionPublic]
    count: int


class ReturnsPublic(BaseModel):
    data: list[ReturnPublic]
    count: int


class TradeFiguresPublic(BaseModel):
    awaiting_confirmation: Tonnage = Field(description="Tonnes in contracts awaiting 回传确认")
    not_scheduled: Tonnage = Field(description="Tonnes of established contracts not scheduled")
    shipped: Tonnage = Field(description="Tonnes shipped (actual weight)")
    awaiting_settlement: Tonnage = Field(description="Tonnes shipped, awaiting post-settlement")
    awaiting_settlement_amount: Amount = Field(description="Their amount on actual weight")
    invoiced_amount: Amount


class StatusCountPublic(BaseModel):
    code: str
    label: str
    count: int


class TrackingSummaryPublic(BaseModel):
    company_id: UUID
    figures: TradeFiguresPublic
    orders: list[StatusCountPublic]
    contracts: list[StatusCountPublic]
