"""What each command answers: the ids and fields it created or changed, and ``position``.

Each is validated from the command's result (``responses.command_response``), so an answer
replayed for an Idempotency-Key has the same shape as the first.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import AliasChoices, BaseModel, Field, computed_field

from domain.accounts.account import Certification
from domain.context import Role
from domain.trading.order import RETURN_STATE_LABELS
from domain.trading.settlement import OBJECTION_STATUS_LABELS
from interfaces.api.schemas.catalog import AttributesPublic, StockPublic
from interfaces.api.schemas.common import Amount, CommandAnswer, Tonnage


# ---- accounts, members, staff ----------------------------------------------------------------
class AccountRegistered(CommandAnswer):
    account_id: UUID = Field(description="The company's account (also its company id)")
    user_id: UUID = Field(description="The main account's user (the buyer admin)")


class CertificationAnswer(CommandAnswer):
    account_id: UUID
    certification: Certification
    manager_id: UUID | None = Field(description="The account manager bound, if any")


class LevelAnswer(CommandAnswer):
    account_id: UUID
    level: str = Field(examples=["vip"])


class DepartmentAnswer(CommandAnswer):
    department_id: UUID
    name: str


class RoleAnswer(CommandAnswer):
    role_id: UUID
    name: str | None = Field(default=None, description="Given when the role is defined")
    permissions: list[str] = Field(examples=[["orders.place", "funds.view"]])


class MemberAdded(CommandAnswer):
    user_id: UUID
    account_id: UUID


class MemberAssigned(CommandAnswer):
    user_id: UUID
    department_id: UUID | None
    role_ids: list[UUID]


class MemberDisabled(CommandAnswer):
    user_id: UUID
    active: bool


class PhoneChanged(CommandAnswer):
    user_id: UUID
    phone: str


class StaffEnrolled(CommandAnswer):
    staff_id: UUID
    role: Role


class RegistryImported(CommandAnswer):
    received: int = Field(description="Rows in the file")
    changed: int = Field(description="Rows that added or changed an entry")


class PasswordChanged(CommandAnswer):
    status: str = Field(examples=["password changed"])


# ---- catalog and listings --------------------------------------------------------------------
class CategoryDefined(CommandAnswer):
    code: str = Field(examples=["HRC"])
    name: str
    parent: str | None
    required_attributes: list[str]


class CategoriesAdded(CommandAnswer):
    added: list[str] = Field(description="The codes added (those missing)")


class ProductAdded(CommandAnswer):
    product_id: UUID
    category: str
    name: str
    attributes: AttributesPublic


class ListingAnswer(CommandAnswer):
    listing_id: UUID
    state: str = Field(examples=["published"])
    price_version: int
    stock: StockPublic
    low_stock: bool = Field(
        validation_alias=AliasChoices("low_stock", "low_on_stock"),
        description="Remaining stock at or below the warning line",
    )


# ---- cart, orders, returns -------------------------------------------------------------------
class CartLinePublic(BaseModel):
    listing_id: UUID
    quantity: Tonnage


class CartLineView(CartLinePublic):
    """A cart line as checkout would price it now for this customer in its region."""

    description: str = Field(examples=["热轧卷 HRC Q235B 3.0×1500 Q235B 3.0×1500 GB/T 3274"])
    category: str = Field(examples=["HRC"])
    warehouse: str = Field(examples=["日照 Rizhao"])
    available: Tonnage = Field(description="The listing's stock not reserved or sold")
    unit_price: Amount = Field(description="CNY/t for this customer and region")
    price_rule: str = Field(examples=["level_ratio:vip"])
    price_version: int
    amount: Amount = Field(description="round(quantity × unit_price, 2)")


class CartPublic(BaseModel):
    items: list[CartLineView]
    total: Amount = Field(description="The sum of the line amounts")


class CartAnswer(CommandAnswer):
    """The cart's listings and quantities after the change (``GET /cart`` prices them)."""

    items: list[CartLinePublic]


class OrderStateAnswer(CommandAnswer):
    order_id: UUID
    order_no: str = Field(examples=["SO20261126A1B2C3D4E5"])
    status: str = Field(examples=["pending_payment"])
    payment_status: str = Field(examples=["unpaid"])
    shipping_status: str = Field(examples=["not_shipped"])


class PlacedContract(BaseModel):
    contract_id: UUID
    contract_no: str
    total: Amount
    digest: str = Field(description="SHA-256 of the contract text, to confirm it (回传确认)")


class OrderPlaced(OrderStateAnswer):
    total: Amount
    contracts: list[PlacedContract]


class ReturnAnswer(CommandAnswer):
    return_id: UUID
    state: str = Field(examples=["requested"])
    amount: Amount

    @computed_field(examples=["退货申请中"])  # type: ignore[prop-decorator]
    @property
    def state_label(self) -> str:
        return RETURN_STATE_LABELS.get(self.state, self.state)


# ---- contracts and invoices ------------------------------------------------------------------
class ContractAnswer(CommandAnswer):
    contract_id: UUID
    contract_no: str
    state: str = Field(examples=["effective"])
    state_label: str = Field(
        validation_alias=AliasChoices("state_label", "label"), examples=["已生效"]
    )


class ErpContractPosted(ContractAnswer):
    digest: str
    total: Amount


class CertificateIssued(ContractAnswer):
    certificate_no: str
    verification_code: str = Field(description="Printed on the paper certificate")


class ContractSettled(ContractAnswer):
    final_amount: Amount = Field(description="On actual shipped weight")
    released: Amount = Field(description="Given back to the customer's funds")
    charged: Amount = Field(description="Charged from the customer's funds")


class ObjectionAnswer(ContractAnswer):
    objection_id: UUID
    status: str | None = Field(default=None, examples=["accepted"], description="Once decided")
    compensation: Amount | None = Field(default=None, description="Accepted: credited")

    @computed_field(examples=["已受理"])  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str | None:
        return (
            None if self.status is None else OBJECTION_STATUS_LABELS.get(self.status, self.status)
        )


class InvoiceIssued(CommandAnswer):
    invoice_no: str
    contracts: list[UUID]


# ---- funds -----------------------------------------------------------------------------------
class FundsAnswer(CommandAnswer):
    company_id: UUID


class PaymentRecorded(FundsAnswer):
    bank_reference: str
    amount: Amount
    purpose: str = Field(examples=["funds"])
    category: str | None
    entry_id: UUID


class EntryPosted(FundsAnswer):
    balances: dict[str, Amount] = Field(description="Every non-zero bucket after the entry")
    entry_id: UUID
    kind: str = Field(examples=["allocation"])


class TransferAnswer(FundsAnswer):
    transfer_id: UUID
    source: str = Field(examples=["category:HRC"])
    amount: Amount
    to_company_id: UUID
    target: str = Field(examples=["category:PLATE"])
    memo: str
    status: str = Field(examples=["requested"])
    reason: str


class RefundAnswer(FundsAnswer):
    refund_id: UUID
    source: str = Field(examples=["unallocated"])
    amount: Amount
    memo: str
    status: str = Field(examples=["requested"])
    reason: str
    bank_reference: str


class CreditLineAnswer(FundsAnswer):
    credit_limit: Amount
    credit_used: Amount
    credit_available: Amount
    credit_open: bool
    credit_frozen: bool


class RepaymentAnswer(CreditLineAnswer):
    entry_id: UUID
