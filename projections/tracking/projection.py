"""Tracking (采购跟踪, 生产跟踪, 发运跟踪 …): what buyers, their managers and staff follow.

Fed by the Order, Contract and Account events. Each handler does to the rows what the
aggregate's applier does to its state, so a row's status is the aggregate's status after that
event. The tables are described in ``projections/tracking/tables.py``; the fulfilment handlers
(production, shipments, certificates, invoices, objections) are in
``projections/tracking/fulfilment.py``; the queries in ``projections/tracking/view.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.trading.contract import Contract, ContractState
from domain.trading.order import Order, OrderStatus, PaymentStatus, ShippingStatus
from projections.base import Projection, event_class, on
from projections.company_scope import CompanyScope
from projections.database import Transaction
from projections.tracking.fulfilment import FulfilmentTracking
from projections.tracking.tables import (
    DDL,
    TABLES,
    add_to_row,
    business_date,
    company_of,
    insert_row,
    update_row,
    utc,
)
from projections.tracking.view import TrackingView

__all__ = ["TrackingProjection", "TrackingView"]

Placed = event_class(Order, "Placed")
ContractPaid = event_class(Order, "ContractPaid")
ContractShipped = event_class(Order, "ContractShipped")
ContractDropped = event_class(Order, "ContractDropped")
Completed = event_class(Order, "Completed")
Cancelled = event_class(Order, "Cancelled")
ReturnRequested = event_class(Order, "ReturnRequested")
ReturnReviewed = event_class(Order, "ReturnReviewed")
ReturnReceived = event_class(Order, "ReturnReceived")
ReturnRefunded = event_class(Order, "ReturnRefunded")
Generated = event_class(Contract, "Generated")
MadeEffective = event_class(Contract, "MadeEffective")
Confirmed = event_class(Contract, "Confirmed")
PaymentRecorded = event_class(Contract, "PaymentRecorded")
CreditDrawn = event_class(Contract, "CreditDrawn")
Established = event_class(Contract, "Established")
Voided = event_class(Contract, "Voided")
ShippingCompleted = event_class(Contract, "ShippingCompleted")
DespatchReleased = event_class(Contract, "DespatchReleased")
DespatchIntercepted = event_class(Contract, "DespatchIntercepted")
DespatchResumed = event_class(Contract, "DespatchResumed")
Settled = event_class(Contract, "Settled")
FullyInvoiced = event_class(Contract, "FullyInvoiced")
Closed = event_class(Contract, "Closed")

S = ContractState
ZERO, NO_TONNES = Decimal("0.00"), Decimal("0.000")


class TrackingProjection(CompanyScope, FulfilmentTracking, Projection):
    name = "tracking"
    version = 2  # 2: NUMERIC(28,2) amounts and NUMERIC(28,3) tonnes (projections/database.py)
    tables = TABLES
    companies_table = "tracking_companies"

    def create_tables(self, tx: Transaction) -> None:
        for statement in DDL:
            tx.ddl(statement)

    # ---- orders (as ``domain/trading/order.py``'s appliers) --------------------------------------
    @on(Placed)
    def placed(self, event: Any, tx: Transaction) -> None:
        at = utc(event.timestamp)
        insert_row(
            tx,
            "tracking_orders",
            order_id=event.originator_id,
            order_no=event.order_no,
            company_id=event.account_id,
            placed_by=event.placed_by,
            on_behalf_by=event.on_behalf_by,
            placed_at=at,
            placed_on=business_date(at),
            delivery_region=event.delivery_region,
            total=sum((line.amount.amount for line in event.lines), ZERO),
            status=OrderStatus.PENDING_PAYMENT.value,
            payment_status=PaymentStatus.UNPAID.value,
            shipping_status=ShippingStatus.NOT_SHIPPED.value,
            payment_due_at=utc(event.payment_due_at),
            updated_at=at,
        )
        for seq, contract_id in enumerate(event.contract_ids):
            insert_row(
                tx,
                "tracking_order_contracts",
                order_id=event.originator_id,
                contract_id=contract_id,
                seq=seq,
                paid=False,
                shipped=False,
            )

    @on(ContractPaid)
    def contract_paid(self, event: Any, tx: Transaction) -> None:
        """Paid (and pending shipment) once every contract is paid; partially paid before."""
        self._mark(tx, event, "paid", True)
        self._follow_payment(tx, event)

    @on(ContractDropped)
    def contract_dropped(self, event: Any, tx: Transaction) -> None:
        """An unpaid contract left the order at its deadline: the rest decide its status."""
        tx.execute(
            "DELETE FROM tracking_order_contracts WHERE order_id = %s AND contract_id = %s",
            (event.originator_id, event.contract_id),
        )
        self._follow_payment(tx, event)

    def _follow_payment(self, tx: Transaction, event: Any) -> None:
        rows = tx.fetchall(
            "SELECT paid, shipped FROM tracking_order_contracts WHERE order_id = %s",
            (event.originator_id,),
        )
        if not all(bool(row["paid"]) for row in rows):
            self._order(tx, event, payment_status=PaymentStatus.PARTIALLY_PAID.value)
            return
        shipped = all(bool(row["shipped"]) for row in rows)
        status = OrderStatus.SHIPPED if shipped else OrderStatus.PENDING_SHIPMENT
        self._order(tx, event, payment_status=PaymentStatus.PAID.value, status=status.value)

    @on(ContractShipped)
    def contract_shipped(self, event: Any, tx: Transaction) -> None:
        """Shipped once every contract is fully shipped; partially shipped before."""
        if self._mark(tx, event, "shipped", event.fully):
            shipped, status = ShippingStatus.SHIPPED.value, OrderStatus.SHIPPED.value
            self._order(tx, event, shipping_status=shipped, status=status)
        else:
            self._order(tx, event, shipping_status=ShippingStatus.PARTIALLY_SHIPPED.value)

    @on(Completed)
    def completed(self, event: Any, tx: Transaction) -> None:
        self._order(tx, event, status=OrderStatus.COMPLETED.value)

    @on(Cancelled)
    def cancelled(self, event: Any, tx: Transaction) -> None:
        self._order(tx, event, status=OrderStatus.CANCELLED.value, cancel_reason=event.reason)

    @staticmethod
    def _mark(tx: Transaction, event: Any, flag: str, on_this: bool) -> bool:
        """Flag the event's contract (when ``on_this``); True when all the order's have it."""
        if on_this:
            keys = {"order_id": event.originator_id, "contract_id": event.contract_id}
            update_row(tx, "tracking_order_contracts", keys, **{flag: True})
        rows = tx.fetchall(
            f"SELECT {flag} FROM tracking_order_contracts WHERE order_id = %s",
            (event.originator_id,),
        )
        return all(bool(row[flag]) for row in rows)

    @staticmethod
    def _order(tx: Transaction, event: Any, **columns: Any) -> None:
        keys = {"order_id": event.originator_id}
        update_row(tx, "tracking_orders", keys, **columns, updated_at=utc(event.timestamp))

    # ---- returns after receipt -----------------------------------------------------------
    @on(ReturnRequested)
    def return_requested(self, event: Any, tx: Transaction) -> None:
        at = utc(event.timestamp)
        insert_row(
            tx,
            "tracking_returns",
            return_id=event.return_id,
            order_id=event.originator_id,
            company_id=company_of(tx, "tracking_orders", "order_id", event.originator_id),
            state="requested",
            reason=event.reason,
            note="",
            amount=sum((line.amount.amount for line in event.lines), ZERO),
            requested_at=at,
            updated_at=at,
        )
        for line in event.lines:
            insert_row(
                tx,
                "tracking_return_lines",
                return_id=event.return_id,
                line_no=line.line_no,
                quantity=line.quantity.tonnes,
                amount=line.amount.amount,
            )

    @on(ReturnReviewed)
    def return_reviewed(self, event: Any, tx: Transaction) -> None:
        state = "approved" if event.approved else "rejected"
        self._return(tx, event, state=state, note=event.note)

    @on(ReturnReceived)
    def return_received(self, event: Any, tx: Transaction) -> None:
        self._return(tx, event, state="received")

    @on(ReturnRefunded)
    def return_refunded(self, event: Any, tx: Transaction) -> None:
        self._return(tx, event, state="refunded")

    @staticmethod
    def _return(tx: Transaction, event: Any, **columns: Any) -> None:
        keys = {"return_id": event.return_id}
        update_row(tx, "tracking_returns", keys, **columns, updated_at=utc(event.timestamp))

    # ---- contracts: the lifecycle (as ``domain/trading/contract.py``'s appliers) -----------------
    @on(Generated)
    def generated(self, event: Any, tx: Transaction) -> None:
        facts, at = event.facts, utc(event.timestamp)
        source = facts.source
        insert_row(
            tx,
            "tracking_contracts",
            contract_id=event.originator_id,
            contract_no=facts.contract_no,
            company_id=facts.buyer_id,
            order_id=UUID(source.reference) if source.kind == "order" else None,
            source_kind=source.kind,
            source_reference=source.reference,
            warehouse=facts.delivery.warehouse,
            generated_at=at,
            total=facts.total.amount,
            paid=ZERO,
            credit_drawn=ZERO,
            state=S.GENERATED.value,
            settled_amount=ZERO,
            invoiced_amount=ZERO,
            despatch_released=False,
            despatch_held=False,
            shipment_count=0,
            shipping_note="",
            updated_at=at,
        )
        for line in facts.lines:
            insert_row(
                tx,
                "tracking_contract_lines",
                contract_id=event.originator_id,
                line_no=line.line_no,
                company_id=facts.buyer_id,
                category=line.category,
                description=line.description,
                unit_price=line.unit_price.per_tonne,
                contracted=line.quantity.tonnes,
                scheduled=NO_TONNES,
                produced=NO_TONNES,
                shipped=NO_TONNES,
            )

    @on(MadeEffective)
    def made_effective(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, state=S.EFFECTIVE.value)

    @on(Confirmed)
    def confirmed(self, event: Any, tx: Transaction) -> None:
        due = event.payment_due_on.isoformat()
        self._contract(tx, event, state=S.CONFIRMED.value, payment_due_on=due)

    @on(PaymentRecorded, CreditDrawn)
    def secured(self, event: Any, tx: Transaction) -> None:
        column = "paid" if isinstance(event, PaymentRecorded) else "credit_drawn"
        keys, at = {"contract_id": event.originator_id}, utc(event.timestamp)
        add_to_row(tx, "tracking_contracts", keys, column, event.amount.amount, updated_at=at)

    @on(Established)
    def established(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, state=S.ESTABLISHED.value)

    @on(Voided)
    def voided(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, state=S.VOID.value, void_reason=event.reason)

    @on(ShippingCompleted)
    def shipping_completed(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, state=S.SHIPPED.value, shipping_note=event.reason)

    @on(DespatchReleased)
    def despatch_released(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, despatch_released=True)

    @on(DespatchIntercepted, DespatchResumed)
    def despatch_held(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, despatch_held=isinstance(event, DespatchIntercepted))

    @on(Settled)
    def settled(self, event: Any, tx: Transaction) -> None:
        final = event.settlement.final_amount.amount
        self._contract(tx, event, state=S.SETTLED.value, settled_amount=final)

    @on(FullyInvoiced)
    def fully_invoiced(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, state=S.INVOICED.value)

    @on(Closed)
    def closed(self, event: Any, tx: Transaction) -> None:
        self._contract(tx, event, state=S.CLOSED.value)

    @staticmethod
    def _contract(tx: Transaction, event: Any, **columns: Any) -> None:
        keys = {"contract_id": event.originator_id}
        update_row(tx, "tracking_contracts", keys, **columns, updated_at=utc(event.timestamp))
