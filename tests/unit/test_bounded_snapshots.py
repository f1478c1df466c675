"""An aggregate holds what its rules need, not its history: after N events its snapshot is no
larger than after a few, however large N grows (issue 15). Sizes are those the store would write
(the snapshot's state through the project's transcoder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper

from domain import context
from domain.accounts.account import Account
from domain.catalog.catalog import Product, ProductAttributes
from domain.catalog.listing import RECENT_CLOSED, Listing, SaleTerms
from domain.catalog.pricing import PriceRules
from domain.context import CommandContext, FrozenClock
from domain.values import Quantity, UnitPrice
from interfaces.persistence.transcoder import OrjsonTranscoder

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
PRODUCT = Product(uuid4(), "HRC", "Q235B 4.75x1500", ProductAttributes(grade="Q235B"))


def snapshot_size(aggregate: Any) -> int:
    mapper: Mapper[UUID] = Mapper(transcoder=OrjsonTranscoder())
    return len(mapper.to_stored_event(Snapshot.take(aggregate)).state)


def listing_after(orders: int) -> Listing:
    """A listing after ``orders`` orders, each reserved, then sold or released; two still open."""
    one = Quantity.parse("1")
    terms = SaleTerms(one, one)
    listing = Listing.create(
        PRODUCT, "Rizhao WH1", Quantity.parse("1000000"), PriceRules(UnitPrice.parse("4000")), terms
    )
    listing.publish(NOW)
    for n in range(orders):
        order = UUID(int=n + 1)
        listing.reserve(order, one, NOW)
        if n % 3 == 0:
            listing.release(order)
        else:
            listing.sell(order)
    for _ in range(2):
        listing.reserve(uuid4(), one, NOW)
    return listing


def test_a_listings_snapshot_does_not_grow_with_its_orders() -> None:
    few, many = listing_after(RECENT_CLOSED), listing_after(20 * RECENT_CLOSED)
    assert len(many.pending_events) > 2500
    assert len(many.reservations) == 2 and len(many.recently_closed) == RECENT_CLOSED
    assert snapshot_size(many) <= snapshot_size(few) + 16  # a digit more in the sold figure


def test_a_listing_still_knows_the_orders_it_closed_recently() -> None:
    listing = listing_after(RECENT_CLOSED)
    assert listing.closed_as(UUID(int=1)) == "released"
    assert listing.closed_as(UUID(int=2)) == "sold"
    assert not listing.sell(UUID(int=2))


def account_after(resets: int, members: int = 50) -> Account:
    """An account of ``members`` users after ``resets`` reset codes sent one a minute (valid
    ten minutes), cycling through its users, none of them used."""
    clock = FrozenClock(NOW)
    with context.acting(CommandContext(clock=clock)):
        account = Account(uuid4(), "13800000001", "Admin", "hash", None, "2026-01")
        users = [account.admin.user_id]
        for n in range(members - 1):
            users.append(uuid4())
            account.add_member(users[-1], f"1390000{n:04d}", f"User {n}", "hash", None, ())
        for n in range(resets):
            clock.advance(minutes=1)
            account.start_password_reset(
                users[n % members], "code", clock() + timedelta(minutes=10)
            )
    return account


def test_an_accounts_snapshot_does_not_grow_with_its_password_resets() -> None:
    few, many = account_after(20), account_after(2000)
    assert len(many.resets) <= 11  # the codes sent in the last ten minutes
    assert snapshot_size(many) <= snapshot_size(few)
