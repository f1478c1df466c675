"""The whole lifecycle with exact figures; post-settlement, invoices, objections, close; replay."""

from __future__ import annotations

from dataclasses import replace
from uuid import uuid4

import pytest

from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from domain.ledger import Ledger
from domain.trading.contract import Contract, ContractState
from domain.trading.settlement import InvoiceKind, ObjectionKind, ObjectionStatus
from tests.unit.trading.test_contract import established, money, shipment, tonnes

VAT = InvoiceKind.VAT_SPECIAL
STORE = {
    "PERSISTENCE_MODULE": "eventsourcing.popo",
    "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
}


def shipped_short() -> Contract:
    """Line 1 (27.125 t × 4,321.57) ships 14.980 + 12.060 = 27.040 t; line 2 (12.000 t ×
    4,500.00) ships 11.870 t; both within −10 %, so the seller declares shipping complete."""
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "14.980")))
    by_sea = replace(shipment("S-2", (1, "12.060"), (2, "11.870")), vessel_name="Rizhao 7")
    contract.record_shipment(by_sea)
    contract.complete_shipping()
    return contract


def settled(contract: Contract | None = None) -> Contract:
    contract = contract or shipped_short()
    contract.settle()
    return contract


def test_post_settlement_on_actual_weight_releases_the_surplus() -> None:
    contract = shipped_short()
    settlement = contract.settle()
    # line 1: 27.040 × 4321.57 = 116855.2528 → 116855.25; line 2: 11.870 × 4500.00 = 53415.00
    assert [line.amount for line in settlement.lines] == [money("116855.25"), money("53415.00")]
    assert settlement.final_amount == money("170270.25")
    assert settlement.secured_amount == money("171222.59")  # paid in full before shipping
    assert settlement.difference == money("-952.34")  # 170270.25 − 171222.59
    assert (settlement.released, settlement.charged) == (money("952.34"), money("0.00"))
    assert contract.state is ContractState.SETTLED and contract.settled_amount == money("170270.25")


def test_post_settlement_of_an_overweight_shipment_charges_the_shortfall() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "27.125"), (2, "13.200")))  # +10 % on line 2
    settlement = contract.settle()
    # line 2: 13.200 × 4500.00 = 59400.00; 117222.59 + 59400.00 = 176622.59 − 171222.59
    assert settlement.final_amount == money("176622.59")
    assert (settlement.charged, settlement.released) == (money("5400.00"), money("0.00"))


def test_settlement_before_shipping_is_complete_is_refused() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "14.980")))
    with pytest.raises(InvalidTransitionError):
        contract.settle()


def test_invoice_before_settlement_is_refused() -> None:
    contract = shipped_short()
    with pytest.raises(ConflictError) as error:
        contract.record_invoice("INV-1", VAT, money("100.00"))
    assert error.value.code == "not_settled"


def test_invoicing_more_than_the_settled_amount_is_refused() -> None:
    contract = settled()
    assert contract.record_invoice("INV-1", VAT, money("170000.00")) is False
    with pytest.raises(ConflictError) as error:
        contract.record_invoice("INV-2", VAT, money("270.26"))
    assert error.value.code == "over_invoiced"
    assert contract.invoiced_amount == money("170000.00")


def test_fully_invoiced_contract_is_invoiced_and_then_closes() -> None:
    contract = settled()
    contract.record_invoice("INV-1", InvoiceKind.ORDINARY, money("100000.00"))
    assert contract.record_invoice("INV-2", VAT, money("70270.25")) is True
    assert contract.state is ContractState.INVOICED and contract.label == "已开票"
    contract.close()
    assert contract.state is ContractState.CLOSED and contract.label == "已关闭"


def test_one_invoice_may_cover_several_contracts_but_appears_once_on_each() -> None:
    first = settled()
    second = settled(fully_shipped("SY-20261126-000124"))
    first.record_invoice("INV-7", VAT, money("1000.00"))
    second.record_invoice("INV-7", VAT, money("2000.00"))
    with pytest.raises(ConflictError) as error:
        first.record_invoice("INV-7", VAT, money("1.00"))
    assert error.value.code == "duplicate_invoice"


