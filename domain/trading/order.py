"""A spot purchase through the cart: its lines, its three statuses, cancellation and returns.

Status (订单状态), payment status and shipping status move independently, as a buyer sees them
on a real platform. The order's contracts carry the fulfilment; the order follows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate
from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from domain.ledger import stable_id
from domain.values import Money, Quantity, UnitPrice


class OrderStatus(Enum):
    PENDING_PAYMENT = "pending_payment"
    PENDING_SHIPMENT = "pending_shipment"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class PaymentStatus(Enum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"


class ShippingStatus(Enum):
    NOT_SHIPPED = "not_shipped"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"


LABELS = {
    "pending_payment": "待支付",
    "pending_shipment": "待发货",
    "shipped": "已发货",
    "completed": "已完成",
    "cancelled": "已取消",
    "unpaid": "未支付",
    "partially_paid": "部分支付",
    "paid": "已支付",
    "payment_failed": "支付失败",
    "not_shipped": "未发货",
    "partially_shipped": "部分发货",
}


@dataclass(frozen=True)
class OrderLine:
    line_no: int
    listing_id: UUID
    product_id: UUID
    category: str
    warehouse: str
    description: str
    quantity: Quantity
    unit_price: UnitPrice
    amount: Money
    price_rule: str  # which rule produced the price (customer_price, level_fixed:vip, list …)
    price_version: int  # which version of the listing's prices


@dataclass(frozen=True)
class ReturnLine:
    line_no: int
    quantity: Quantity
    amount: Money


RETURN_STATE_LABELS: dict[str, str] = {
    "requested": "退货申请中",
    "approved": "已同意退货",
    "received": "已收到退货",
    "refunded": "已退款",
    "rejected": "已拒绝退货",
}


@dataclass
class ReturnRequest:
    return_id: UUID
    lines: tuple[ReturnLine, ...]
    reason: str
    state: str = "requested"  # requested → approved → received → refunded | rejected
    note: str = ""

    @property
    def amount(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero())


class Order(Aggregate):
    @staticmethod
    def create_id(order_no: str) -> UUID:
        """Derived from the order number, so checkout knows it before the order exists (its
        contracts name it) and one number can never be placed twice."""
        return stable_id("order", order_no)

    @event("Placed")
    def __init__(
        self,
        order_no: str,
        account_id: UUID,
        placed_by: UUID,
        on_behalf_by: UUID | None,
        delivery_region: str,
        delivery_address: str,
        lines: tuple[OrderLine, ...],
        contract_ids: tuple[UUID, ...],
        payment_due_at: datetime,
    ) -> None:
        self.order_no = order_no
        self.account_id = account_id
        self.placed_by = placed_by
        self.on_behalf_by = on_behalf_by
        self.delivery_region = delivery_region
        self.delivery_address = delivery_address
        self.lines = lines
        self.contract_ids = contract_ids
        self.payment_due_at = payment_due_at
        self.status = OrderStatus.PENDING_PAYMENT
        self.payment_status = PaymentStatus.UNPAID
        self.shipping_status = ShippingStatus.NOT_SHIPPED
        self.paid_contracts: set[UUID] = set()
        self.shipped_contracts: set[UUID] = set()
        self.dropped_contracts: set[UUID] = set()
        self.cancel_reason: str | None = None
        self.returns: dict[UUID, ReturnRequest] = {}

    @property
    def active_contracts(self) -> set[UUID]:
        """The contracts still part of the order (not dropped unpaid at its deadline)."""
        return set(self.contract_ids) - self.dropped_contracts

    @property
    def total(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero())

    def line(self, line_no: int) -> OrderLine:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise NotFoundError("order line")

    # ---- following the contracts -------------------------------------------------------
    def record_contract_paid(self, contract_id: UUID) -> None:
        self._require_contract(contract_id)
        if self.status is OrderStatus.CANCELLED or contract_id in self.paid_contracts:
            return
        self._contract_paid(contract_id=contract_id)

    @event("ContractPaid")
    def _contract_paid(self, contract_id: UUID) -> None:
        self.paid_contracts.add(contract_id)
        self._follow_payment()

    def _follow_payment(self) -> None:
        if self.paid_contracts >= self.active_contracts:
            self.payment_status = PaymentStatus.PAID
            shipped = self.shipped_contracts >= self.active_contracts
            self.status = OrderStatus.SHIPPED if shipped else OrderStatus.PENDING_SHIPMENT
        else:
            self.payment_status = PaymentStatus.PARTIALLY_PAID

    def record_contract_shipped(self, contract_id: UUID, fully: bool) -> None:
        self._require_contract(contract_id)
        if self.status is OrderStatus.CANCELLED:
            raise InvalidTransitionError("order", self.status.value, "ship")
        if fully and contract_id in self.shipped_contracts:
            return
        if not fully and self.shipping_status is not ShippingStatus.NOT_SHIPPED:
            return
        self._contract_shipped(contract_id=contract_id, fully=fully)

    @event("ContractShipped")
    def _contract_shipped(self, contract_id: UUID, fully: bool) -> None:
        if fully:
            self.shipped_contracts.add(contract_id)
        if self.shipped_contracts >= self.active_contracts:
            self.shipping_status = ShippingStatus.SHIPPED
            self.status = OrderStatus.SHIPPED
        else:
            self.shipping_status = ShippingStatus.PARTIALLY_SHIPPED

    def complete(self) -> None:
        if self.status is not OrderStatus.SHIPPED:
            raise InvalidTransitionError("order", self.status.value, "complete")
        self._completed()

    @event("Completed")
    def _completed(self) -> None:
        self.status = OrderStatus.COMPLETED

    def _require_contract(self, contract_id: UUID) -> None:
        if contract_id not in self.contract_ids:
            raise NotFoundError("contract of this order")

    # ---- cancellation ------------------------------------------------------------------
    def cancel(self, reason: str, despatched: bool) -> None:
        """Before payment: always. After payment: only while the warehouse has not released
        the goods. Shipped or completed orders go through returns instead."""
        if self.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.PENDING_SHIPMENT):
            raise InvalidTransitionError("order", self.status.value, "cancel")
        if despatched or self.shipping_status is not ShippingStatus.NOT_SHIPPED:
            raise ConflictError("already_despatched", "The warehouse has already despatched it.")
        self._cancelled(reason=(reason or "").strip() or "cancelled by the buyer")

    @event("Cancelled")
    def _cancelled(self, reason: str) -> None:
        self.status = OrderStatus.CANCELLED
        self.cancel_reason = reason

    def is_overdue(self, now: datetime) -> bool:
        return self.status is OrderStatus.PENDING_PAYMENT and now >= self.payment_due_at

    def drop_unpaid_contract(self, contract_id: UUID, reason: str) -> None:
        """At the payment deadline of a partly paid order: the unpaid contract leaves the order
        (the service voids it and releases what it held); the paid ones go on."""
        self._require_contract(contract_id)
        if self.status is not OrderStatus.PENDING_PAYMENT:
            raise InvalidTransitionError("order", self.status.value, "drop a contract from")
        if contract_id in self.paid_contracts or contract_id in self.dropped_contracts:
            raise ConflictError("not_droppable", "Only an unpaid contract can be dropped.")
        if not self.paid_contracts:
            raise ConflictError("cancel_instead", "Nothing is paid: cancel the whole order.")
        self._contract_dropped(contract_id=contract_id, reason=reason)

    @event("ContractDropped")
    def _contract_dropped(self, contract_id: UUID, reason: str) -> None:
        self.dropped_contracts.add(contract_id)
        self._follow_payment()

    # ---- returns after receipt ---------------------------------------------------------
    def request_return(
        self, return_id: UUID, lines: tuple[tuple[int, Quantity], ...], reason: str
    ) -> Money:
        if self.status not in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
            raise InvalidTransitionError("order", self.status.value, "return goods of")
        if not reason.strip():
            raise ValidationError("reason_required", "A return needs a reason.")
        if not lines:
            raise ValidationError("no_lines", "Name at least one line to return.")
        priced = tuple(self._return_line(no, qty) for no, qty in lines)
        self._return_requested(return_id=return_id, lines=priced, reason=reason.strip())
        return sum((line.amount for line in priced), Money.zero())

    def _return_line(self, line_no: int, quantity: Quantity) -> ReturnLine:
        line = self.line(line_no)
        if quantity.tonnes <= 0:
            raise ValidationError("invalid_quantity", "A returned quantity must be positive.")
        already = sum(
            (
                r_line.quantity
                for r in self.returns.values()
                if r.state != "rejected"
                for r_line in r.lines
                if r_line.line_no == line_no
            ),
            Quantity.zero(),
        )
        if already + quantity > line.quantity:
            raise ConflictError(
                "over_return", f"Line {line_no}: more than was ordered would be returned."
            )
        return ReturnLine(line_no, quantity, line.unit_price.times(quantity))

    @event("ReturnRequested")
    def _return_requested(
        self, return_id: UUID, lines: tuple[ReturnLine, ...], reason: str
    ) -> None:
        self.returns[return_id] = ReturnRequest(return_id, lines, reason)

    def review_return(self, return_id: UUID, approve: bool, note: str) -> None:
        self._return_in(return_id, "requested", "review")
        if not approve and not note.strip():
            raise ValidationError("reason_required", "A rejection needs a reason.")
        self._return_reviewed(return_id=return_id, approved=approve, note=note.strip())

    @event("ReturnReviewed")
    def _return_reviewed(self, return_id: UUID, approved: bool, note: str) -> None:
        self.returns[return_id].state = "approved" if approved else "rejected"
        self.returns[return_id].note = note

    def receive_return(self, return_id: UUID) -> None:
        self._return_in(return_id, "approved", "enter the goods of")
        self._return_received(return_id=return_id)

    @event("ReturnReceived")
    def _return_received(self, return_id: UUID) -> None:
        self.returns[return_id].state = "received"

    def refund_return(self, return_id: UUID) -> Money:
        request = self._return_in(return_id, "received", "refund")
        self._return_refunded(return_id=return_id, amount=request.amount)
        return request.amount

    @event("ReturnRefunded")
    def _return_refunded(self, return_id: UUID, amount: Money) -> None:
        self.returns[return_id].state = "refunded"

    def _return_in(self, return_id: UUID, state: str, action: str) -> ReturnRequest:
        request = self.returns.get(return_id)
        if request is None:
            raise NotFoundError("return")
        if request.state != state:
            raise InvalidTransitionError("return", request.state, action)
        return request
