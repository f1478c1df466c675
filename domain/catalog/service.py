"""Catalog and listing commands, listing queries, and stock/price helpers for checkout.

Operators manage categories, products and listings. Customer prices (一客一价) are set by finance
or operators, or by a manager for a bound customer (any other customer is 404). Buyers see a
listing only on shelf and saleable in their region, with their own price, never another's.
The ``*_in(uow, ...)`` helpers let another service (checkout) price lines and reserve stock in its
own unit of work, so stock, funds and the order are saved at once; they check no access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.access import require_authenticated, require_company_visible, require_role
from domain.accounts.customers import customer_in, find_customer_in
from domain.catalog.catalog import DEFAULT_TREE, Catalog, ProductAttributes
from domain.catalog.listing import Listing, SaleTerms
from domain.catalog.pricing import CustomerPrice, PriceQuote, PriceRules, quote
from domain.catalog.pricing import LevelPrice as Level
from domain.catalog.pricing import RegionalDelta as Delta
from domain.catalog.tree import (
    StoredTree,
    add_product_in,
    define_category_in,
    define_missing_in,
    split_legacy_in,
)
from domain.commands import CommandRunner, Outcome
from domain.context import Actor, Role
from domain.errors import NotFoundError
from domain.unit_of_work import UnitOfWork
from domain.values import Quantity, UnitPrice

Result = dict[str, Any]


class CatalogService:
    def __init__(self, runner: CommandRunner) -> None:
        self.runner = runner
        self._split_checked = False  # the old one-aggregate catalog is split (or absent)

    # ---- catalog -----------------------------------------------------------------------
    def define_category(
        self, code: str, name: str, parent: str | None = None, required: tuple[str, ...] = ()
    ) -> Outcome[Result]:
        require_role(_actor(), Role.OPERATOR)
        self.split_legacy_catalog()

        def decide(uow: UnitOfWork) -> Result:
            return define_category_in(uow, code, name, parent, required).as_dict()

        return self.runner.run(decide)

    def define_default_categories(self) -> Outcome[Result]:
        """METAL → STEEL → HRC, PLATE, COLD, WIRE, REBAR, SECTION; those missing are added."""
        require_role(_actor(), Role.OPERATOR)
        self.split_legacy_catalog()

        def decide(uow: UnitOfWork) -> Result:
            return {"added": define_missing_in(uow, DEFAULT_TREE)}

        return self.runner.run(decide)

    def add_product(
        self, category: str, name: str, attributes: ProductAttributes
    ) -> Outcome[Result]:
        require_role(_actor(), Role.OPERATOR)
        self.split_legacy_catalog()
        product_id = uuid4()

        def decide(uow: UnitOfWork) -> Result:
            return add_product_in(uow, product_id, category, name, attributes).as_dict()

        return self.runner.run(decide)

    def get_category_tree(self) -> list[Result]:
        """Every category with its template, walked from the store (the API lists the tree
        from its read model, projections/catalog/)."""
        require_authenticated(_actor())
        tree = self.tree_in(UnitOfWork(self.runner.app))
        return [{**c.as_dict(), "template": list(tree.template(c.code))} for c in tree.categories()]

    def get_product(self, product_id: UUID) -> Result:
        require_authenticated(_actor())
        return self.tree_in(UnitOfWork(self.runner.app)).product(product_id).as_dict()

    def split_legacy_catalog(self) -> None:
        """A store written before the split holds one ``Catalog`` aggregate: copy it into the
        small aggregates once (as the system; idempotent, so racing processes are harmless)."""
        if self._split_checked:
            return
        legacy = UnitOfWork(self.runner.app).find(Catalog, Catalog.ID)
        if legacy is not None and not legacy.split:
            system = replace(context.current(), actor=Actor.system(), idempotency=None)
            with context.acting(system):
                self.runner.run(split_legacy_in)
        self._split_checked = True

    # ---- listings ----------------------------------------------------------------------
    def create_listing(
        self,
        product_id: UUID,
        warehouse: str,
        quantity: Quantity,
        list_price: UnitPrice,
        *,
        regional: tuple[Delta, ...] = (),
        levels: tuple[Level, ...] = (),
        min_quantity: Quantity = Quantity(Decimal(1)),
        step: Quantity = Quantity(Decimal("0.001")),
        saleable_regions: tuple[str, ...] = (),
        warning_line: Quantity | None = None,
    ) -> Outcome[Result]:
        require_role(_actor(), Role.OPERATOR)
        regions = tuple(sorted({r.strip() for r in saleable_regions}))
        terms = SaleTerms(min_quantity, step, regions, warning_line)

        self.split_legacy_catalog()

        def decide(uow: UnitOfWork) -> Result:
            product = self.tree_in(uow).product(product_id)
            prices = PriceRules(list_price, regional, levels)
            listing = Listing.create(product, warehouse, quantity, prices, terms)
            uow.add(listing)
            return _summary(listing)

        return self.runner.run(decide)

    def publish_listing(
        self,
        listing_id: UUID,
        on_shelf_at: datetime | None = None,
        off_shelf_at: datetime | None = None,
    ) -> Outcome[Result]:
        now = context.current().now()
        return self._operate(listing_id, lambda li: li.publish(now, on_shelf_at, off_shelf_at))

    def withdraw_listing(self, listing_id: UUID, reason: str = "") -> Outcome[Result]:
        return self._operate(listing_id, lambda li: li.withdraw(reason))

    def change_prices(
        self,
        listing_id: UUID,
        list_price: UnitPrice | None = None,
        regional: tuple[Delta, ...] | None = None,
        levels: tuple[Level, ...] | None = None,
    ) -> Outcome[Result]:
        return self._operate(
            listing_id, lambda li: li.change_prices(li.prices.changed(list_price, regional, levels))
        )

    def change_terms(self, listing_id: UUID, terms: SaleTerms) -> Outcome[Result]:
        return self._operate(listing_id, lambda li: li.change_terms(terms))

    def restock(self, listing_id: UUID, quantity: Quantity) -> Outcome[Result]:
        return self._operate(listing_id, lambda li: li.restock(quantity))

    def set_customer_price(
        self,
        listing_id: UUID,
        account_id: UUID,
        price: UnitPrice,
        valid_from: datetime | None = None,
        valid_until: datetime | None = None,
    ) -> Outcome[Result]:
        custom = CustomerPrice(account_id, price, valid_from, valid_until)
        return self._for_customer(listing_id, account_id, lambda li: li.set_customer_price(custom))

    def remove_customer_price(self, listing_id: UUID, account_id: UUID) -> Outcome[Result]:
        return self._for_customer(
            listing_id, account_id, lambda li: li.remove_customer_price(account_id)
        )

    def _operate(self, listing_id: UUID, change: Callable[[Listing], None]) -> Outcome[Result]:
        require_role(_actor(), Role.OPERATOR)

        def decide(uow: UnitOfWork) -> Result:
            listing = uow.get(Listing, listing_id, "listing")
            change(listing)
            return _summary(listing)

        return self.runner.run(decide)

    def _for_customer(
        self, listing_id: UUID, account_id: UUID, change: Callable[[Listing], None]
    ) -> Outcome[Result]:
        actor = _actor()
        require_role(actor, Role.FINANCE, Role.OPERATOR, Role.MANAGER)

        def decide(uow: UnitOfWork) -> Result:
            account = customer_in(uow, account_id)
            require_company_visible(actor, account.account_id, account.manager_id)
            listing = uow.get(Listing, listing_id, "listing")
            change(listing)
            return _summary(listing)

        return self.runner.run(decide)

    # ---- queries -----------------------------------------------------------------------
    def get_listing(self, listing_id: UUID) -> Result:
        """Staff see all; buyers an on-shelf listing saleable in their region, or 404."""
        actor = _actor()
        require_authenticated(actor)
        uow = UnitOfWork(self.runner.app)
        listing = uow.get(Listing, listing_id, "listing")
        now = context.current().now()
        if not actor.role.is_buyer:
            return {**_public(listing, now), **_staff_only(uow, actor, listing)}
        account = find_customer_in(uow, actor.account_id) if actor.account_id else None
        region = (account.region or None) if account else None
        if account is None or not listing.is_on_shelf(now) or not listing.saleable_in(region):
            raise NotFoundError("listing")
        mine = quote(listing, account.level, account.account_id, region, now)
        return {**_public(listing, now), "your_price": mine.as_dict()}

    def price_book_at(self, listing_id: UUID, price_version: int) -> Result:
        """The listing's prices as they were at ``price_version``, replayed from its events."""
        actor = _actor()
        require_role(actor, Role.FINANCE, Role.OPERATOR, Role.AUDITOR, Role.SUPERVISOR)
        listing: Any = None
        stored: Any
        for stored in self.runner.app.repository.event_store.get(listing_id):
            if getattr(stored, "price_version", 0) > price_version:
                break
            listing = stored.mutate(listing)
        if not isinstance(listing, Listing) or listing.price_version != price_version:
            raise NotFoundError("price version")
        staff = _staff_only(UnitOfWork(self.runner.app), actor, listing)
        return {"price_version": price_version, **listing.prices.as_dict(), **staff}

    # ---- helpers for other services' units of work --------------------------------------
    def tree_in(self, uow: UnitOfWork) -> StoredTree:
        return StoredTree(uow, legacy=not self._split_checked)

    def quote_in(
        self,
        uow: UnitOfWork,
        listing_id: UUID,
        account_level: str,
        account_id: UUID | None,
        region: str | None,
        now: datetime,
    ) -> PriceQuote:
        listing = uow.get(Listing, listing_id, "listing")
        return quote(listing, account_level, account_id, region, now)

    def reserve_in(
        self,
        uow: UnitOfWork,
        listing_id: UUID,
        order_id: UUID,
        quantity: Quantity,
        now: datetime,
        region: str | None = None,
    ) -> Result:
        """Hold stock for an order (idempotent); with a region, it must be saleable there."""
        listing = uow.get(Listing, listing_id, "listing")
        if region is not None:
            listing.check_region(region)
        listing.reserve(order_id, quantity, now, closed_in(uow, listing, order_id))
        return _summary(listing)

    def release_in(self, uow: UnitOfWork, listing_id: UUID, order_id: UUID) -> bool:
        """Return an order's stock (cancellation); False if it held none any more."""
        listing = uow.get(Listing, listing_id, "listing")
        released = listing.release(order_id, closed_in(uow, listing, order_id))
        if released:
            uow.claim(CLOSED["released"], _hold(listing_id, order_id), order_id)
        return released

    def sell_in(
        self, uow: UnitOfWork, listing_id: UUID, order_id: UUID, quantity: Quantity | None = None
    ) -> bool:
        """The order's goods shipped: its reservation becomes sold (the unshipped rest returns)."""
        listing = uow.get(Listing, listing_id, "listing")
        sold = listing.sell(order_id, quantity, closed_in(uow, listing, order_id))
        if sold:
            uow.claim(CLOSED["sold"], _hold(listing_id, order_id), order_id)
        return sold