def fully_shipped(contract_no: str) -> Contract:
    contract = established(contract_no=contract_no)
    contract.record_shipment(shipment("S-1", (1, "27.125"), (2, "12.000")))
    return contract


def test_accepted_objection_returns_the_compensation_to_credit() -> None:
    contract = shipped_short()
    objection_id = contract.file_objection(
        ObjectionKind.QUALITY, money("2000.00"), "Edge cracks on 3 coils", shipment_id="S-2"
    )
    assert contract.accept_objection(objection_id, money("1500.00")) == money("1500.00")
    objection = contract.objections[objection_id]
    assert objection.status is ObjectionStatus.ACCEPTED
    assert objection.compensation == money("1500.00") and objection.claimed == money("2000.00")


def test_rejected_objection_needs_a_reason_and_is_resolved_once() -> None:
    contract = shipped_short()
    objection_id = contract.file_objection(ObjectionKind.QUANTITY, money("300.00"), "Short")
    with pytest.raises(ValidationError):
        contract.reject_objection(objection_id, "")
    contract.reject_objection(objection_id, "Weighbridge ticket shows the full weight")
    with pytest.raises(InvalidTransitionError):
        contract.accept_objection(objection_id, money("1.00"))
    with pytest.raises(NotFoundError):
        contract.reject_objection(uuid4(), "No such")


def test_objection_before_anything_shipped_or_on_an_unknown_shipment_is_refused() -> None:
    contract = established()
    with pytest.raises(InvalidTransitionError):
        contract.file_objection(ObjectionKind.QUALITY, money("1.00"), "Rust")
    contract.record_shipment(shipment("S-1", (1, "1.000")))
    with pytest.raises(ValidationError) as error:
        contract.file_objection(ObjectionKind.QUALITY, money("1.00"), "Rust", shipment_id="S-9")
    assert error.value.code == "unknown_shipment"


def test_closing_with_an_open_objection_is_refused() -> None:
    contract = settled()
    contract.file_objection(ObjectionKind.QUALITY, money("500.00"), "Scratches")
    contract.record_invoice("INV-1", VAT, money("170270.25"))
    with pytest.raises(ConflictError) as error:
        contract.close()
    assert error.value.code == "objections_open"


def full_history() -> Contract:
    contract = established()
    contract.schedule_production(1, tonnes("27.125"))
    contract.record_production(1, tonnes("27.125"))
    contract.release_for_despatch()
    contract.record_shipment(shipment("S-1", (1, "14.980")))
    contract.issue_certificate("ZB-2026-0001", "B26113001", "S-1", "ABCD-EFGH-JKMN")
    contract.record_shipment(shipment("S-2", (1, "12.060"), (2, "11.870")))
    contract.complete_shipping()
    contract.settle()
    objection_id = contract.file_objection(ObjectionKind.QUALITY, money("800.00"), "Rust")
    contract.accept_objection(objection_id, money("600.00"))
    contract.record_invoice("INV-1", VAT, money("170270.25"))
    contract.close()
    return contract


def test_the_whole_lifecycle_is_recorded_as_events_in_order() -> None:
    names = [type(e).__name__ for e in full_history().collect_events()]
    assert names == [
        "Generated", "MadeEffective", "Confirmed", "PaymentRecorded", "Established",
        "ProductionScheduled", "ProductionRecorded", "DespatchReleased", "ShipmentRecorded",
        "CertificateIssued", "ShipmentRecorded", "ShippingCompleted", "Settled",
        "ObjectionFiled", "ObjectionResolved", "InvoiceRecorded", "FullyInvoiced", "Closed",
    ]  # fmt: skip


def test_replaying_the_stored_events_rebuilds_the_same_contract() -> None:
    contract = full_history()
    app = Ledger(env=STORE)
    app.save(contract)
    restored: Contract = app.repository.get(contract.id)
    assert isinstance(restored, Contract)
    assert vars(restored) == vars(contract)
    assert restored.state is ContractState.CLOSED and restored.text_matches_digest()
    assert restored.shipped(1) == tonnes("27.040") and restored.settled_amount == money("170270.25")
    assert restored.certificate_by_code("abcd-efgh-jkmn") == contract.certificates["ZB-2026-0001"]
