"""Contracts: effect, confirm, pay, production, despatch, shipments, certificates, settlement,
objections, and invoices over several contracts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from uuid import UUID

from fastapi import APIRouter

from domain.errors import ValidationError
from domain.trading.contract_text import ContractLine, DeliveryTerms, PaymentTerms
from domain.trading.fulfilment import Shipment, ShipmentLine
from domain.values import Money, Quantity, UnitPrice
from interfaces.api.deps import Anyone, SignedIn, Svc
from interfaces.api.responses import (
    COMMANDS,
    PUBLIC,
    SIGNED_IN,
    OrjsonResponse,
    command_response,
    problems,
)
from interfaces.api.schemas.answers import (
    CertificateIssued,
    ContractAnswer,
    ContractSettled,
    ErpContractPosted,
    InvoiceIssued,
    ObjectionAnswer,
)
from interfaces.api.schemas.trading import (
    Cancel,
    CertificateIn,
    Confirm,
    ErpContractIn,
    InvoiceIn,
    ObjectionDecision,
    ObjectionIn,
    ProductionFact,
    Reason,
    ShipmentIn,
)
from interfaces.api.schemas.trading_public import CertificateVerification, ContractPublic

SIGNED_IN_COMMANDS = problems(*SIGNED_IN, *COMMANDS)
router = APIRouter(prefix="/contracts", tags=["contracts"], responses=SIGNED_IN_COMMANDS)
public = APIRouter(tags=["certificates"], responses=problems(*PUBLIC))
invoices = APIRouter(prefix="/invoices", tags=["invoices"], responses=SIGNED_IN_COMMANDS)
integration = APIRouter(prefix="/integration", tags=["integration"], responses=SIGNED_IN_COMMANDS)


@router.get("/{contract_id}", response_model=ContractPublic)
def get_contract(contract_id: UUID, services: Svc, ctx: SignedIn) -> ContractPublic:
    """The contract, its text and the digest the buyer confirms."""
    return ContractPublic.of(services.contracts.get(contract_id))


@router.post("/{contract_id}/effect", response_model=ContractAnswer)
def make_effective(contract_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    outcome = services.contracts.make_effective(contract_id)
    return command_response(outcome, ContractAnswer)


@router.post("/{contract_id}/confirm", response_model=ContractAnswer)
def confirm(contract_id: UUID, body: Confirm, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """回传确认: present the SHA-256 digest of the text you read."""
    outcome = services.contracts.confirm(contract_id, body.digest)
    return command_response(outcome, ContractAnswer)


@router.post("/{contract_id}/pay", response_model=ContractAnswer)
def pay(contract_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Apply your funds to the contract (what checkout reserved, topped up from the category)."""
    outcome = services.contracts.pay(contract_id)
    return command_response(outcome, ContractAnswer)


