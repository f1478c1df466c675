"""After shipping: post-settlement on actual weight (后结算), invoices, objections (异议), close.

These are commands of ``Contract`` (a mixin over ``ContractCore``, so the events stay on the
aggregate class, whose ``@event`` appliers override the stubs declared here); each returns what
the service must do with money: the settlement difference to release or charge, an
objection's compensation to credit. Several contracts may share one invoice: each contract
records its own share, and the same invoice number may appear on many contracts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from uuid import UUID, uuid4

from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from domain.trading.contract_core import ContractCore
from domain.trading.contract_text import ContractLine, ContractState
from domain.values import Money, Quantity, UnitPrice

S = ContractState
OBJECTIONABLE = (S.SHIPPING, S.SHIPPED, S.SETTLED, S.INVOICED)
NOTHING = Money.zero()


@dataclass(frozen=True)
class SettledLine:
    line_no: int
    shipped: Quantity  # the actual weight of all its shipments
    unit_price: UnitPrice
    amount: Money  # = unit_price.times(shipped)


@dataclass(frozen=True)
class Settlement:
    lines: tuple[SettledLine, ...]
    final_amount: Money  # Σ line amounts on actual weight
    secured_amount: Money  # paid plus credit drawn when it was settled
    difference: Money  # final − secured: above zero a shortfall to charge, below a surplus

    @property
    def charged(self) -> Money:
        return max(self.difference, Money.zero())

    @property
    def released(self) -> Money:
        return max(-self.difference, Money.zero())


@dataclass(frozen=True)
class VoidRelease:
    """What a voided contract held: funds and credit to release, stock lines to put back."""

    paid: Money
    credit_drawn: Money
    lines: tuple[ContractLine, ...]


class InvoiceKind(Enum):
    ORDINARY = "ordinary"  # 普通发票
    VAT_SPECIAL = "vat_special"  # 增值税专用发票


@dataclass(frozen=True)
class InvoiceShare:
    invoice_no: str
    kind: InvoiceKind
    amount: Money  # this contract's part of the invoice


class ObjectionKind(Enum):
    QUALITY = "quality"
    QUANTITY = "quantity"


class ObjectionStatus(Enum):
    FILED = "filed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


OBJECTION_KIND_LABELS: dict[str, str] = {"quality": "质量异议", "quantity": "数量异议"}
OBJECTION_STATUS_LABELS: dict[str, str] = {
    "filed": "待处理",
    "accepted": "已受理",
    "rejected": "已驳回",
}


@dataclass(frozen=True)
class Objection:
    objection_id: UUID
    kind: ObjectionKind
    shipment_id: str | None
    claimed: Money
    description: str
    status: ObjectionStatus = ObjectionStatus.FILED
    compensation: Money = NOTHING
    rejection_reason: str = ""


class AfterSalesCommands(ContractCore):
    settlement: Settlement | None  # None until post-settled
    invoices: tuple[InvoiceShare, ...]
    objections: dict[UUID, Objection]

    # ---- post-settlement (后结算) ---------------------------------------------------------
    def settle(self) -> Settlement:
        """Re-price every line on its shipped actual weight. The service posts the final amount
        to funds: ``released`` goes back to the customer, ``charged`` is taken from it."""
        self._require("settle", S.SHIPPED)
        lines = tuple(
            SettledLine(
                line.line_no,
                self.shipped(line.line_no),
                line.unit_price,
                line.unit_price.times(self.shipped(line.line_no)),
            )
            for line in self.facts.lines
        )
        final = sum((line.amount for line in lines), Money.zero())
        settlement = Settlement(lines, final, self.secured_amount, final - self.secured_amount)
        self._settled(settlement=settlement)
        return settlement

    @property
    def settled_amount(self) -> Money:
        return self.settlement.final_amount if self.settlement else Money.zero()

    # ---- invoices -----------------------------------------------------------------------
    def record_invoice(self, invoice_no: str, kind: InvoiceKind, amount: Money) -> bool:
        """This contract's share of an invoice; True when it is now fully invoiced."""
        if self.state in (S.VOID, S.CLOSED):
            raise self._invalid("invoice")
        if self.settlement is None:
            raise ConflictError("not_settled", "Invoices follow the post-settlement.")
        if not invoice_no.strip() or not isinstance(kind, InvoiceKind):
            raise ValidationError("invalid_invoice", "Give the invoice number and its kind.")
        if not isinstance(amount, Money) or not amount.is_positive():
            raise ValidationError("invalid_amount", "The amount must be positive CNY.")
        if any(share.invoice_no == invoice_no.strip() for share in self.invoices):
            raise ConflictError("duplicate_invoice", "This invoice is already on the contract.")
        if self.invoiced_amount + amount > self.settled_amount:
            raise ConflictError(
                "over_invoiced", f"Only {self.settled_amount - self.invoiced_amount} CNY is left."
            )
        self._invoice_recorded(share=InvoiceShare(invoice_no.strip(), kind, amount))
        if self.invoiced_amount == self.settled_amount:
            self._fully_invoiced(amount=self.invoiced_amount)
            return True
        return False

    @property
    def invoiced_amount(self) -> Money:
        return sum((share.amount for share in self.invoices), Money.zero())

    # ---- objections (异议) ---------------------------------------------------------------
    def file_objection(
        self,
        kind: ObjectionKind,
        claimed: Money,
        description: str,
        shipment_id: str | None = None,
    ) -> UUID:
        """The buyer's quality or quantity claim, against the contract or one shipment."""
        if self.state not in OBJECTIONABLE:
            raise self._invalid("file an objection against")
        if not isinstance(kind, ObjectionKind):
            raise ValidationError("invalid_objection", "An objection is about quality or quantity.")
        if shipment_id is not None and not self.has_shipment(shipment_id):
            raise ValidationError("unknown_shipment", "No such shipment on this contract.")
        if not isinstance(claimed, Money) or not claimed.is_positive():
            raise ValidationError("invalid_amount", "The claimed amount must be positive CNY.")
        if not description.strip():
            raise ValidationError("description_required", "Describe the objection.")
        objection_id = uuid4()
        objection = Objection(objection_id, kind, shipment_id, claimed, description.strip())
        self._objection_filed(objection=objection)
        return objection_id

    def accept_objection(self, objection_id: UUID, compensation: Money) -> Money:
        """Accepted with a compensation, which the service credits to the customer's funds."""
        objection = self._open_objection(objection_id, "accept")
        if not isinstance(compensation, Money) or not compensation.is_positive():
            raise ValidationError("invalid_amount", "The compensation must be positive CNY.")
        accepted = replace(objection, status=ObjectionStatus.ACCEPTED, compensation=compensation)
        self._objection_resolved(objection=accepted)
        return compensation

    def reject_objection(self, objection_id: UUID, reason: str) -> None:
        objection = self._open_objection(objection_id, "reject")
        reason = self._reason(reason)
        rejected = replace(objection, status=ObjectionStatus.REJECTED, rejection_reason=reason)
        self._objection_resolved(objection=rejected)

    def open_objections(self) -> tuple[Objection, ...]:
        return tuple(o for o in self.objections.values() if o.status is ObjectionStatus.FILED)

    def _open_objection(self, objection_id: UUID, action: str) -> Objection:
        objection = self.objections.get(objection_id)
        if objection is None:
            raise NotFoundError("objection")
        if objection.status is not ObjectionStatus.FILED:
            raise InvalidTransitionError("objection", objection.status.value, action)
        return objection

    # ---- close --------------------------------------------------------------------------
    def close(self) -> None:
        self._require("close", S.INVOICED)
        if self.open_objections():
            raise ConflictError("objections_open", "Resolve the open objections first.")
        self._closed()

    # ---- appliers: the ``@event`` methods of Contract -----------------------------------
    def _settled(self, settlement: Settlement) -> None:
        raise NotImplementedError

    def _invoice_recorded(self, share: InvoiceShare) -> None:
        raise NotImplementedError

    def _fully_invoiced(self, amount: Money) -> None:
        raise NotImplementedError

    def _objection_filed(self, objection: Objection) -> None:
        raise NotImplementedError

    def _objection_resolved(self, objection: Objection) -> None:
        raise NotImplementedError

    def _closed(self) -> None:
        raise NotImplementedError
