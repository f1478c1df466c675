"""A spot listing (现货挂牌): one product's stock at one warehouse, its prices, terms and shelf.

Lifecycle: draft → published → withdrawn (and published again). Buyable only while published
and ``now`` is in [on_shelf_at, off_shelf_at): the window decides, no scheduler needed.
Stock: supplied (initial + restocked) = reserved + sold + remaining, remaining never below zero;
an order holds at most one reservation, then released (idempotent) or sold (when it ships).
Every price-affecting event carries the new ``price_version`` (1 at creation), so a checkout can
record "price version N of listing L" and any past price can be explained from the history.

A listing holds what its rules need, not its history: the open reservations, and the last
``RECENT_CLOSED`` orders it closed. That an order's hold was released or sold is remembered for
ever by a store-wide ``Claim`` saved in the same write (``CatalogService``), which the service
passes in as ``closed`` when the listing no longer remembers the order itself. Orders closed
before that (events of version 1) stay in ``legacy_closed``, which no longer grows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate, CopiesCheaply
from domain.catalog.catalog import Product
from domain.catalog.pricing import CustomerPrice, PriceRules, check_customer_price
from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError
from domain.values import Quantity


@dataclass(frozen=True)
class SaleTerms:
    min_quantity: Quantity
    step: Quantity
    saleable_regions: tuple[str, ...] = ()  # empty: saleable everywhere
    warning_line: Quantity | None = None  # stock warning when remaining ≤ this

    def check(self) -> None:
        if self.min_quantity.tonnes <= 0 or self.step.tonnes <= 0:
            raise ValidationError("invalid_terms", "Minimum and step must be more than zero.")
        if self.warning_line is not None and self.warning_line.tonnes < 0:
            raise ValidationError("invalid_terms", "The warning line cannot be negative.")
        if any(not r.strip() for r in self.saleable_regions):
            raise ValidationError("invalid_region", "A saleable region cannot be blank.")


@dataclass(frozen=True)
class StockLevels:
    supplied: Quantity
    reserved: Quantity
    sold: Quantity
    remaining: Quantity

    @classmethod
    def initial(cls, quantity: Quantity) -> StockLevels:
        return cls(quantity, Quantity.zero(), Quantity.zero(), quantity)

    def as_dict(self) -> dict[str, str]:
        names = ("supplied", "reserved", "sold", "remaining")
        return {name: str(getattr(self, name)) for name in names}

    def reserve(self, qty: Quantity) -> StockLevels:
        return replace(self, reserved=self.reserved + qty, remaining=self.remaining - qty)

    def release(self, qty: Quantity) -> StockLevels:
        return replace(self, reserved=self.reserved - qty, remaining=self.remaining + qty)

    def sell(self, held: Quantity, qty: Quantity) -> StockLevels:  # the unshipped rest returns
        back = self.remaining + held - qty
        return replace(self, reserved=self.reserved - held, sold=self.sold + qty, remaining=back)

    def restock(self, qty: Quantity) -> StockLevels:
        return replace(self, supplied=self.supplied + qty, remaining=self.remaining + qty)


RECENT_CLOSED = 64  # closed orders a listing remembers itself (the claims remember them all)


class Listing(CopiesCheaply, Aggregate):
    """Version 2 of its state: ``closed_orders`` (every order ever closed) became
    ``legacy_closed`` (those closed before version 2) and ``recently_closed`` (bounded)."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["legacy_closed"] = state.pop("closed_orders", {})
        state["recently_closed"] = {}

    @classmethod
    def create(
        cls,
        product: Product,
        warehouse: str,
        quantity: Quantity,
        prices: PriceRules,
        terms: SaleTerms,
    ) -> Listing:
        if not warehouse.strip():
            raise ValidationError("required", "A listing needs a warehouse.")
        _check_positive(quantity)
        prices.check()
        terms.check()
        return cls(product, warehouse.strip(), quantity, prices, terms)

    @event("Created")
    def __init__(
        self,
        product: Product,
        warehouse: str,
        quantity: Quantity,
        prices: PriceRules,
        terms: SaleTerms,
    ) -> None:
        self.product = product
        self.category = product.category
        self.warehouse = warehouse
        self.stock = StockLevels.initial(quantity)
        self.terms = terms
        self.state = "draft"  # draft | published | withdrawn
        self.on_shelf_at: datetime | None = None
        self.off_shelf_at: datetime | None = None
        self.prices = prices
        self.price_version = 1
        self.customer_prices: dict[UUID, CustomerPrice] = {}
        self.reservations: dict[UUID, Quantity] = {}  # open, by order
        self.recently_closed: dict[UUID, str] = {}  # "released" | "sold", the last few
        self.legacy_closed: dict[UUID, str] = {}  # closed by events of version 1

    def closed_as(self, order_id: UUID) -> str | None:
        """ "released" or "sold" if this listing remembers closing the order's hold itself."""
        return self.recently_closed.get(order_id) or self.legacy_closed.get(order_id)

    # ---- queries -----------------------------------------------------------------------
    def shelf_status(self, now: datetime) -> str:
        """draft, scheduled, on_shelf, expired (past its off-shelf time) or withdrawn."""
        if self.state != "published" or self.on_shelf_at is None:
            return self.state
        if now < self.on_shelf_at:
            return "scheduled"
        if self.off_shelf_at is not None and now >= self.off_shelf_at:
            return "expired"
        return "on_shelf"

    def is_on_shelf(self, now: datetime) -> bool:
        return self.shelf_status(now) == "on_shelf"

    def saleable_in(self, region: str | None) -> bool:
        regions = self.terms.saleable_regions
        return not regions or region in regions

    def check_region(self, region: str | None) -> None:
        if not self.saleable_in(region):
            raise ConflictError(
                "not_saleable_in_region", f"This listing is not sold into region {region}."
            )

    def check_quantity(self, quantity: Quantity) -> None:
        _check_positive(quantity)
        minimum, step = self.terms.min_quantity, self.terms.step
        if quantity < minimum:
            raise ValidationError(
                "below_minimum", f"The minimum order is {minimum} t.", minimum=str(minimum)
            )
        if (quantity.tonnes - minimum.tonnes) % step.tonnes != 0:
            raise ValidationError(
                "off_step", f"Order {minimum} t plus whole steps of {step} t.", step=str(step)
            )

    @property
    def low_on_stock(self) -> bool:
        line = self.terms.warning_line
        return line is not None and self.stock.remaining <= line

    # ---- shelf -------------------------------------------------------------------------
    def publish(
        self,
        now: datetime,
        on_shelf_at: datetime | None = None,
        off_shelf_at: datetime | None = None,
    ) -> None:
        start = on_shelf_at or now
        if start.tzinfo is None or (off_shelf_at is not None and off_shelf_at.tzinfo is None):
            raise ValidationError("invalid_window", "Shelf times need a time zone.")
        if off_shelf_at is not None and (off_shelf_at <= start or off_shelf_at <= now):
            raise ValidationError(
                "invalid_window", "The off-shelf time must be after the on-shelf time and now."
            )
        self._published(on_shelf_at=start, off_shelf_at=off_shelf_at)

    @event("Published")
    def _published(self, on_shelf_at: datetime, off_shelf_at: datetime | None) -> None:
        self.state = "published"
        self.on_shelf_at = on_shelf_at
        self.off_shelf_at = off_shelf_at

    def withdraw(self, reason: str = "") -> None:
        if self.state != "published":
            raise InvalidTransitionError("listing", self.state, "withdraw")
        self._withdrawn(reason=reason.strip())

    @event("Withdrawn")
    def _withdrawn(self, reason: str) -> None:
        self.state = "withdrawn"

    # ---- prices and terms --------------------------------------------------------------
    def change_prices(self, prices: PriceRules) -> None:
        prices.check()
        self._prices_changed(prices=prices, price_version=self.price_version + 1)

    @event("PricesChanged")
    def _prices_changed(self, prices: PriceRules, price_version: int) -> None:
        self.prices = prices
        self.price_version = price_version

    def set_customer_price(self, price: CustomerPrice) -> None:
        check_customer_price(price)
        self._customer_price_set(price=price, price_version=self.price_version + 1)

    @event("CustomerPriceSet")
    def _customer_price_set(self, price: CustomerPrice, price_version: int) -> None:
        self.customer_prices[price.account_id] = price
        self.price_version = price_version

    def remove_customer_price(self, account_id: UUID) -> None:
        if account_id not in self.customer_prices:
            raise NotFoundError("customer price")
        self._customer_price_removed(account_id=account_id, price_version=self.price_version + 1)

    @event("CustomerPriceRemoved")
    def _customer_price_removed(self, account_id: UUID, price_version: int) -> None:
        del self.customer_prices[account_id]
        self.price_version = price_version

    def change_terms(self, terms: SaleTerms) -> None:
        regions = tuple(sorted({r.strip() for r in terms.saleable_regions}))
        terms = replace(terms, saleable_regions=regions)
        terms.check()
        self._terms_changed(terms=terms)

    @event("TermsChanged")
    def _terms_changed(self, terms: SaleTerms) -> None:
        self.terms = terms

    # ---- stock -------------------------------------------------------------------------
    def reserve(
        self, order_id: UUID, quantity: Quantity, now: datetime, closed: str | None = None
    ) -> bool:
        """Hold stock for an order; False if this order already holds exactly this much.
        ``closed``: how the store remembers an earlier hold of this order ("released", "sold")."""
        held = self.reservations.get(order_id)
        if held == quantity:
            return False
        if held is not None or closed or self.closed_as(order_id):
            raise ConflictError("already_reserved", "This order already reserved this listing.")
        if not self.is_on_shelf(now):
            raise ConflictError("not_on_shelf", "This listing is not on shelf.")
        self.check_quantity(quantity)
        if self.stock.remaining < quantity:
            raise ConflictError(
                "oversold",
                f"Only {self.stock.remaining} t remain.",
                remaining=str(self.stock.remaining),
            )
        self._reserved(order_id=order_id, quantity=quantity, stock=self.stock.reserve(quantity))
        return True

    @event("StockReserved")
    def _reserved(self, order_id: UUID, quantity: Quantity, stock: StockLevels) -> None:
        self.reservations[order_id] = quantity
        self.stock = stock

    def release(self, order_id: UUID, closed: str | None = None) -> bool:
        """Return an order's reservation to stock; False if it holds none (already released)."""
        held = self.reservations.get(order_id)
        if held is None:
            if (closed or self.closed_as(order_id)) == "sold":
                raise ConflictError("already_sold", "This order's stock has already shipped.")
            return False
        stock = self.stock.release(held)
        self._released(order_id=order_id, quantity=held, stock=stock, kept=False)
        return True

    class StockReleased(Aggregate.Event):
        """Version 2 adds ``kept``: whether the listing keeps the closed order for ever (True
        for every event written before version 2; since then a store-wide claim does)."""

        class_version = 2
        order_id: UUID
        quantity: Quantity
        stock: StockLevels
        kept: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["kept"] = True

    @event(StockReleased)
    def _released(self, order_id: UUID, quantity: Quantity, stock: StockLevels, kept: bool) -> None:
        self._closed(order_id, "released", kept)
        self.stock = stock

    def sell(
        self, order_id: UUID, quantity: Quantity | None = None, closed: str | None = None
    ) -> bool:
        """The order's goods ship: its reservation (or ``quantity`` of it) becomes sold, the
        rest returns to stock. False if this order was already sold."""
        held = self.reservations.get(order_id)
        if held is None:
            if (closed or self.closed_as(order_id)) == "sold":
                return False
            raise ConflictError("not_reserved", "This order holds no stock of this listing.")
        shipped = held if quantity is None else quantity
        if shipped.tonnes < 0 or shipped > held:
            raise ConflictError("exceeds_reservation", f"The order reserved only {held} t.")
        stock = self.stock.sell(held, shipped)
        returned = held - shipped
        self._sold(order_id=order_id, quantity=shipped, returned=returned, stock=stock, kept=False)
        return True

    class StockSold(Aggregate.Event):
        """Version 2 adds ``kept``, as ``StockReleased`` does."""

        class_version = 2
        order_id: UUID
        quantity: Quantity
        returned: Quantity
        stock: StockLevels
        kept: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["kept"] = True

    @event(StockSold)
    def _sold(
        self,
        order_id: UUID,
        quantity: Quantity,
        returned: Quantity,
        stock: StockLevels,
        kept: bool,
    ) -> None:
        self._closed(order_id, "sold", kept)
        self.stock = stock

    def _closed(self, order_id: UUID, how: str, kept: bool) -> None:
        del self.reservations[order_id]
        if kept:
            self.legacy_closed[order_id] = how
            return
        self.recently_closed[order_id] = how
        while len(self.recently_closed) > RECENT_CLOSED:
            del self.recently_closed[next(iter(self.recently_closed))]

    def restock(self, quantity: Quantity) -> None:
        _check_positive(quantity)
        self._restocked(quantity=quantity, stock=self.stock.restock(quantity))

    @event("Restocked")
    def _restocked(self, quantity: Quantity, stock: StockLevels) -> None:
        self.stock = stock


def _check_positive(quantity: Quantity) -> None:
    if quantity.tonnes <= 0:
        raise ValidationError("invalid_quantity", "A quantity must be more than zero tonnes.")
