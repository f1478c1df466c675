"""Production facts, shipments within the weight tolerance, the despatch release, certificates."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest

from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.trading.contract import ContractState
from domain.trading.fulfilment import lower_bound, new_verification_code, upper_bound
from tests.unit.trading.test_contract import FACTS, HRC, effective, established, shipment, tonnes

TOLERANCE = FACTS.delivery.tolerance_percent  # the default, 10 %


def test_tolerance_bounds_never_loosen_the_percentage() -> None:
    assert upper_bound(HRC.quantity, TOLERANCE) == tonnes("29.837")  # 29.8375 down
    assert lower_bound(HRC.quantity, TOLERANCE) == tonnes("24.413")  # 24.4125 up


def test_first_production_fact_puts_an_established_contract_in_production() -> None:
    contract = established()
    contract.schedule_production(1, tonnes("20.000"))
    contract.schedule_production(1, tonnes("7.125"))
    contract.record_production(1, tonnes("15.500"))
    assert contract.state is ContractState.IN_PRODUCTION and contract.label == "生产中"
    assert contract.scheduled(1) == tonnes("27.125") and contract.scheduled() == tonnes("27.125")
    assert contract.produced(1) == tonnes("15.500") and contract.produced(2) == tonnes("0.000")


def test_production_before_establishment_is_refused() -> None:
    contract = effective()
    with pytest.raises(InvalidTransitionError):
        contract.schedule_production(1, tonnes("1.000"))


def test_scheduling_beyond_contract_plus_tolerance_is_refused() -> None:
    contract = established()
    contract.schedule_production(1, tonnes("29.837"))
    with pytest.raises(ConflictError) as error:
        contract.schedule_production(1, tonnes("0.001"))
    assert error.value.code == "over_tolerance"


def test_producing_more_than_scheduled_is_refused() -> None:
    contract = established()
    contract.schedule_production(2, tonnes("6.000"))
    with pytest.raises(ConflictError) as error:
        contract.record_production(2, tonnes("6.001"))
    assert error.value.code == "over_scheduled"


def test_facts_for_an_unknown_line_or_of_no_weight_are_refused() -> None:
    contract = established()
    with pytest.raises(ValidationError) as error:
        contract.schedule_production(3, tonnes("1.000"))
    assert error.value.code == "unknown_line"
    with pytest.raises(ValidationError) as error:
        contract.schedule_production(1, tonnes("0.000"))
    assert error.value.code == "invalid_quantity"


def test_partial_shipments_add_up_per_line() -> None:
    contract = established()
    assert contract.record_shipment(shipment("S-1", (1, "14.980"))) is False
    assert contract.record_shipment(shipment("S-2", (1, "12.060"), (2, "6.000"))) is False
    assert contract.state is ContractState.SHIPPING and contract.label == "发运中"
    assert contract.shipped(1) == tonnes("27.040") and contract.shipped(2) == tonnes("6.000")
    assert contract.shipped() == tonnes("33.040") and contract.contracted() == tonnes("39.125")


def test_shipping_over_the_tolerance_is_refused_across_shipments() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (2, "10.000")))
    with pytest.raises(ConflictError) as error:
        contract.record_shipment(shipment("S-2", (2, "3.201")))  # 13.201 > 12.000 × 1.1
    assert error.value.code == "over_tolerance"
    assert contract.shipped(2) == tonnes("10.000") and "S-2" not in contract.shipments
    contract.record_shipment(shipment("S-2", (2, "3.200")))


def test_shipping_completes_by_itself_when_every_line_reached_its_quantity() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "27.125")))
    assert contract.record_shipment(shipment("S-2", (2, "12.010"))) is True
    assert contract.state is ContractState.SHIPPED and contract.awaiting_settlement


def test_seller_declares_shipping_complete_within_tolerance_without_reason() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "24.413"), (2, "10.800")))
    contract.complete_shipping()
    assert contract.state is ContractState.SHIPPED and contract.label == "已发运"


def test_declaring_a_short_shipment_complete_needs_a_reason() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "24.412"), (2, "12.000")))
    with pytest.raises(ValidationError) as error:
        contract.complete_shipping()
    assert error.value.code == "reason_required"
    contract.complete_shipping("Mill stopped the HRC line; buyer agreed")
    assert contract.shipping_note == "Mill stopped the HRC line; buyer agreed"


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (replace(shipment("S-9", (1, "1.000")), vehicle_plate=""), "conveyance_required"),
        (replace(shipment("S-9", (1, "1.000")), shipped_at=datetime(2026, 12, 3)), "invalid_time"),
        (shipment("S-9", (1, "1.000"), (1, "2.000")), "invalid_line_no"),
        (shipment("S-9"), "no_lines"),
        (shipment("S-9", (1, "0.000")), "invalid_quantity"),
        (shipment(" ", (1, "1.000")), "invalid_shipment"),
    ],
)
def test_malformed_shipment_is_refused(bad: object, code: str) -> None:
    contract = established()
    with pytest.raises(ValidationError) as error:
        contract.record_shipment(bad)  # type: ignore[arg-type]
    assert error.value.code == code


def test_a_vessel_is_as_good_as_a_vehicle_and_a_shipment_is_recorded_once() -> None:
    contract = established()
    by_sea = replace(shipment("S-1", (1, "1.000")), vehicle_plate="", vessel_name="Rizhao 7")
    contract.record_shipment(by_sea)
    with pytest.raises(ConflictError) as error:
        contract.record_shipment(by_sea)
    assert error.value.code == "duplicate_shipment"


def test_shipping_before_establishment_is_refused() -> None:
    contract = effective()
    with pytest.raises(InvalidTransitionError):
        contract.record_shipment(shipment("S-1", (1, "1.000")))


def test_release_for_despatch_happens_once_and_ends_interception() -> None:
    contract = established()
    contract.release_for_despatch()
    for command in (contract.release_for_despatch, lambda: contract.intercept_despatch("hold")):
        with pytest.raises(ConflictError) as error:
            command()
        assert error.value.code == "already_despatched"


def test_an_intercepted_despatch_is_neither_released_nor_shipped_until_resumed() -> None:
    contract = established()
    contract.intercept_despatch("Buyer asked to cancel")
    assert not contract.is_despatched
    with pytest.raises(ConflictError) as error:
        contract.release_for_despatch()
    assert error.value.code == "despatch_intercepted"
    with pytest.raises(ConflictError) as error:
        contract.record_shipment(shipment("S-1", (1, "1.000")))
    assert error.value.code == "despatch_intercepted"
    contract.resume_despatch()
    contract.release_for_despatch()
    assert contract.is_despatched


def test_a_shipment_counts_as_despatched_even_without_a_release() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "1.000")))
    assert contract.is_despatched


def test_certificate_is_found_by_its_code_in_any_case() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "14.980")))
    issued = contract.issue_certificate("ZB-2026-0001", "B26113001", "S-1", "abcd-efgh-jkmn")
    assert issued.verification_code == "ABCD-EFGH-JKMN"
    assert contract.certificate_by_code(" abcd-EFGH-jkmn ") == issued
    assert contract.certificate_by_code("ABCD-EFGH-JKMP") is None


def test_certificate_code_is_generated_when_none_is_given() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "14.980")))
    issued = contract.issue_certificate("ZB-2026-0001", "B26113001", "S-1")
    assert re.fullmatch(
        r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", issued.verification_code
    )
    assert len({new_verification_code() for _ in range(50)}) == 50


def test_certificate_for_an_unknown_shipment_or_issued_twice_is_refused() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "14.980")))
    with pytest.raises(ValidationError) as error:
        contract.issue_certificate("ZB-1", "B1", "S-2")
    assert error.value.code == "unknown_shipment"
    contract.issue_certificate("ZB-1", "B1", "S-1", "CODE-0001")
    with pytest.raises(ConflictError) as conflict:
        contract.issue_certificate("ZB-2", "B2", "S-1", "code-0001")
    assert conflict.value.code == "duplicate_certificate"
