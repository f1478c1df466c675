"""Contract rules up to establishment, its text and digest, and voiding; without I/O.

The builders here are shared by the other test_contract_* modules.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.context import CommandContext, FrozenClock, acting
from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.trading.contract import STATE_LABELS, Contract, ContractState
from domain.trading.contract_text import (
    BreachTerms,
    ContractFacts,
    ContractLine,
    ContractSource,
    DeliveryTerms,
    PaymentTerms,
)
from domain.trading.fulfilment import Shipment, ShipmentLine
from domain.values import Money, Quantity, UnitPrice

SHIPPED_AT = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def money(value: str) -> Money:
    return Money.parse(value)


def tonnes(value: str) -> Quantity:
    return Quantity.parse(value)


HRC = ContractLine.priced(
    1, UUID(int=11), UUID(int=21), "HRC", "Q235B 4.75×1500×C 热轧卷板", tonnes("27.125"),
    UnitPrice.parse("4321.57"),
)  # fmt: skip
PLATE = ContractLine.priced(
    2, UUID(int=12), None, "PLATE", "Q345B 20×2200×9000 中厚板", tonnes("12.000"),
    UnitPrice.parse("4500.00"),
)  # fmt: skip
FACTS = ContractFacts(
    contract_no="SY-20261126-000123",
    source=ContractSource("order", "7d6c0a1e-order"),
    buyer_id=UUID(int=1),
    buyer_name="Acme Steel Trading Co.",
    seller_name="Rizhao Steel",
    lines=(HRC, PLATE),
    payment=PaymentTerms.prepay(),
    delivery=DeliveryTerms("Lanshan warehouse", "east", "1 Harbour Road", "2026-12"),
    breach=BreachTerms("The defaulting party pays the penalty.", Decimal("0.05")),
)


def generated(**changes: Any) -> Contract:
    return Contract.generate(replace(FACTS, **changes))


def effective(**changes: Any) -> Contract:
    contract = generated(**changes)
    contract.make_effective()
    return contract


def established(**changes: Any) -> Contract:
    contract = effective(**changes)
    contract.confirm(contract.digest)
    contract.record_payment(contract.required_amount)
    return contract


def shipment(shipment_id: str, *weights: tuple[int, str]) -> Shipment:
    lines = tuple(ShipmentLine(no, tonnes(w)) for no, w in weights)
    return Shipment(shipment_id, lines, "Lanshan warehouse", SHIPPED_AT, vehicle_plate="鲁L12345")


def test_line_amount_is_quantity_times_price_rounded_half_up() -> None:
    assert HRC.amount == money("117222.59")  # 27.125 × 4321.57 = 117222.58625
    assert generated().total_amount == money("171222.59")


def test_a_line_whose_amount_disagrees_with_its_price_is_refused() -> None:
    wrong = replace(HRC, amount=money("117222.58"))
    with pytest.raises(ValidationError) as error:
        generated(lines=(wrong, PLATE))
    assert error.value.code == "amount_mismatch"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"lines": ()}, "no_lines"),
        ({"lines": (HRC, replace(PLATE, line_no=1))}, "invalid_line_no"),
        ({"source": ContractSource("fax", "1")}, "invalid_source"),
        ({"buyer_name": " "}, "required"),
        ({"payment": PaymentTerms.prepay(Decimal("100.5"))}, "invalid_terms"),
        ({"payment": PaymentTerms.prepay(50.0)}, "invalid_terms"),  # type: ignore[arg-type]
        ({"delivery": replace(FACTS.delivery, tolerance_percent=Decimal(-1))}, "invalid_terms"),
        ({"delivery": replace(FACTS.delivery, delivery_month="2026-13")}, "invalid_terms"),
        ({"breach": BreachTerms("x", Decimal("1.5"))}, "invalid_terms"),
    ],
)
def test_malformed_contract_is_not_generated(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(ValidationError) as error:
        generated(**changes)
    assert error.value.code == code


def test_the_id_follows_from_the_contract_number() -> None:
    assert generated().id == generated().id
    assert generated().id != generated(contract_no="SY-20261126-000124").id


def test_digest_is_the_sha256_of_the_text_and_is_pinned() -> None:
    contract = generated()
    text = contract.render_text()
    assert contract.digest == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert contract.digest == (
        "eba16b2c94606a6350f7ea15c3055727d368068f8ed64278794230144954bd85"
    )  # a layout change must bump TEXT_VERSION, or old contracts stop matching their text
    assert contract.text_matches_digest()
    assert "27.125 t x 4321.57 CNY/t = 117222.59 CNY" in contract.render_text()


def test_equal_numbers_written_differently_render_the_same_text() -> None:
    hundred = PaymentTerms.prepay(Decimal("100.00"))
    tolerance = replace(FACTS.delivery, tolerance_percent=Decimal("10.0"))
    assert generated(payment=hundred, delivery=tolerance).digest == generated().digest


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_name": "Acme Steel Trading Co"},
        {"lines": (HRC, PLATE.__class__.priced(2, UUID(int=12), None, "PLATE", PLATE.description,
                                               tonnes("12.001"), PLATE.unit_price))},
        {"delivery": replace(FACTS.delivery, tolerance_percent=Decimal(5))},
        {"breach": BreachTerms("The defaulting party pays the penalty!", Decimal("0.05"))},
    ],
)  # fmt: skip
def test_any_change_of_the_facts_changes_the_digest(changes: dict[str, Any]) -> None:
    assert generated(**changes).digest != generated().digest


def test_free_text_cannot_forge_a_line_of_the_contract() -> None:
    forged = generated(buyer_name="Acme\n合计 Total: 1.00 CNY").render_text()
    assert "\n合计 Total: 1.00 CNY" not in forged


def test_confirmation_before_the_seller_made_it_effective_is_refused() -> None:
    contract = generated()
    with pytest.raises(InvalidTransitionError) as error:
        contract.confirm(contract.digest)
    assert error.value.code == "invalid_transition"


def test_confirmation_with_another_digest_is_refused_without_revealing_it() -> None:
    contract = effective()
    with pytest.raises(ConflictError) as error:
        contract.confirm(generated(buyer_name="Other").digest)
    assert error.value.code == "digest_mismatch"
    assert contract.digest not in error.value.detail and not error.value.extra
    assert contract.state is ContractState.EFFECTIVE and contract.awaiting_confirmation


def test_confirmation_sets_the_payment_due_date_on_the_shanghai_calendar() -> None:
    contract = effective()
    late_evening_utc = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)  # 27 Nov 04:00 in Shanghai
    with acting(CommandContext(clock=FrozenClock(late_evening_utc))):
        established_now = contract.confirm(contract.digest)
    assert not established_now and contract.state is ContractState.CONFIRMED
    assert str(contract.payment_due_on) == "2026-11-28"


def test_prepay_contract_is_established_once_the_required_share_is_paid() -> None:
    contract = effective(payment=PaymentTerms.prepay(Decimal(30)))
    contract.confirm(contract.digest)
    assert contract.required_amount == money("51366.78")  # 171222.59 × 30 % = 51366.777
    assert contract.record_payment(money("51366.77")) is False
    assert contract.state is ContractState.CONFIRMED
    assert contract.record_payment(money("0.01")) is True
    assert contract.state is ContractState.ESTABLISHED
    assert contract.label == "订单建立"


def test_money_secured_before_confirmation_establishes_it_on_confirmation() -> None:
    contract = generated()
    contract.record_payment(money("171222.59"))  # reserved at checkout
    contract.make_effective()
    assert contract.confirm(contract.digest) is True
    assert contract.state is ContractState.ESTABLISHED


def test_credit_terms_are_established_when_the_draw_covers_the_total() -> None:
    contract = effective(payment=PaymentTerms.credit())
    contract.confirm(contract.digest)
    contract.record_payment(money("71222.59"))
    assert contract.record_credit_draw(money("100000.00")) is True
    assert contract.secured_amount == money("171222.59")
    assert contract.state is ContractState.ESTABLISHED


def test_credit_draw_on_prepay_terms_is_refused() -> None:
    contract = effective()
    with pytest.raises(ConflictError) as error:
        contract.record_credit_draw(money("1.00"))
    assert error.value.code == "not_on_credit"


def test_securing_more_than_the_total_or_nothing_is_refused() -> None:
    contract = effective()
    with pytest.raises(ConflictError) as error:
        contract.record_payment(money("171222.60"))
    assert error.value.code == "overpaid"
    with pytest.raises(ValidationError):
        contract.record_payment(money("0.00"))


def test_void_before_shipping_returns_what_it_held() -> None:
    contract = established(payment=PaymentTerms.prepay(Decimal(30)))
    release = contract.void("Buyer cancelled the order")
    assert contract.state is ContractState.VOID and STATE_LABELS[contract.state] == "已作废"
    assert release.paid == money("51366.78") and release.credit_drawn == Money.zero()
    assert release.lines == (HRC, PLATE)
    assert contract.void_reason == "Buyer cancelled the order"


def test_void_needs_a_reason_and_happens_once() -> None:
    contract = effective()
    with pytest.raises(ValidationError) as error:
        contract.void("  ")
    assert error.value.code == "reason_required"
    contract.void("Price error")
    with pytest.raises(InvalidTransitionError):
        contract.void("Again")
    with pytest.raises(InvalidTransitionError):
        contract.record_payment(money("1.00"))


def test_void_after_a_shipment_is_refused() -> None:
    contract = established()
    contract.record_shipment(shipment("S-1", (1, "14.980")))
    with pytest.raises(ConflictError) as error:
        contract.void("Too late")
    assert error.value.code == "already_shipping"


def test_cancel_after_the_warehouse_released_the_goods_is_refused() -> None:
    contract = established()
    contract.release_for_despatch()
    assert contract.is_despatched
    with pytest.raises(ConflictError) as error:
        contract.void("Buyer changed their mind")
    assert error.value.code == "already_despatched"
    assert contract.state is ContractState.ESTABLISHED
