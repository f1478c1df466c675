"""Cart, checkout, cancellation, payment timeouts and returns.

Checkout prices each line for this customer and region, reserves stock and funds, generates one
contract per warehouse and category, and places the order: all in one atomic save, so a listing
is never oversold and a customer never commits more than it has available to order.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.access import require_buyer_permission, require_company_visible, require_role
from domain.accounts.customers import Customer, customer_in, record_activity_in
from domain.catalog.offers import offer_in, offer_of
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner, Outcome
from domain.context import Actor, Role
from domain.errors import NotFoundError, ValidationError
from domain.funds.service import FundsService
from domain.trading.cart import Cart
from domain.trading.contract import Contract
from domain.trading.contract_text import (
    BreachTerms,
    ContractFacts,
    ContractLine,
    ContractSource,
    DeliveryTerms,
    PaymentTerms,
)
from domain.trading.order import Order, OrderLine
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity

SELLER_NAME = "Steelyard Steel Co., Ltd."
PAYMENT_MINUTES = 24 * 60  # an unpaid order is cancelled after a day
BREACH = BreachTerms(
    "A party that fails the contract pays a penalty on its amount.", Decimal("0.05")
)

Result = dict[str, Any]


class OrderService:
    def __init__(self, runner: CommandRunner, catalog: CatalogService, funds: FundsService) -> None:
        self.runner = runner
        self.catalog = catalog
        self.funds = funds

    # ---- cart --------------------------------------------------------------------------
    def put_in_cart(self, listing_id: UUID, quantity: Quantity) -> Outcome[Result]:
        actor = _buyer("orders.place")

        def decide(uow: UnitOfWork) -> Result:
            offer = offer_in(uow, listing_id, quantity, on_shelf_at=context.current().now())
            offer.check_available(quantity)  # putting again replaces: the new quantity counts
            cart = self._cart_in(uow, actor)
            cart.put(listing_id, quantity)
            return _cart_result(cart)

        return self.runner.run(decide)

    def remove_from_cart(self, listing_id: UUID) -> Outcome[Result]:
        actor = _buyer("orders.place")

        def decide(uow: UnitOfWork) -> Result:
            cart = self._cart_in(uow, actor)
            cart.remove(listing_id)
            return _cart_result(cart)

        return self.runner.run(decide)

    def cart(self) -> Result:
        """The cart as the buyer would check it out now: each line's product, its price for this
        customer in its region (with the rule), the line amount, and the total."""
        actor = _buyer("orders.place")
        reader = UnitOfWork(self.runner.app)
        found = reader.find(Cart, Cart.create_id(actor.user_id)) if actor.user_id else None
        if found is None or actor.account_id is None:
            return {"items": [], "total": Money.zero().amount}
        customer = customer_in(reader, actor.account_id)
        lines = [self._cart_line(reader, customer, k, q) for k, q in found.items.items()]
        total = sum((line["amount"] for line in lines), Decimal(0))
        return {"items": lines, "total": Money(total).amount}

    def _cart_line(
        self, reader: UnitOfWork, customer: Customer, listing_id: UUID, quantity: Quantity
    ) -> Result:
        now = context.current().now()
        offer = offer_of(reader, listing_id)
        quote = self.catalog.quote_in(
            reader, listing_id, customer.level, customer.account_id, customer.region, now
        )
        return {
            "listing_id": listing_id,
            "quantity": quantity.tonnes,
            "description": _describe(offer.product),
            "category": offer.category,
            "warehouse": offer.warehouse,
            "available": offer.available.tonnes,
            "unit_price": quote.unit_price.per_tonne,
            "price_rule": quote.rule,
            "price_version": quote.price_version,
            "amount": quote.line_amount(quantity).amount,
        }

    @staticmethod
    def _cart_in(uow: UnitOfWork, actor: Actor) -> Cart:
        user_id, account_id = actor.user_id, actor.account_id
        if user_id is None or account_id is None:
            raise NotFoundError("cart")
        cart = uow.find(Cart, Cart.create_id(user_id))
        if cart is None:
            cart = Cart(user_id=user_id, account_id=account_id)
            uow.add(cart)
        return cart

    # ---- checkout ----------------------------------------------------------------------
    def checkout(
        self,
        account_id: UUID,
        delivery_address: str,
        delivery_region: str | None = None,
        lines: tuple[tuple[UUID, Quantity], ...] | None = None,
    ) -> Outcome[Result]:
        """A buyer checks out its cart; a manager orders given lines for a bound customer."""
        actor = context.current().actor
        if actor.role is Role.MANAGER:
            if not lines:
                raise ValidationError("no_lines", "A manager orders by naming the lines.")
        else:
            require_buyer_permission(actor, account_id, "orders.place")
        if not (delivery_address or "").strip():
            raise ValidationError("required", "The delivery address is required.")
        order_no = _order_no(uuid4())
        order_id = Order.create_id(order_no)
        placed_by = actor.user_id
        if placed_by is None:
            raise NotFoundError("account")

        def decide(uow: UnitOfWork) -> Result:
            uow.mint(order_id)  # its holds on the listings cannot have been closed before
            account = customer_in(uow, account_id)
            require_company_visible(actor, account.account_id, account.manager_id)
            account.require_may_trade()
            wanted = lines if lines else self._take_cart(uow, actor, order_id)
            region = (delivery_region or "").strip() or account.region
            order_lines = self._price_and_reserve(uow, account, order_id, wanted, region)
            contracts = self._contracts_for(
                uow, account, order_no, order_lines, region, delivery_address
            )
            now = context.current().now()
            order = Order(
                order_no=order_no,
                account_id=account.account_id,
                placed_by=placed_by,
                on_behalf_by=actor.user_id if actor.role is Role.MANAGER else None,
                delivery_region=region,
                delivery_address=delivery_address.strip(),
                lines=order_lines,
                contract_ids=tuple(c.id for c in contracts),
                payment_due_at=now + timedelta(minutes=PAYMENT_MINUTES),
            )
            record_activity_in(uow, account.account_id, now)
            uow.add(order, *contracts)
            return _order_result(order, contracts)

        return self.runner.run(decide)

    def _take_cart(
        self, uow: UnitOfWork, actor: Actor, order_id: UUID
    ) -> tuple[tuple[UUID, Quantity], ...]:
        cart = self._cart_in(uow, actor)
        items = tuple(sorted(cart.items.items(), key=lambda item: str(item[0])))
        cart.check_out(order_id)  # refuses an empty cart
        return items

    def _price_and_reserve(
        self,
        uow: UnitOfWork,
        account: Customer,
        order_id: UUID,
        wanted: tuple[tuple[UUID, Quantity], ...],
        region: str,
    ) -> tuple[OrderLine, ...]:
        now = context.current().now()
        if len({listing_id for listing_id, _ in wanted}) != len(wanted):
            raise ValidationError("duplicate_line", "Name each listing once.")
        priced = []
        for line_no, (listing_id, quantity) in enumerate(wanted, start=1):
            offer = offer_in(uow, listing_id, quantity)
            quote = self.catalog.quote_in(
                uow, listing_id, account.level, account.account_id, region, now
            )
            self.catalog.reserve_in(uow, listing_id, order_id, quantity, now, region)
            product = offer.product
            priced.append(
                OrderLine(
                    line_no=line_no,
                    listing_id=listing_id,
                    product_id=product.product_id,
                    category=offer.category,
                    warehouse=offer.warehouse,
                    description=_describe(product),
                    quantity=quantity,
                    unit_price=quote.unit_price,
                    amount=quote.line_amount(quantity),
                    price_rule=quote.rule,
                    price_version=quote.price_version,
                )
            )
        return tuple(priced)

    def _contracts_for(
        self,
        uow: UnitOfWork,
        account: Customer,
        order_no: str,
        lines: tuple[OrderLine, ...],
        region: str,
        address: str,
    ) -> list[Contract]:
        """One contract per warehouse and category; its funds reserved from that category."""
        groups: dict[tuple[str, str], list[OrderLine]] = defaultdict(list)
        for line in lines:
            groups[(line.warehouse, line.category)].append(line)
        contracts = []
        for n, ((warehouse, category), group) in enumerate(sorted(groups.items()), start=1):
            facts = ContractFacts(
                contract_no=f"{order_no}-{n}",
                source=ContractSource("order", str(Order.create_id(order_no))),
                buyer_id=account.account_id,
                buyer_name=account.name,
                seller_name=SELLER_NAME,
                lines=tuple(
                    ContractLine.priced(
                        i,
                        ln.product_id,
                        ln.listing_id,
                        category,
                        ln.description,
                        ln.quantity,
                        ln.unit_price,
                    )
                    for i, ln in enumerate(group, start=1)
                ),
                payment=PaymentTerms.prepay(),
                delivery=DeliveryTerms(
                    warehouse=warehouse,
                    region=region,
                    address=address.strip(),
                    delivery_month=context.current().today().strftime("%Y-%m"),
                ),
                breach=BREACH,
            )
            contract = Contract.generate(facts)
            uow.add(contract)  # new: its reservation cannot have been closed before
            self.funds.reserve_in(uow, account.account_id, contract.id, category, facts.total)
            contracts.append(contract)
        return contracts

    # ---- cancellation and timeouts -----------------------------------------------------
    def cancel(self, order_id: UUID, reason: str) -> Outcome[Result]:
        actor = context.current().actor

        def decide(uow: UnitOfWork) -> Result:
            order = uow.get(Order, order_id, "order")
            if actor.role is not Role.SYSTEM:
                require_buyer_permission(actor, order.account_id, "orders.cancel")
            self.cancel_in(uow, order, reason)
            return _order_state(order)

        return self.runner.run(decide)

    def cancel_in(self, uow: UnitOfWork, order: Order, reason: str) -> None:
        """Void its contracts (releasing funds and stock), then cancel: one save."""
        active = [cid for cid in order.contract_ids if cid in order.active_contracts]
        contracts = [uow.get(Contract, cid, "contract") for cid in active]
        despatched = any(c.is_despatched for c in contracts)
        order.cancel(reason, despatched)  # refuses first if it may not be cancelled
        for contract in contracts:
            self._void_in(uow, order, contract, reason or "order cancelled")

    def _void_in(self, uow: UnitOfWork, order: Order, contract: Contract, reason: str) -> None:
        """Void one contract of the order and give back the funds and stock it held."""
        contract.void(reason)
        reservation = self.funds.reservation_in(uow, order.account_id, contract.id)
        if reservation is not None and reservation.remaining.is_positive():
            self.funds.release_in(uow, order.account_id, contract.id)
        for line in contract.facts.lines:
            if line.listing_id is not None:
                self.catalog.release_in(uow, line.listing_id, order.id)

    def cancel_overdue(self, order_ids: list[UUID]) -> list[UUID]:
        """The scheduler's job: cancel orders still unpaid after their deadline. Idempotent."""
        require_role(context.current().actor, Role.SYSTEM)
        cancelled = []
        for order_id in order_ids:
            outcome = self.runner.run(partial(self._cancel_if_overdue, order_id=order_id))
            if outcome.result:
                cancelled.append(order_id)
        return cancelled

    def _cancel_if_overdue(self, uow: UnitOfWork, order_id: UUID) -> bool:
        """Nothing paid: cancel the order. Partly paid: drop the unpaid contracts (voided, their
        stock and funds released); the paid ones go on."""
        order = uow.get(Order, order_id, "order")
        if not order.is_overdue(context.current().now()):
            return False
        reason = "payment deadline passed"
        if not order.paid_contracts:
            self.cancel_in(uow, order, reason)
            return True
        for contract_id in sorted(order.active_contracts - order.paid_contracts, key=str):
            contract = uow.get(Contract, contract_id, "contract")
            order.drop_unpaid_contract(contract_id, reason)
            self._void_in(uow, order, contract, reason)
        return True

    # ---- queries -----------------------------------------------------------------------
    def get(self, order_id: UUID) -> Order:
        actor = context.current().actor
        reader = UnitOfWork(self.runner.app)
        order = reader.get(Order, order_id, "order")
        account = customer_in(reader, order.account_id, "order")
        require_company_visible(actor, account.account_id, account.manager_id)
        return order


