"""What other areas may know of a listing: what it offers, from where, and whether a quantity
can be bought; and of a category: its attribute template. Trading, auctions and intents ask here
(or through ``CatalogService``'s ``*_in`` helpers), never read a ``Listing`` or the catalog's
aggregates themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.catalog.catalog import STANDARD_ATTRIBUTES, Product, is_leaf
from domain.catalog.listing import Listing
from domain.catalog.tree import StoredTree
from domain.errors import ConflictError, NotFoundError
from domain.unit_of_work import UnitOfWork
from domain.values import Quantity


@dataclass(frozen=True)
class CategoryTemplate:
    """A category's attributes: those a product in it must have (its ancestors' too) and the
    other standard ones it may have; ``leaf`` when no category is under it."""

    code: str
    leaf: bool
    required: tuple[str, ...]
    optional: tuple[str, ...]


@dataclass(frozen=True)
class Offer:
    listing_id: UUID
    product: Product
    category: str
    warehouse: str
    available: Quantity  # the stock not reserved or sold

    def check_available(self, quantity: Quantity) -> None:
        """409 ``oversold`` (with ``available``) when more is asked than the stock left."""
        if self.available < quantity:
            raise ConflictError(
                "oversold",
                f"Only {self.available} t are available.",
                available=str(self.available),
                remaining=str(self.available),
            )


def offer_in(
    uow: UnitOfWork, listing_id: UUID, quantity: Quantity, on_shelf_at: datetime | None = None
) -> Offer:
    """The listing's offer for ``quantity`` (its minimum and step checked); with ``on_shelf_at``
    a listing off the shelf then is not found, as a buyer would not find it."""
    listing = uow.get(Listing, listing_id, "listing")
    if on_shelf_at is not None and not listing.is_on_shelf(on_shelf_at):
        raise NotFoundError("listing")
    listing.check_quantity(quantity)
    return _offer(listing)


def offer_of(uow: UnitOfWork, listing_id: UUID) -> Offer:
    """What the listing offers now, nothing checked (to show a cart line as it is)."""
    return _offer(uow.get(Listing, listing_id, "listing"))


def _offer(listing: Listing) -> Offer:
    return Offer(
        listing.id, listing.product, listing.category, listing.warehouse, listing.stock.remaining
    )


def category_template_in(uow: UnitOfWork, code: str) -> CategoryTemplate:
    """The category's attribute template; 422 ``unknown_category`` for a code not defined."""
    tree = StoredTree(uow)
    leaf = is_leaf(tree, code)  # refuses an unknown code too
    required = tree.template(code)
    optional = tuple(n for n in STANDARD_ATTRIBUTES if n not in required)
    return CategoryTemplate(code, leaf, required, optional)
