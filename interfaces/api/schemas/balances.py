"""Response bodies of the funds read models: balances, journal, tracking, reconciliation.

Amounts are ``Decimal`` here and decimal strings on the wire ("1250.00"); quantities are tonnes
with 3 places ("12.500").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field, computed_field

from domain.funds.labels import REQUEST_KIND_LABELS, REQUEST_STATUS_LABELS, journal_kind_label
from interfaces.api.schemas.common import Amount, Instant, Tonnage
from projections.balances.figures import BalanceFigures, JournalEntryRecord
from projections.balances.reconcile import Reconciliation


class CategoryBalance(BaseModel):
    category: str = Field(examples=["HRC"])
    category_name: str | None = Field(default=None, examples=["热轧卷板"])
    amount: Amount = Field(description="Money allocated to this category")
    available_to_order: Amount = Field(description="The category's money + credit available")


class TradeFigures(BaseModel):
    """The company's contracts in tonnes (from the tracking read model), and CNY invoiced."""

    awaiting_confirmation: Tonnage = Field(description="Tonnes in contracts awaiting 回传确认")
    not_scheduled: Tonnage = Field(description="Tonnes not yet scheduled for production")
    shipped: Tonnage = Field(description="Tonnes shipped")
    awaiting_settlement: Tonnage = Field(description="Tonnes shipped, awaiting post-settlement")
    awaiting_settlement_amount: Amount = Field(description="What that settlement will charge")
    invoiced_amount: Amount


class BalancesPublic(BaseModel):
    """我的资金: one company's funds dashboard."""

    company_id: UUID
    opened: bool = Field(description="False while the company has no funds account (all zero)")
    version: int = Field(description="The last event of the funds account shown")
    as_of: date = Field(description="Business date (Asia/Shanghai) of the credit figures")
    financial_balance: Amount = Field(description="财务余额: paid in, not yet spent or refunded")
    available_to_order: Amount = Field(description="可订货余额: all categories + credit available")
    unallocated: Amount
    allocated: Amount
    categories: list[CategoryBalance]
    held: Amount = Field(description="Held for transfers and refunds awaiting finance")
    reserved: Amount = Field(description="Held for contracts (cash, credit and rebate)")
    deposit_free: Amount
    deposit_locked: Amount
    rebate: Amount
    credit_limit: Amount
    credit_used: Amount
    credit_available: Amount
    credit_open: bool
    credit_frozen: bool
    overdue: bool = Field(description="A credit bill is unpaid past its due date and grace days")
    trade: TradeFigures

    @classmethod
    def of(
        cls, figures: BalanceFigures, trade: dict[str, Decimal], names: Mapping[str, str]
    ) -> BalancesPublic:
        data = asdict(figures)
        for category in data["categories"]:
            category["category_name"] = names.get(category["category"])
        return cls.model_validate({**data, "trade": trade})


class JournalLinePublic(BaseModel):
    bucket: str = Field(examples=["category:HRC"])
    amount: Amount = Field(description="Positive adds to the bucket, negative takes from it")


class CausePublic(BaseModel):
    user_id: UUID | None
    role: str
    request_id: str


class JournalEntryPublic(BaseModel):
    entry_id: UUID
    company_id: UUID
    version: int
    event: str = Field(examples=["PaymentRecorded"])
    kind: str = Field(examples=["payment"])
    memo: str
    reference: str
    posted_on: date = Field(description="Business date (Asia/Shanghai)")
    posted_at: Instant
    caused_by: CausePublic
    lines: list[JournalLinePublic]

    @computed_field(examples=["来款入账"])  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return journal_kind_label(self.kind)

    @classmethod
    def of(cls, record: JournalEntryRecord) -> JournalEntryPublic:
        data: dict[str, Any] = asdict(record)
        data["caused_by"] = {
            "user_id": data.pop("user_id"),
            "role": data.pop("role"),
            "request_id": data.pop("request_id"),
        }
        return cls.model_validate(data)


class JournalPublic(BaseModel):
    data: list[JournalEntryPublic]
    count: int = Field(description="Entries matching the filters, on all pages")


class PaymentPublic(BaseModel):
    company_id: UUID
    bank_reference: str
    amount: Amount
    purpose: str = Field(examples=["funds"])
    category: str | None
    entry_id: UUID
    recorded_at: Instant
    recorded_by: UUID | None
    recorded_role: str
    recorded_request_id: str


class PaymentsPublic(BaseModel):
    data: list[PaymentPublic]
    count: int


class AllocationPublic(BaseModel):
    entry_id: UUID
    company_id: UUID
    category: str
    amount: Amount
    allocated_at: Instant
    allocated_by: UUID | None
    allocated_role: str


class AllocationsPublic(BaseModel):
    data: list[AllocationPublic]
    count: int


class ContractFundsPublic(BaseModel):
    company_id: UUID
    contract_id: UUID
    category: str | None
    cash: Amount = Field(description="Reserved from the category's money")
    credit: Amount = Field(description="Reserved by drawing on the credit line")
    rebate: Amount = Field(description="Rebate applied")
    remaining: Amount = Field(description="Still reserved: cash + credit + rebate")
    settled: Amount
    final_amount: Amount | None = Field(description="The post-settled amount (后结算)")
    closed: bool
    last_change: str = Field(examples=["reserved", "settled", "released", "post_settled"])
    first_at: Instant
    updated_at: Instant


class ContractFundsListPublic(BaseModel):
    data: list[ContractFundsPublic]
    count: int


class RequestPublic(BaseModel):
    request_id: UUID
    kind: str = Field(examples=["transfer", "refund"])
    company_id: UUID = Field(description="The company that asked")
    source: str = Field(examples=["category:HRC", "unallocated", "deposit.free"])
    target: str | None = Field(description="Transfers: the bucket it goes to")
    to_company_id: UUID | None = Field(description="Transfers: the receiving company")
    amount: Amount
    memo: str
    status: str = Field(examples=["requested", "approved", "rejected", "paid"])
    reason: str = Field(description="Why it was rejected")
    bank_reference: str = Field(description="Refunds: the outgoing bank reference once paid")
    requested_at: Instant
    requested_by: UUID | None
    requested_role: str
    decided_at: Instant | None
    decided_by: UUID | None
    decided_role: str | None
    paid_at: Instant | None
    received_at: Instant | None = Field(description="Transfers: when the receiver got it")

    @computed_field(examples=["退款"])  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return REQUEST_KIND_LABELS.get(self.kind, self.kind)

    @computed_field(examples=["待审核"])  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return REQUEST_STATUS_LABELS.get(self.status, self.status)


class RequestsPublic(BaseModel):
    data: list[RequestPublic]
    count: int


class DifferencePublic(BaseModel):
    company_id: UUID | None
    figure: str = Field(examples=["bucket unallocated", "financial_balance"])
    view: str = Field(description="The read model's value")
    replayed: str = Field(description="The value replayed from the events")


class ReconciliationPublic(BaseModel):
    ok: bool
    head: int = Field(description="The store's position when the check began")
    companies: int
    entries: int
    differences: list[DifferencePublic]

    @classmethod
    def of(cls, result: Reconciliation) -> ReconciliationPublic:
        return cls.model_validate({**asdict(result), "ok": result.ok})
