"""Every value the API accepts fits every read model that stores it: money up to the amount
bound, prices up to the price bound, tonnes up to the quantity bound, and sums of them, go in
through HTTP, and each projection that keeps them goes on running and reads back exactly what
was written. Runs on SQLite, and on PostgreSQL under scripts/test."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from domain.access import Scope
from domain.context import Role
from domain.values import Money, Quantity, UnitPrice
from projections.funds_tracking.projection import CompanyScope
from projections.listings.search import ListingSearch
from tests.api import conftest as http
from tests.api.conftest import Api
from tests.api.trading_support import Stage, acting_as, stage
from tests.projections.funds_story import new_company

LARGEST_AMOUNT = Decimal("9999999999999.99")
LARGEST_PRICE = Decimal("9999999.99")
LARGEST_TONNES = Decimal("9999999.999")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=LARGEST_AMOUNT, places=2)
prices = st.decimals(min_value=Decimal("0.01"), max_value=LARGEST_PRICE, places=2)
tonnes = st.decimals(min_value=Decimal("0.001"), max_value=LARGEST_TONNES, places=3)
api, clock = http.api, http.clock  # the HTTP tests' client and clock, on this test's store
SOME = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def s(api: Api) -> Stage:
    return stage(api)


@pytest.fixture
def product(api: Api, s: Stage) -> UUID:
    """A coil product (made with the stage's own listing, which the tests leave alone)."""
    first = s.listing()
    return UUID(ok(api.get(f"/listings/{first}", s.operator))["product"]["product_id"])


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def caught_up(api: Api) -> None:
    """Every projection has applied everything and none has stopped."""
    api.services.projections.catch_up()
    errors = {n: s.last_error for n, s in api.services.projections.status().items()}
    assert not any(errors.values()), errors


def pay(api: Api, s: Stage, company: UUID, amount: Decimal, category: str | None = None) -> str:
    reference = f"B-{uuid4().hex}"
    body = {"amount": str(amount), "bank_reference": reference, "category": category}
    ok(api.post(f"/funds/{company}/payments", s.finance, json=body), 201)
    return reference


@SOME
@example(paid=[LARGEST_AMOUNT] * 3, category="HRC")
@given(paid=st.lists(amounts, min_size=1, max_size=4), category=st.none() | st.just("HRC"))
def test_payments_read_back_exactly_from_balances_and_funds_tracking(
    api: Api, s: Stage, paid: list[Decimal], category: str | None
) -> None:
    company = new_company(api.services.ledger)
    references = {pay(api, s, company, amount, category): amount for amount in paid}
    caught_up(api)
    bucket = f"category:{category}" if category else "unallocated"
    assert api.services.balances.buckets(company)[bucket] == sum(paid)
    figures = api.services.balances.figures(company, api.clock().date())
    assert figures.financial_balance == sum(paid)
    rows = api.services.funds_tracking.payments(CompanyScope(company_id=company)).rows
    assert {r["bank_reference"]: r["amount"] for r in rows} == references


def test_a_balance_of_a_thousand_and_one_largest_payments_is_kept_exactly(
    api: Api, s: Stage
) -> None:
    """More than NUMERIC(18,2) held: a real platform records every payment the bank received."""
    company = new_company(api.services.ledger)
    with acting_as(api, s.finance_id, Role.FINANCE):
        for n in range(1001):
            api.services.funds.record_payment(company, Money(LARGEST_AMOUNT), f"MAX-{n}", "HRC")
    caught_up(api)
    total = Decimal("10009999999999989.99")
    assert api.services.balances.buckets(company)["category:HRC"] == total
    assert api.services.balances.figures(company, api.clock().date()).available_to_order == total


@SOME
@example(price=LARGEST_PRICE, supplied=LARGEST_TONNES, restocked=LARGEST_TONNES, lift=None)
@example(price=Decimal("0.01"), supplied=Decimal("0.001"), restocked=None, lift=Decimal(0))
@given(
    price=prices,
    supplied=tonnes,
    restocked=st.none() | tonnes,
    lift=st.none() | st.decimals(min_value=0, max_value=1, places=4),
)
def test_a_listings_prices_and_stock_read_back_exactly_from_listing_search(
    api: Api,
    s: Stage,
    product: UUID,
    price: Decimal,
    supplied: Decimal,
    restocked: Decimal | None,
    lift: Decimal | None,
) -> None:
    """``lift`` places the north region's difference between the lowest and the highest it may
    be (the price in the region stays above zero and below the price bound)."""
    delta = None
    if lift is not None:
        low, high = Decimal("0.01") - price, LARGEST_PRICE - price
        delta = Money(low + (high - low) * lift).amount
    listing, warehouse = _listing(api, s, product, price, supplied, delta)
    if restocked is not None:
        ok(api.post(f"/listings/{listing}/restock", s.operator, json={"quantity": str(restocked)}))
    caught_up(api)
    in_region = price + (delta or 0)
    search = ListingSearch(now=api.clock(), region="north", warehouse=warehouse)
    rows, _ = api.services.listings.search(search)
    row = _only(rows)
    total = Quantity(supplied + (restocked or 0)).tonnes
    assert (row["list_price"], row["price_in_region"]) == (str(price), str(UnitPrice(in_region)))
    assert row["stock"] == {
        "supplied": str(total),
        "reserved": "0.000",
        "sold": "0.000",
        "remaining": str(total),
    }
    assert row["regional"] == ([] if delta is None else [{"region": "north", "delta": str(delta)}])
    exactly = ListingSearch(
        now=api.clock(), region="north", warehouse=warehouse, price_min=in_region
    )
    assert _only(api.services.listings.search(exactly)[0])["listing_id"] == listing
    above = ListingSearch(now=api.clock(), region="north", warehouse=warehouse, price_max=in_region)
    assert _only(api.services.listings.search(above)[0])["listing_id"] == listing


@settings(SOME, max_examples=8)
@example(price=LARGEST_PRICE, bought=LARGEST_TONNES)
@given(price=prices, bought=tonnes)
def test_order_and_contract_amounts_read_back_exactly_from_tracking(
    api: Api, s: Stage, product: UUID, price: Decimal, bought: Decimal
) -> None:
    """The largest line (almost 10^14 CNY) is paid in with several of the largest payments."""
    amount = UnitPrice(price).times(Quantity(bought)).amount
    assume(amount > 0)  # a line worth less than a cent is refused at checkout
    listing, _ = _listing(api, s, product, price, bought, None)
    for chunk in _chunks(amount):
        pay(api, s, s.account_id, chunk, "HRC")
    item = {"listing_id": str(listing), "quantity": str(bought)}
    ok(api.post("/cart/items", s.buyer, json=item))
    placed = ok(api.post("/cart/checkout", s.buyer, json={"delivery_address": "1 Road"}), 201)
    [contract] = placed["contracts"]
    contract_id = UUID(contract["contract_id"])
    ok(api.post(f"/contracts/{contract_id}/effect", s.manager))
    ok(api.post(f"/contracts/{contract_id}/confirm", s.buyer, json={"digest": contract["digest"]}))
    ok(api.post(f"/contracts/{contract_id}/pay", s.buyer))
    caught_up(api)
    order = api.services.tracking.order(Scope(), UUID(placed["order_id"]))
    tracked = api.services.tracking.contract(Scope(), contract_id)
    assert order is not None and tracked is not None
    assert (order["total"], tracked["total"], tracked["paid"]) == (amount, amount, amount)
    [line] = tracked["lines"]
    assert (line["unit_price"], line["contracted"]) == (price, bought)
    funds = api.services.funds_tracking.contract_funds(CompanyScope(company_id=s.account_id))
    row = next(r for r in funds.rows if r["contract_id"] == contract_id)
    assert row["cash"] == amount


def _listing(
    api: Api, s: Stage, product: UUID, price: Decimal, supplied: Decimal, delta: Decimal | None
) -> tuple[UUID, str]:
    """A published listing in its own warehouse, created through HTTP (so through the parsers),
    sold from 1 kg up, in steps of 1 kg."""
    warehouse = f"W-{uuid4().hex[:8]}"
    regional = [] if delta is None else [{"region": "north", "delta": str(delta)}]
    body = {
        "product_id": str(product),
        "warehouse": warehouse,
        "quantity": str(supplied),
        "list_price": str(price),
        "regional": regional,
        "min_quantity": "0.001",
        "step": "0.001",
    }
    listing = ok(api.post("/listings", s.operator, json=body), 201)["listing_id"]
    ok(api.post(f"/listings/{listing}/publish", s.operator))
    return UUID(listing), warehouse


def _chunks(amount: Decimal) -> Iterator[Decimal]:
    while amount > 0:
        chunk = min(amount, LARGEST_AMOUNT)
        yield chunk
        amount -= chunk


def _only(rows: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(rows) == 1, rows
    return rows[0]