@router.post("/{contract_id}/production", response_model=ContractAnswer)
def production(
    contract_id: UUID, body: ProductionFact, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """排产 / produced quantities from the ERP (cumulative per line); a scheduled quantity may
    name the week it is planned for (``production_week``, YYYY-Www)."""
    outcome = None
    if body.production_week is not None and body.scheduled is None:
        raise ValidationError(
            "invalid_production_week", "A production week goes with a scheduled quantity."
        )
    if body.scheduled is not None:
        outcome = services.contracts.schedule_production(
            contract_id, body.line_no, Quantity.parse(body.scheduled), body.production_week
        )
    if body.produced is not None:
        outcome = services.contracts.record_production(
            contract_id, body.line_no, Quantity.parse(body.produced)
        )
    if outcome is None:
        raise ValidationError("no_quantity", "Give a scheduled or a produced quantity.")
    return command_response(outcome, ContractAnswer)


@router.post("/{contract_id}/despatch/release", response_model=ContractAnswer)
def release_for_despatch(contract_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """The warehouse released the goods: the order can no longer be cancelled."""
    outcome = services.contracts.release_for_despatch(contract_id)
    return command_response(outcome, ContractAnswer)


@router.post("/{contract_id}/despatch/intercept", response_model=ContractAnswer)
def intercept_despatch(
    contract_id: UUID, body: Reason, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.contracts.intercept_despatch(contract_id, body.reason)
    return command_response(outcome, ContractAnswer)


@router.post("/{contract_id}/shipments", status_code=201, response_model=ContractAnswer)
def record_shipment(
    contract_id: UUID, body: ShipmentIn, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """发运: a (partial) despatch with the actual weights the warehouse weighed."""
    shipment = Shipment(
        shipment_id=body.shipment_id,
        lines=tuple(ShipmentLine(x.line_no, Quantity.parse(x.actual_weight)) for x in body.lines),
        warehouse=body.warehouse,
        shipped_at=body.shipped_at,
        vehicle_plate=body.vehicle_plate,
        vessel_name=body.vessel_name,
    )
    outcome = services.contracts.record_shipment(contract_id, shipment)
    return command_response(outcome, ContractAnswer, 201)


@router.post("/{contract_id}/shipping-complete", response_model=ContractAnswer)
def complete_shipping(
    contract_id: UUID, body: Cancel, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.contracts.complete_shipping(contract_id, body.reason)
    return command_response(outcome, ContractAnswer)


@router.post("/{contract_id}/certificates", status_code=201, response_model=CertificateIssued)
def issue_certificate(
    contract_id: UUID, body: CertificateIn, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.contracts.issue_certificate(
        contract_id, body.certificate_no, body.batch_no, body.shipment_id, body.verification_code
    )
    return command_response(outcome, CertificateIssued, 201)


@router.post("/{contract_id}/settlement", response_model=ContractSettled)
def settle(contract_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """后结算: re-price on actual shipped weight; the difference is released or charged."""
    outcome = services.contracts.settle(contract_id)
    return command_response(outcome, ContractSettled)


@router.post("/{contract_id}/objections", status_code=201, response_model=ObjectionAnswer)
def file_objection(
    contract_id: UUID, body: ObjectionIn, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.contracts.file_objection(
        contract_id, body.kind, Money.parse(body.claimed), body.description, body.shipment_id
    )
    return command_response(outcome, ObjectionAnswer, 201)


@router.post("/{contract_id}/objections/{objection_id}", response_model=ObjectionAnswer)
def resolve_objection(
    contract_id: UUID, objection_id: UUID, body: ObjectionDecision, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    compensation = None
    if body.decision == "accept":
        compensation = Money.parse(body.compensation or "")
    outcome = services.contracts.resolve_objection(
        contract_id, objection_id, compensation, body.reason
    )
    return command_response(outcome, ObjectionAnswer)


@router.post("/{contract_id}/close", response_model=ContractAnswer)
def close(contract_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    outcome = services.contracts.close(contract_id)
    return command_response(outcome, ContractAnswer)


@integration.post("/contracts", status_code=201, response_model=ErpContractPosted)
def post_erp_contract(body: ErpContractIn, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """The ERP posts a contract it made; the buyer confirms and pays it like any other."""
    lines = tuple(
        ContractLine.priced(
            n,
            x.product_id,
            None,
            x.category,
            x.description,
            Quantity.parse(x.quantity),
            UnitPrice.parse(x.unit_price),
        )
        for n, x in enumerate(body.lines, start=1)
    )
    delivery = DeliveryTerms(body.warehouse, body.region, body.address, body.delivery_month)
    payment = (
        PaymentTerms.credit(body.due_days)
        if body.payment == "credit"
        else PaymentTerms.prepay(_percent(body.prepay_percent), body.due_days)
    )
    outcome = services.contracts.post_from_erp(
        body.account_id, body.external_no, lines, delivery, payment
    )
    return command_response(outcome, ErpContractPosted, 201)


@invoices.post("", status_code=201, response_model=InvoiceIssued)
def issue_invoice(body: InvoiceIn, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An invoice (ordinary or VAT special) over one or more settled contracts."""
    shares = tuple((s.contract_id, s.money()) for s in body.shares)
    outcome = services.contracts.invoice(body.invoice_no, body.kind, shares)
    return command_response(outcome, InvoiceIssued, 201)


@public.get("/certificates/{code}/verify", response_model=CertificateVerification)
def verify_certificate(code: str, services: Svc, ctx: Anyone) -> CertificateVerification:
    """Public: check a quality certificate (质保书) is genuine by its verification code."""
    return CertificateVerification.of(*services.contracts.verify_certificate(code))


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError("invalid_percent", f"{text!r} is not a percentage.") from None
    if not value.is_finite():
        raise ValidationError("invalid_percent", f"{text!r} is not a percentage.")
    return value