# An order's closed hold on a listing, remembered for ever across the store (the listing keeps
# only its open holds and its last few closed ones).
CLOSED = {"released": "stock_released", "sold": "stock_sold"}


def closed_in(uow: UnitOfWork, listing: Listing, order_id: UUID) -> str | None:
    """How the order's hold on the listing was closed ("released", "sold"), or None."""
    if order_id in listing.reservations or uow.is_new(order_id):
        return None
    if (known := listing.closed_as(order_id)) is not None:
        return known
    hold = _hold(listing.id, order_id)
    return next((how for how, kind in CLOSED.items() if uow.owner_of(kind, hold)), None)


def _hold(listing_id: UUID, order_id: UUID) -> str:
    return f"{listing_id}:{order_id}"


def _actor() -> Actor:
    return context.current().actor


def _summary(listing: Listing) -> Result:
    return {
        "listing_id": listing.id,
        "state": listing.state,
        "price_version": listing.price_version,
        "stock": listing.stock.as_dict(),
        "low_on_stock": listing.low_on_stock,
    }


def _public(listing: Listing, now: datetime) -> Result:
    """What anyone allowed to see the listing sees (no level table, no customer prices)."""
    terms, line = listing.terms, listing.terms.warning_line
    return {
        **_summary(listing),
        "product": listing.product.as_dict(),
        "category": listing.category,
        "warehouse": listing.warehouse,
        "status": listing.shelf_status(now),
        "on_shelf_at": listing.on_shelf_at,
        "off_shelf_at": listing.off_shelf_at,
        "list_price": str(listing.prices.list_price),
        "regional": [r.as_dict() for r in listing.prices.regional],
        "min_quantity": str(terms.min_quantity),
        "step": str(terms.step),
        "saleable_regions": list(terms.saleable_regions),
        "warning_line": None if line is None else str(line),
    }


def _staff_only(uow: UnitOfWork, actor: Actor, listing: Listing) -> Result:
    """Level prices; customer prices (a manager sees only its bound customers')."""
    customers = [
        p.as_dict()
        for p in listing.customer_prices.values()
        if actor.role is not Role.MANAGER
        or (
            (a := find_customer_in(uow, p.account_id)) is not None and a.manager_id == actor.user_id
        )
    ]
    return {"levels": listing.prices.as_dict()["levels"], "customer_prices": customers}
