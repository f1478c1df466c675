"""Spot listings (现货挂牌): search, the buyer's and staff's view of one listing, the operator's
commands on shelf, prices, terms and stock, and customer prices (一客一价)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from domain.access import scope_of
from domain.context import CommandContext
from domain.values import Quantity, UnitPrice
from interfaces.api.category_names import category_names
from interfaces.api.deps import ReadsFrom, SignedIn, Svc
from interfaces.api.responses import (
    COMMANDS,
    READS,
    SIGNED_IN,
    OrjsonResponse,
    command_response,
    problems,
)
from interfaces.api.schemas.answers import ListingAnswer
from interfaces.api.schemas.catalog import (
    CustomerPriceIn,
    ListingCreate,
    ListingPublic,
    ListingPublish,
    ListingRow,
    ListingSearchParams,
    ListingsPublic,
    ListingWithdraw,
    PriceBookPublic,
    PricesChange,
    Restock,
    TermsIn,
    aware,
    deltas,
    levels,
    parse_price,
)
from interfaces.wiring import Services
from projections.listings.search import ListingSearch

router = APIRouter(
    prefix="/listings", tags=["listings"], responses=problems(*SIGNED_IN, *COMMANDS, *READS)
)
FromListings = Annotated[
    None, Depends(ReadsFrom("listing_search", "account_directory", "category_tree"))
]


@router.get("", response_model=ListingsPublic)
def search_listings(
    params: Annotated[ListingSearchParams, Query()], services: Svc, ctx: SignedIn, _: FromListings
) -> ListingsPublic:
    """Search listings. A buyer finds those on shelf now and sold into its company's region,
    priced for that region (``price_in_region``: list price + the region's difference; its own
    member or customer price is on ``GET /listings/{id}``). Staff find every listing (``status``
    to narrow), priced for ``region`` when they give one. Price bounds apply to the price shown."""
    search = _search_for(params, services, ctx)
    rows, total = services.listings.search(search)
    names = category_names(services)
    return ListingsPublic(
        data=[ListingRow(**row, category_name=names.get(row["category"])) for row in rows],
        count=total,
        limit=search.limit,
        offset=search.offset,
        region=search.region,
    )


def _search_for(p: ListingSearchParams, services: Services, ctx: CommandContext) -> ListingSearch:
    low, high = parse_price(p.price_min), parse_price(p.price_max)
    search = ListingSearch(
        now=ctx.now(),
        category=p.category,
        grade=p.grade,
        thickness_min=p.thickness_min,
        thickness_max=p.thickness_max,
        width=p.width,
        warehouse=p.warehouse,
        mill=p.mill,
        price_min=None if low is None else low.per_tonne,
        price_max=None if high is None else high.per_tonne,
        q=p.q,
        sort=p.sort,
        limit=p.limit,
        offset=p.offset,
    )
    buyer = scope_of(ctx.actor).account_id
    if buyer is None:
        saleable = p.region is not None
        return replace(
            search, region=p.region, saleable_only=saleable, status=p.status, low_stock=p.low_stock
        )
    mine = services.directory.list(only_account=buyer, limit=1)  # the company's region
    region = mine[0]["region"] if mine else None
    return replace(search, region=region, saleable_only=True, status="on_shelf")


@router.post("", status_code=201, response_model=ListingAnswer)
def create_listing(body: ListingCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator offers a product's stock at a warehouse (a draft until published)."""
    terms = body.to_domain()
    outcome = services.catalog.create_listing(
        body.product_id,
        body.warehouse,
        Quantity.parse(body.quantity),
        UnitPrice.parse(body.list_price),
        regional=deltas(body.regional) or (),
        levels=levels(body.levels) or (),
        min_quantity=terms.min_quantity,
        step=terms.step,
        saleable_regions=terms.saleable_regions,
        warning_line=terms.warning_line,
    )
    return command_response(outcome, ListingAnswer, 201)


@router.get("/{listing_id}", response_model=ListingPublic, response_model_exclude_unset=True)
def get_listing(listing_id: UUID, services: Svc, ctx: SignedIn) -> ListingPublic:
    """Staff see every listing with its level and customer prices; a buyer sees an on-shelf
    listing sold into its region, with ``your_price`` (otherwise 404)."""
    listing = services.catalog.get_listing(listing_id)
    name = category_names(services).get(listing["category"])
    return ListingPublic.of({**listing, "category_name": name})


@router.get("/{listing_id}/price-book", response_model=PriceBookPublic)
def price_book(
    listing_id: UUID,
    services: Svc,
    ctx: SignedIn,
    version: Annotated[int, Query(ge=1, description="the price version to replay")],
) -> PriceBookPublic:
    """The listing's prices as they were at a price version, replayed from its history."""
    return PriceBookPublic(**services.catalog.price_book_at(listing_id, version))


@router.post("/{listing_id}/publish", response_model=ListingAnswer)
def publish(
    listing_id: UUID, services: Svc, ctx: SignedIn, body: ListingPublish | None = None
) -> OrjsonResponse:
    """Put on shelf now, or from ``on_shelf_at``, until ``off_shelf_at`` (if given)."""
    window = body or ListingPublish()
    outcome = services.catalog.publish_listing(listing_id, window.on_shelf_at, window.off_shelf_at)
    return command_response(outcome, ListingAnswer)


@router.post("/{listing_id}/withdraw", response_model=ListingAnswer)
def withdraw(
    listing_id: UUID, services: Svc, ctx: SignedIn, body: ListingWithdraw | None = None
) -> OrjsonResponse:
    reason = body.reason if body else ""
    return command_response(services.catalog.withdraw_listing(listing_id, reason), ListingAnswer)


@router.post("/{listing_id}/prices", response_model=ListingAnswer)
def change_prices(
    listing_id: UUID, body: PricesChange, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """New list price, regional differences and/or level prices: a new price version."""
    outcome = services.catalog.change_prices(
        listing_id, parse_price(body.list_price), deltas(body.regional), levels(body.levels)
    )
    return command_response(outcome, ListingAnswer)


@router.post("/{listing_id}/terms", response_model=ListingAnswer)
def change_terms(listing_id: UUID, body: TermsIn, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Replace minimum quantity, step, saleable regions and stock warning line."""
    outcome = services.catalog.change_terms(listing_id, body.to_domain())
    return command_response(outcome, ListingAnswer)


@router.post("/{listing_id}/restock", response_model=ListingAnswer)
def restock(listing_id: UUID, body: Restock, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    outcome = services.catalog.restock(listing_id, Quantity.parse(body.quantity))
    return command_response(outcome, ListingAnswer)


@router.post("/{listing_id}/customer-prices", response_model=ListingAnswer)
def set_customer_price(
    listing_id: UUID, body: CustomerPriceIn, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """一客一价: an all-in price for one customer (finance, operator, or its manager)."""
    outcome = services.catalog.set_customer_price(
        listing_id,
        body.account_id,
        UnitPrice.parse(body.price),
        aware(body.valid_from),
        aware(body.valid_until),
    )
    return command_response(outcome, ListingAnswer)


@router.post("/{listing_id}/customer-prices/{account_id}/remove", response_model=ListingAnswer)
def remove_customer_price(
    listing_id: UUID, account_id: UUID, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    return command_response(
        services.catalog.remove_customer_price(listing_id, account_id), ListingAnswer
    )
