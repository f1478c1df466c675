"""Checkout rules: prices, minimums, shelf and region, never oversold, funds never overdrawn."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.context import Role
from domain.values import Money, Quantity, UnitPrice
from tests.api.conftest import Api
from tests.api.trading_support import Stage, acting_as, stage


def _checkout(s: Stage, listing: UUID, quantity: str, **extra: Any) -> Any:
    body = {
        "delivery_address": "Dock 1",
        "lines": [{"listing_id": str(listing), "quantity": quantity}],
    } | extra
    return s.api.post("/cart/checkout", s.buyer, json=body)


def test_twenty_buyers_race_for_seven_tonnes_and_exactly_seven_win(api: Api) -> None:
    s = stage(api)
    listing = s.listing(quantity="7.000", price="4000.00")
    buyers: list[tuple[UUID, str]] = [(s.account_id, s.buyer)]
    api.import_registry(s.operator, *((n, "east") for n in range(2, 21)))
    for n in range(2, 21):
        account_id, token = api.register(f"138000001{n:02d}")
        api.post(f"/accounts/{account_id}/company", token, json=api.company(n, "east"))
        buyers.append((account_id, token))
    with acting_as(api, s.finance_id, Role.FINANCE):
        for n, (account_id, _) in enumerate(buyers):
            api.services.funds.record_payment(account_id, Money.parse("5000.00"), f"B{n}", "HRC")

    statuses: dict[UUID, int] = {}
    codes: list[str] = []
    barrier = threading.Barrier(len(buyers))

    def buy(account_id: UUID, token: str) -> None:
        barrier.wait()
        response = api.post(
            "/cart/checkout",
            token,
            json={
                "delivery_address": "Dock",
                "lines": [{"listing_id": str(listing), "quantity": "1"}],
            },
        )
        statuses[account_id] = response.status_code
        if response.status_code != 201:
            codes.append(response.json()["code"])

    threads = [threading.Thread(target=buy, args=buyer) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [a for a, status in statuses.items() if status == 201]
    assert len(winners) == 7
    assert codes == ["oversold"] * 13
    with acting_as(api, s.operator_id, Role.OPERATOR):
        stock = api.services.catalog.get_listing(listing)["stock"]
    assert (stock["reserved"], stock["remaining"]) == ("7.000", "0.000")
    with acting_as(api, s.finance_id, Role.FINANCE):
        for account_id, _ in buyers:
            available = api.services.funds.statement(account_id)["available_to_order"]
            expected = Decimal("1000.00") if account_id in winners else Decimal("5000.00")
            assert available == expected


def test_a_customer_never_commits_more_than_available_to_order(api: Api) -> None:
    s = stage(api)
    listing = s.listing(price="4000.00")
    s.fund("39999.99")
    head = api.services.ledger.head()
    refused = _checkout(s, listing, "10")  # 40,000.00
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_funds"
    assert api.services.ledger.head() == head
    assert _checkout(s, listing, "9.999").status_code == 201


@pytest.mark.parametrize(
    ("quantity", "code"),
    [("0.5", "below_minimum"), ("1.0005", "invalid_quantity"), ("-1", "invalid_quantity")],
)
def test_bad_quantities_are_refused_and_write_nothing(api: Api, quantity: str, code: str) -> None:
    s = stage(api)
    listing = s.listing()
    s.fund("100000.00")
    head = api.services.ledger.head()
    refused = _checkout(s, listing, quantity)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == code
    assert api.services.ledger.head() == head


def test_off_step_quantity_is_refused(api: Api) -> None:
    s = stage(api)
    listing = s.listing(step=Quantity.parse("0.5"))
    s.fund("100000.00")
    refused = _checkout(s, listing, "1.2")
    assert refused.status_code == 422 and refused.json()["code"] == "off_step"
    assert _checkout(s, listing, "1.5").status_code == 201


def test_withdrawn_unknown_and_unsaleable_listings_cannot_be_bought(api: Api) -> None:
    s = stage(api)
    s.fund("100000.00")
    withdrawn = s.listing()
    with acting_as(api, s.operator_id, Role.OPERATOR):
        api.services.catalog.withdraw_listing(withdrawn, "sold out offline")
    assert _checkout(s, withdrawn, "1").json()["code"] == "not_on_shelf"
    unknown = _checkout(s, UUID(int=7), "1")
    assert unknown.status_code == 404
    north_only = s.listing(saleable_regions=("north",))
    refused = _checkout(s, north_only, "1")
    assert refused.status_code == 409 and refused.json()["code"] == "not_saleable_in_region"


def test_float_quantities_are_refused(api: Api) -> None:
    s = stage(api)
    listing = s.listing()
    response = s.api.post(
        "/cart/checkout",
        s.buyer,
        json={"delivery_address": "Dock", "lines": [{"listing_id": str(listing), "quantity": 1.5}]},
    )
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_checkout_splits_contracts_by_warehouse_and_category(api: Api) -> None:
    s = stage(api)
    s.fund("100000.00")
    s.fund("100000.00", category="WIRE", reference="BANK-2")
    rizhao = s.listing(warehouse="Rizhao")
    qingdao = s.listing(warehouse="Qingdao")
    wire = s.listing(warehouse="Rizhao", category="WIRE", price="4500.00")
    lines = [{"listing_id": str(x), "quantity": "2"} for x in (rizhao, qingdao, wire)]
    placed = s.api.post("/cart/checkout", s.buyer, json={"delivery_address": "D", "lines": lines})
    assert placed.status_code == 201, placed.text
    totals = sorted(c["total"] for c in placed.json()["contracts"])
    assert totals == ["8643.14", "8643.14", "9000.00"]  # 2 × 4,321.57 twice, 2 × 4,500.00


def test_a_manager_orders_for_a_bound_customer_only(api: Api) -> None:
    s = stage(api)
    listing = s.listing()
    s.fund("100000.00")
    body = {
        "account_id": str(s.account_id),
        "delivery_address": "Dock",
        "lines": [{"listing_id": str(listing), "quantity": "2"}],
    }
    placed = api.post("/cart/checkout", s.manager, json=body)
    assert placed.status_code == 201, placed.text
    order = api.get(f"/orders/{placed.json()['order_id']}", s.buyer).json()
    assert order["on_behalf_by"] == str(s.manager_id)
    _, stranger = api.enroll("13900000009", Role.MANAGER, "west")
    assert api.post("/cart/checkout", stranger, json=body).status_code == 404


def test_customer_price_wins_and_the_rule_is_recorded(api: Api) -> None:
    s = stage(api)
    s.fund("100000.00")
    listing = s.listing(price="4321.57")
    with acting_as(api, s.finance_id, Role.FINANCE):
        api.services.catalog.set_customer_price(listing, s.account_id, UnitPrice.parse("4100.00"))
    placed = _checkout(s, listing, "3").json()
    assert placed["total"] == "12300.00"
    order = api.get(f"/orders/{placed['order_id']}", s.buyer).json()
    assert order["lines"][0]["price_rule"] == "customer_price"
    assert order["lines"][0]["price_version"] == 2
