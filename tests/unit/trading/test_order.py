"""Order and cart rules, without I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from domain.trading.cart import Cart
from domain.trading.order import Order, OrderLine, OrderStatus, PaymentStatus, ShippingStatus
from domain.values import Quantity, UnitPrice

NOW = datetime(2026, 11, 26, 2, tzinfo=UTC)


def _line(no: int, tonnes: str, price: str = "4000.00") -> OrderLine:
    quantity, unit = Quantity.parse(tonnes), UnitPrice.parse(price)
    return OrderLine(no, uuid4(), uuid4(), "HRC", "Rizhao", "coil", quantity, unit,
                     unit.times(quantity), "list", 1)  # fmt: skip


def _order(contracts: int = 2) -> tuple[Order, list[UUID]]:
    ids = [uuid4() for _ in range(contracts)]
    order = Order(
        order_no="SO1", account_id=uuid4(), placed_by=uuid4(), on_behalf_by=None,
        delivery_region="east", delivery_address="Dock", lines=(_line(1, "10"), _line(2, "2.5")),
        contract_ids=tuple(ids), payment_due_at=NOW + timedelta(days=1),
    )  # fmt: skip
    return order, ids


def test_statuses_follow_the_contracts() -> None:
    order, (a, b) = _order()
    assert order.total.amount == 50000  # 40,000.00 + 10,000.00
    order.record_contract_paid(a)
    assert (order.status, order.payment_status) == (
        OrderStatus.PENDING_PAYMENT, PaymentStatus.PARTIALLY_PAID)  # fmt: skip
    order.record_contract_paid(b)
    assert (order.status, order.payment_status) == (
        OrderStatus.PENDING_SHIPMENT,
        PaymentStatus.PAID,
    )
    order.record_contract_shipped(a, fully=True)
    assert order.shipping_status is ShippingStatus.PARTIALLY_SHIPPED
    order.record_contract_shipped(b, fully=True)
    assert (order.status, order.shipping_status) == (OrderStatus.SHIPPED, ShippingStatus.SHIPPED)
    order.complete()
    assert order.status is OrderStatus.COMPLETED


def test_an_unknown_contract_is_refused() -> None:
    order, _ = _order()
    with pytest.raises(NotFoundError):
        order.record_contract_paid(uuid4())


def test_cancel_before_despatch_only() -> None:
    order, (a, _) = _order()
    order.record_contract_paid(a)
    with pytest.raises(ConflictError) as error:
        order.cancel("too late", despatched=True)
    assert error.value.code == "already_despatched"
    order.cancel("", despatched=False)
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "cancelled by the buyer")
    with pytest.raises(InvalidTransitionError):
        order.cancel("again", despatched=False)


def test_a_shipped_order_goes_through_returns_not_cancellation() -> None:
    order, (a, b) = _order()
    for contract in (a, b):
        order.record_contract_paid(contract)
        order.record_contract_shipped(contract, fully=True)
    with pytest.raises(InvalidTransitionError):
        order.cancel("changed mind", despatched=False)


def test_returns_are_partial_per_line_and_reviewed() -> None:
    order, (a, b) = _order()
    for contract in (a, b):
        order.record_contract_paid(contract)
        order.record_contract_shipped(contract, fully=True)
    with pytest.raises(ConflictError) as error:
        order.request_return(uuid4(), ((1, Quantity.parse("10.001")),), "rust")
    assert error.value.code == "over_return"
    first = uuid4()
    assert order.request_return(first, ((1, Quantity.parse("4")),), "rust").amount == 16000
    with pytest.raises(ConflictError):
        order.request_return(uuid4(), ((1, Quantity.parse("6.001")),), "more rust")
    with pytest.raises(ValidationError):
        order.review_return(first, approve=False, note="")
    with pytest.raises(InvalidTransitionError):
        order.refund_return(first)
    order.review_return(first, approve=True, note="ok")
    order.receive_return(first)
    assert order.refund_return(first).amount == 16000
    assert order.status is OrderStatus.SHIPPED  # the rest of the order is unaffected


def test_at_the_deadline_an_unpaid_contract_is_dropped_and_the_paid_one_goes_on() -> None:
    order, (a, b) = _order()
    assert not order.is_overdue(NOW) and order.is_overdue(NOW + timedelta(days=1))
    with pytest.raises(ConflictError) as error:
        order.drop_unpaid_contract(a, "deadline")
    assert error.value.code == "cancel_instead"  # nothing paid: the whole order is cancelled
    order.record_contract_paid(a)
    with pytest.raises(ConflictError):
        order.drop_unpaid_contract(a, "deadline")
    order.drop_unpaid_contract(b, "deadline")
    assert order.active_contracts == {a}
    assert (order.status, order.payment_status) == (
        OrderStatus.PENDING_SHIPMENT,
        PaymentStatus.PAID,
    )


def test_a_cart_sets_quantities_and_refuses_an_empty_checkout() -> None:
    cart = Cart(user_id=uuid4(), account_id=uuid4())
    listing = uuid4()
    with pytest.raises(ValidationError):
        cart.check_out(uuid4())
    cart.put(listing, Quantity.parse("2"))
    cart.put(listing, Quantity.parse("3.5"))
    assert cart.items == {listing: Quantity.parse("3.5")}
    with pytest.raises(ValidationError):
        cart.put(uuid4(), Quantity.parse("0"))
    cart.check_out(uuid4())
    assert cart.items == {}
    with pytest.raises(NotFoundError):
        cart.remove(listing)
