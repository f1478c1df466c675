"""A buyer's cart: listings and quantities waiting for checkout. One per user."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate
from domain.errors import NotFoundError, ValidationError
from domain.ledger import stable_id
from domain.values import Quantity

MAX_ITEMS = 50


class Cart(Aggregate):
    @staticmethod
    def create_id(user_id: UUID) -> UUID:
        return stable_id("cart", str(user_id))

    @event("Opened")
    def __init__(self, user_id: UUID, account_id: UUID) -> None:
        self.user_id = user_id
        self.account_id = account_id
        self.items: dict[UUID, Quantity] = {}

    def put(self, listing_id: UUID, quantity: Quantity) -> None:
        """Set the quantity of a listing in the cart (adding it if new)."""
        if quantity.tonnes <= 0:
            raise ValidationError("invalid_quantity", "A quantity must be positive.")
        if listing_id not in self.items and len(self.items) >= MAX_ITEMS:
            raise ValidationError("cart_full", f"A cart holds at most {MAX_ITEMS} listings.")
        self._put(listing_id=listing_id, quantity=quantity)

    @event("ItemPut")
    def _put(self, listing_id: UUID, quantity: Quantity) -> None:
        self.items[listing_id] = quantity

    def remove(self, listing_id: UUID) -> None:
        if listing_id not in self.items:
            raise NotFoundError("cart item")
        self._removed(listing_id=listing_id)

    @event("ItemRemoved")
    def _removed(self, listing_id: UUID) -> None:
        self.items.pop(listing_id, None)

    def check_out(self, order_id: UUID) -> None:
        if not self.items:
            raise ValidationError("cart_empty", "The cart is empty.")
        self._checked_out(order_id=order_id)

    @event("CheckedOut")
    def _checked_out(self, order_id: UUID) -> None:
        self.items = {}