def _buyer(permission: str) -> Actor:
    actor = context.current().actor
    if actor.account_id is None:
        raise NotFoundError("cart")
    require_buyer_permission(actor, actor.account_id, permission)
    return actor


def _order_no(unique: UUID) -> str:
    return f"SO{context.current().today():%Y%m%d}{unique.hex[:10].upper()}"


def _describe(product: Any) -> str:
    attrs = product.attributes
    sizes = "×".join(str(v) for v in (attrs.thickness, attrs.width, attrs.length) if v)
    return " ".join(p for p in (product.name, attrs.grade, sizes, attrs.standard) if p)


def _cart_result(cart: Cart) -> Result:
    return {"items": [{"listing_id": k, "quantity": v.tonnes} for k, v in cart.items.items()]}


def _order_state(order: Order) -> Result:
    return {
        "order_id": order.id,
        "order_no": order.order_no,
        "status": order.status.value,
        "payment_status": order.payment_status.value,
        "shipping_status": order.shipping_status.value,
    }


def _order_result(order: Order, contracts: list[Contract]) -> Result:
    return {
        **_order_state(order),
        "total": order.total.amount,
        "contracts": [
            {
                "contract_id": c.id,
                "contract_no": c.contract_no,
                "total": c.total_amount.amount,
                "digest": c.digest,
            }
            for c in contracts
        ],
    }
