"""The cart as a buyer checks it: each line's product, price for this customer, amount, total;
more than the listing has available is refused when it is put in the cart."""

from __future__ import annotations

from decimal import Decimal

from tests.api.trading_support import stage


def test_the_cart_shows_each_lines_product_price_amount_and_the_total(api) -> None:
    s = stage(api)
    coil = s.listing(quantity="100.000", price="4000.00")
    wire = s.listing(quantity="50.000", price="3960.00", category="WIRE")
    api.post("/cart/items", s.buyer, json={"listing_id": str(coil), "quantity": "10.000"})
    api.post("/cart/items", s.buyer, json={"listing_id": str(wire), "quantity": "2.500"})

    cart = api.get("/cart", s.buyer).json()

    lines = {line["listing_id"]: line for line in cart["items"]}
    assert lines[str(coil)]["description"].startswith("Hot-rolled coil Q235B")
    assert lines[str(coil)]["unit_price"] == "4000.00"
    assert lines[str(coil)]["price_rule"] == "list"
    assert lines[str(coil)]["amount"] == "40000.00"
    assert lines[str(wire)]["amount"] == "9900.00"
    assert lines[str(wire)]["available"] == "50.000"
    assert Decimal(cart["total"]) == Decimal("49900.00")


def test_putting_a_listing_again_replaces_its_quantity(api) -> None:
    s = stage(api)
    coil = s.listing(quantity="100.000", price="4000.00")
    for tonnes in ("10.000", "3.000"):
        api.post("/cart/items", s.buyer, json={"listing_id": str(coil), "quantity": tonnes})

    cart = api.get("/cart", s.buyer).json()

    assert [line["quantity"] for line in cart["items"]] == ["3.000"]
    assert cart["total"] == "12000.00"


def test_more_than_the_listing_has_available_is_refused_in_the_cart(api) -> None:
    s = stage(api)
    coil = s.listing(quantity="7.000", price="4000.00")

    refused = api.post("/cart/items", s.buyer, json={"listing_id": str(coil), "quantity": "8.000"})

    assert refused.status_code == 409
    assert refused.json()["code"] == "oversold"
    assert refused.json()["available"] == "7.000"
    assert api.get("/cart", s.buyer).json()["items"] == []
