"""The sales contract (合同): from generation to close, with its fulfilment on its history.

    generated ─make_effective→ effective ─confirm(digest)→ confirmed ─(secured as its terms
    need)→ established ─first production fact→ in_production ─first shipment→ shipping
    ─(every line at its contracted weight, or the seller declares it)→ shipped
    ─settle (actual weight)→ settled ─(fully invoiced)→ invoiced ─close→ closed;
    void (with a reason) from any state before the first shipment or the warehouse's release.

The fulfilment commands (production, shipments, despatch, certificates) are in
``domain/trading/fulfilment.py`` and the after-sales ones (post-settlement, invoices, objections,
close) in ``domain/trading/settlement.py``: mixins over ``ContractCore``
(``domain/trading/contract_core.py``: the shared state and checks) that declare their own state
and appliers; neither imports this module. Every event is defined here, on the aggregate, so
their topics are ``domain.trading.contract:Contract.<Event>``.

Money may be secured before confirmation (an order reserves funds at checkout): it is counted,
and the contract is established as soon as it is confirmed. Commands return what the service
must act on (amounts to release or charge); the funds, stock and order sides are the service's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain import context
from domain.base import Aggregate
from domain.errors import ConflictError, ValidationError
from domain.ledger import stable_id
from domain.trading.contract_text import (
    BEFORE_SHIPPING,
    STATE_LABELS,
    TEXT_VERSION,
    ContractFacts,
    ContractState,
    PaymentKind,
    check_facts,
    render_text,
    text_digest,
)
from domain.trading.fulfilment import Certificate, FulfilmentCommands, Shipment
from domain.trading.settlement import (
    AfterSalesCommands,
    InvoiceShare,
    Objection,
    Settlement,
    VoidRelease,
)
from domain.values import Money, Quantity

__all__ = ["STATE_LABELS", "Contract", "ContractState"]

S = ContractState
PAYABLE = (*BEFORE_SHIPPING, S.SHIPPING, S.SHIPPED)  # money may be secured until settlement


class Contract(FulfilmentCommands, AfterSalesCommands, Aggregate):
    @staticmethod
    def create_id(facts: ContractFacts) -> UUID:
        return stable_id("contract", facts.contract_no)

    @classmethod
    def generate(cls, facts: ContractFacts) -> Contract:
        """Check the facts, render the text and record its digest. The id follows from the
        contract number, so the same number cannot be generated twice."""
        check_facts(facts)
        digest = text_digest(render_text(facts, TEXT_VERSION))
        return cls(facts=facts, digest=digest, text_version=TEXT_VERSION)

    @event("Generated")
    def __init__(self, facts: ContractFacts, digest: str, text_version: int) -> None:
        self.facts = facts
        self.digest = digest
        self.text_version = text_version
        self.state = ContractState.GENERATED
        self.paid_amount = Money.zero()
        self.credit_drawn = Money.zero()
        self.payment_due_on: date | None = None
        self.void_reason: str | None = None
        # the types of the parts' state are declared on them (ContractCore and the mixins)
        self._scheduled = {}
        self._produced = {}
        self.shipments = {}
        self.despatch_released = False
        self.despatch_intercepted = False
        self.shipping_note = ""
        self.settlement = None
        self.certificates = {}
        self.invoices = ()
        self.objections = {}

    # ---- queries -----------------------------------------------------------------------
    @property
    def contract_no(self) -> str:
        return self.facts.contract_no

    @property
    def buyer_id(self) -> UUID:
        return self.facts.buyer_id

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    def render_text(self) -> str:
        return render_text(self.facts, self.text_version)

    def text_matches_digest(self) -> bool:
        """For auditors: the recorded facts still render to the text the buyer signed."""
        return text_digest(self.render_text()) == self.digest

    @property
    def total_amount(self) -> Money:
        return self.facts.total

    @property
    def required_amount(self) -> Money:
        return self.facts.payment.required(self.total_amount)

    @property
    def awaiting_confirmation(self) -> bool:
        return self.state is ContractState.EFFECTIVE

    @property
    def awaiting_settlement(self) -> bool:
        return self.state is ContractState.SHIPPED

    # ---- lifecycle up to established ---------------------------------------------------
    def make_effective(self) -> None:
        self._require("make effective", S.GENERATED)
        self._made_effective()

    def confirm(self, digest: str) -> bool:
        """回传确认: the buyer signs the text by its digest. True when this established it."""
        self._require("confirm", S.EFFECTIVE)
        if (digest or "").strip().lower() != self.digest:
            raise ConflictError(
                "digest_mismatch", "The digest does not match this contract's current text."
            )
        due = context.current().today() + timedelta(days=self.facts.payment.due_days)
        self._confirmed(digest=self.digest, payment_due_on=due)
        return self._establish_if_secured()

    def record_payment(self, amount: Money) -> bool:
        """Funds were reserved for this contract (by the funds service). True when this
        payment established it."""
        self._require("record a payment for", *PAYABLE)
        self._check_securing(amount)
        self._payment_recorded(amount=amount)
        return self._establish_if_secured()

    def record_credit_draw(self, amount: Money) -> bool:
        """A draw on the customer's credit line for this contract (credit terms only)."""
        self._require("draw credit for", *PAYABLE)
        if self.facts.payment.kind is not PaymentKind.CREDIT:
            raise ConflictError("not_on_credit", "This contract's terms are not on credit.")
        self._check_securing(amount)
        self._credit_drawn(amount=amount)
        return self._establish_if_secured()

    def _check_securing(self, amount: Money) -> None:
        if not isinstance(amount, Money) or not amount.is_positive():
            raise ValidationError("invalid_amount", "The amount must be positive CNY.")
        if self.secured_amount + amount > self.total_amount:
            raise ConflictError("overpaid", "More than the contract's total would be secured.")

    def _establish_if_secured(self) -> bool:
        if self.state is S.CONFIRMED and self.secured_amount >= self.required_amount:
            self._established(secured=self.secured_amount)
            return True
        return False

    def void(self, reason: str) -> VoidRelease:
        """作废: before shipping only. Returns what the service must release (funds, stock)."""
        if self.state is S.VOID:
            raise self._invalid("void")
        if self.shipments or self.state not in BEFORE_SHIPPING:
            raise ConflictError("already_shipping", "Goods of this contract have shipped.")
        if self.despatch_released:
            raise ConflictError("already_despatched", "The warehouse has already released it.")
        self._voided(reason=self._reason(reason))
        return VoidRelease(self.paid_amount, self.credit_drawn, self.facts.lines)

    # ---- appliers: state only, replayed as they were recorded --------------------------
    @event("MadeEffective")
    def _made_effective(self) -> None:
        self.state = S.EFFECTIVE

    @event("Confirmed")
    def _confirmed(self, digest: str, payment_due_on: date) -> None:
        self.state = S.CONFIRMED
        self.payment_due_on = payment_due_on

    @event("PaymentRecorded")
    def _payment_recorded(self, amount: Money) -> None:
        self.paid_amount += amount

    @event("CreditDrawn")
    def _credit_drawn(self, amount: Money) -> None:
        self.credit_drawn += amount

    @event("Established")
    def _established(self, secured: Money) -> None:
        self.state = S.ESTABLISHED

    @event("Voided")
    def _voided(self, reason: str) -> None:
        self.state = S.VOID
        self.void_reason = reason

    class ProductionScheduled(Aggregate.Event):
        """排产. Version 2 records the ISO week the mill scheduled the quantity for (YYYY-Www,
        None when the ERP did not say); events stored before it existed are upcast with None,
        "not recorded" (events are forever: README, "Events are forever")."""

        class_version = 2
        line_no: int
        quantity: Quantity
        production_week: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["production_week"] = None

    @event(ProductionScheduled)
    def _production_scheduled(
        self, line_no: int, quantity: Quantity, production_week: str | None
    ) -> None:
        self._scheduled[line_no] = self._scheduled.get(line_no, Quantity.zero()) + quantity
        if self.state is S.ESTABLISHED:
            self.state = S.IN_PRODUCTION

    @event("ProductionRecorded")
    def _production_recorded(self, line_no: int, quantity: Quantity) -> None:
        self._produced[line_no] = self._produced.get(line_no, Quantity.zero()) + quantity

    @event("ShipmentRecorded")
    def _shipment_recorded(self, shipment: Shipment) -> None:
        self.shipments[shipment.shipment_id] = shipment
        self.state = S.SHIPPING

    @event("ShippingCompleted")
    def _shipping_completed(self, declared: bool, reason: str) -> None:
        self.state = S.SHIPPED
        self.shipping_note = reason

    @event("DespatchReleased")
    def _despatch_released(self) -> None:
        self.despatch_released = True

    @event("DespatchIntercepted")
    def _despatch_intercepted(self, reason: str) -> None:
        self.despatch_intercepted = True

    @event("DespatchResumed")
    def _despatch_resumed(self) -> None:
        self.despatch_intercepted = False

    @event("CertificateIssued")
    def _certificate_issued(self, certificate: Certificate) -> None:
        self.certificates[certificate.certificate_no] = certificate

    @event("Settled")
    def _settled(self, settlement: Settlement) -> None:
        self.settlement = settlement
        self.state = S.SETTLED

    @event("InvoiceRecorded")
    def _invoice_recorded(self, share: InvoiceShare) -> None:
        self.invoices += (share,)

    @event("FullyInvoiced")
    def _fully_invoiced(self, amount: Money) -> None:
        self.state = S.INVOICED

    @event("ObjectionFiled")
    def _objection_filed(self, objection: Objection) -> None:
        self.objections[objection.objection_id] = objection

    @event("ObjectionResolved")
    def _objection_resolved(self, objection: Objection) -> None:
        self.objections[objection.objection_id] = objection

    @event("Closed")
    def _closed(self) -> None:
        self.state = S.CLOSED
