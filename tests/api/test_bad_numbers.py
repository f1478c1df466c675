"""Huge and exotic numbers through HTTP: every money, price and tonnage field, and the listing
search's numeric filters, refuse them with 422 and the field's code, write nothing, and never
answer 500; values within the bounds are kept exactly, and no accepted value stops a read
model."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from tests.api.conftest import Api
from tests.api.trading_support import Stage, stage

HUGE_PRICE = "99999999999999999"  # accepted before, then stopped listing_search for good
HUGE_PAYMENT = "999999999999999.99"  # eleven of these stopped balances on PostgreSQL
LARGEST_AMOUNT = "9999999999999.99"


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def no_projection_stopped(api: Api) -> None:
    api.services.projections.catch_up()
    errors = {n: s.last_error for n, s in api.services.projections.status().items()}
    assert not any(errors.values()), errors


@pytest.fixture
def s(api: Api) -> Stage:
    return stage(api)


@pytest.fixture
def listing(s: Stage) -> UUID:
    return s.listing(quantity="100.000", price="4321.57")


def test_a_list_price_no_read_model_could_hold_is_refused_and_search_keeps_answering(
    api: Api, s: Stage, listing: UUID
) -> None:
    product = ok(api.get(f"/listings/{listing}", s.operator))["product"]["product_id"]
    head = api.services.ledger.head()
    body = {
        "product_id": product,
        "warehouse": "Rizhao",
        "quantity": "10",
        "list_price": HUGE_PRICE,
    }
    problem(api.post("/listings", s.operator, json=body), 422, "invalid_price")
    change = {"list_price": HUGE_PRICE}
    problem(api.post(f"/listings/{listing}/prices", s.operator, json=change), 422, "invalid_price")
    assert api.services.ledger.head() == head
    found = ok(api.get("/listings", s.buyer, params={"wait_for": head}))
    assert [row["list_price"] for row in found["data"]] == ["4321.57"]
    no_projection_stopped(api)


def test_payments_beyond_the_bound_are_refused_and_the_largest_ones_add_up_exactly(
    api: Api, s: Stage
) -> None:
    """A real platform records every payment the bank received: a balance may grow to any sum of
    accepted payments (the read models hold sums far beyond any company's money), while one
    payment of 10^13 CNY or more is a client's error and is refused."""
    company, path = s.account_id, f"/funds/{s.account_id}/payments"
    head = api.services.ledger.head()
    for n in range(11):
        body = {"amount": HUGE_PAYMENT, "bank_reference": f"HUGE-{n}"}
        problem(api.post(path, s.finance, json=body), 422, "invalid_amount")
    assert api.services.ledger.head() == head
    for n in range(11):
        body = {"amount": LARGEST_AMOUNT, "bank_reference": f"LARGEST-{n}"}
        position = ok(api.post(path, s.finance, json=body), 201)["position"]
    wait = {"wait_for": position}
    shown = ok(api.get(f"/funds/{company}/balances", s.finance, params=wait))
    assert (shown["financial_balance"], shown["unallocated"]) == ("109999999999999.89",) * 2
    listed = api.get("/tracking/payments", s.finance, params={"company_id": str(company)} | wait)
    payments = ok(listed)
    assert [p["amount"] for p in payments["data"]] == [LARGEST_AMOUNT] * 11
    no_projection_stopped(api)


def test_a_region_may_not_lift_a_price_to_the_bound(api: Api, s: Stage, listing: UUID) -> None:
    change = {"list_price": "9999999.00", "regional": [{"region": "north", "delta": "1.00"}]}
    problem(api.post(f"/listings/{listing}/prices", s.operator, json=change), 422, "invalid_price")
    change["regional"] = [{"region": "north", "delta": "0.99"}]
    ok(api.post(f"/listings/{listing}/prices", s.operator, json=change))


HUGE = ("1e25", "1e30", "12345678901234567890123.456", "1E+2", "NaN", "-Infinity", "1_000")
EXTRA_PLACE = {"amount": "100.000", "price": "4000.000", "quantity": "10.0000"}


def commands(s: Stage, listing: UUID) -> list[tuple[str, str, str, Any]]:
    """(token, path, field kind, body with the value at ``{v}``) for every numeric field."""
    funds, contract = f"/funds/{s.account_id}", f"/contracts/{uuid4()}"
    erp_line = {"product_id": str(uuid4()), "category": "HRC", "description": "coil"}
    erp = {
        "account_id": str(s.account_id),
        "external_no": "ERP-1",
        "warehouse": "Rizhao",
        "region": "east",
        "address": "1 Road",
        "delivery_month": "2026-12",
    }
    item = {"listing_id": str(listing)}
    return [
        (s.finance, f"{funds}/payments", "amount", {"amount": "{v}", "bank_reference": "B-1"}),
        (s.finance, f"{funds}/allocations", "amount", {"amount": "{v}", "category": "HRC"}),
        (s.finance, f"{funds}/rebate-credits", "amount", {"amount": "{v}", "reference": "R-1"}),
        (s.buyer, f"{funds}/deposits", "amount", {"amount": "{v}"}),
        (s.buyer, f"{funds}/refunds", "amount", {"amount": "{v}"}),
        (s.operator, f"/listings/{listing}/prices", "price", {"list_price": "{v}"}),
        (
            s.operator,
            f"/listings/{listing}/prices",
            "price",
            {"levels": [{"level": "vip", "fixed": "{v}"}]},
        ),
        (
            s.operator,
            f"/listings/{listing}/prices",
            "amount",
            {"regional": [{"region": "north", "delta": "{v}"}]},
        ),
        (
            s.operator,
            f"/listings/{listing}/customer-prices",
            "price",
            {"account_id": str(s.account_id), "price": "{v}"},
        ),
        (s.operator, f"/listings/{listing}/restock", "quantity", {"quantity": "{v}"}),
        (s.operator, f"/listings/{listing}/terms", "quantity", {"min_quantity": "{v}"}),
        (s.operator, f"/listings/{listing}/terms", "quantity", {"warning_line": "{v}"}),
        (s.buyer, "/cart/items", "quantity", {**item, "quantity": "{v}"}),
        (
            s.integration,
            f"{contract}/production",
            "quantity",
            {"line_no": 1, "scheduled": "{v}"},
        ),
        (
            s.buyer,
            f"{contract}/objections",
            "amount",
            {"kind": "quality", "claimed": "{v}", "description": "cracks"},
        ),
        (
            s.integration,
            "/integration/contracts",
            "quantity",
            {**erp, "lines": [{**erp_line, "quantity": "{v}", "unit_price": "4000.00"}]},
        ),
        (
            s.integration,
            "/integration/contracts",
            "price",
            {**erp, "lines": [{**erp_line, "quantity": "10.000", "unit_price": "{v}"}]},
        ),
    ]


def filled(body: Any, value: str) -> Any:
    if isinstance(body, dict):
        return {k: filled(v, value) for k, v in body.items()}
    if isinstance(body, list):
        return [filled(v, value) for v in body]
    return value if body == "{v}" else body


def test_every_numeric_field_refuses_huge_exotic_and_over_precise_values(
    api: Api, s: Stage, listing: UUID
) -> None:
    head = api.services.ledger.head()
    for token, path, kind, body in commands(s, listing):
        for value in (*HUGE, EXTRA_PLACE[kind]):
            response = api.post(path, token, json=filled(body, value))
            assert response.status_code == 422, (path, value, response.text)
            assert response.json()["code"] == f"invalid_{kind}", (path, value, response.text)
    assert api.services.ledger.head() == head
    no_projection_stopped(api)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"price_min": "1e26"}, "invalid_price"),
        ({"price_max": "12345678901234567890123.456"}, "invalid_price"),
        ({"price_min": "10000000"}, "invalid_price"),
        ({"price_max": "4321.570"}, "invalid_price"),
        ({"thickness_max": "1.49e+275"}, "validation_error"),
        ({"thickness_min": "1e99999999999999999999"}, "validation_error"),
        ({"thickness_min": "1000000000"}, "validation_error"),
        ({"width": "10000000000000"}, "validation_error"),
        ({"width": "Infinity"}, "validation_error"),
        ({"width": "1500.0000001"}, "validation_error"),
    ],
)
def test_search_refuses_filters_beyond_what_a_listing_can_hold(
    api: Api, s: Stage, listing: UUID, params: dict[str, str], code: str
) -> None:
    for token in (s.buyer, s.operator):
        problem(api.get("/listings", token, params=params), 422, code)


def test_search_filters_at_the_bounds_answer_normally(api: Api, s: Stage, listing: UUID) -> None:
    written = {"wait_for": api.services.ledger.head()}
    for params in (
        {"price_min": "0.01", "price_max": "9999999.99"},
        {"thickness_min": "0.000001", "thickness_max": "999999999.999999"},
        {"width": "1500"},
    ):
        assert ok(api.get("/listings", s.buyer, params=params | written))["count"] == 1, params
    found = api.get("/listings", s.buyer, params={"price_min": "4321.58"} | written)
    assert ok(found)["count"] == 0
