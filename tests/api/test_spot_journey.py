"""The spot journey of a steel mill's customer, through HTTP, every figure checked:
listing → cart → checkout → effective → confirm → pay → established → production → two partial
shipments → certificate verified → post-settlement → invoice → completed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.context import Role
from tests.api.conftest import Api
from tests.api.trading_support import Stage, acting_as, stage


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _contract(s: Stage, contract_id: str) -> dict[str, Any]:
    return _ok(s.api.get(f"/contracts/{contract_id}", s.buyer))


def _dashboard(s: Stage, answer: dict[str, Any]) -> dict[str, Any]:
    """我的资金, read after the command that gave ``answer`` (its position)."""
    return _ok(s.api.get(f"/me/balances?wait_for={answer['position']}", s.buyer))


def test_the_spot_journey_from_listing_to_completed_order(api: Api) -> None:
    s = stage(api)
    listing = s.listing(quantity="100.000", price="4321.57")
    s.fund("200000.00")

    # cart → checkout: 27.125 t × 4,321.57 = 117,222.58625 → 117,222.59
    _ok(api.post("/cart/items", s.buyer, json={"listing_id": str(listing), "quantity": "27.125"}))
    placed = _ok(
        api.post(
            "/cart/checkout", s.buyer, json={"delivery_address": "No. 1 Harbour Road, Qingdao"}
        ),
        201,
    )
    assert placed["status"] == "pending_payment"
    assert placed["total"] == "117222.59"
    [contract] = placed["contracts"]
    contract_id, order_id = contract["contract_id"], placed["order_id"]
    assert _ok(api.get("/cart", s.buyer))["items"] == []
    funds = s.statement()
    assert funds["available_to_order"] == Decimal("82777.41")  # 200,000.00 − 117,222.59
    dash = _dashboard(s, placed)
    assert (dash["financial_balance"], dash["available_to_order"]) == ("200000.00", "82777.41")
    assert dash["reserved"] == "117222.59"

    order = _ok(api.get(f"/orders/{order_id}", s.buyer))
    assert (order["status_label"], order["payment_status"]) == ("待支付", "unpaid")
    assert order["lines"][0]["price_rule"] == "list"
    assert order["lines"][0]["unit_price"] == "4321.57"

    # the seller makes it effective; the buyer confirms against the digest of the text
    effective = _ok(api.post(f"/contracts/{contract_id}/effect", s.manager))
    assert _dashboard(s, effective)["trade"]["awaiting_confirmation"] == "27.125"
    text = _contract(s, contract_id)
    assert "117222.59" in text["text"]
    wrong = api.post(f"/contracts/{contract_id}/confirm", s.buyer, json={"digest": "0" * 64})
    assert wrong.status_code == 409 and wrong.json()["code"] == "digest_mismatch"
    confirmed = _ok(
        api.post(f"/contracts/{contract_id}/confirm", s.buyer, json={"digest": text["digest"]})
    )
    assert confirmed["state"] == "confirmed"

    # payment applies the reserved funds: established (订单建立), the order awaits shipment
    paid = _ok(api.post(f"/contracts/{contract_id}/pay", s.buyer))
    assert paid["state"] == "established"
    order = _ok(api.get(f"/orders/{order_id}", s.buyer))
    assert (order["status"], order["payment_status"]) == ("pending_shipment", "paid")
    trade = _dashboard(s, paid)["trade"]
    assert (trade["awaiting_confirmation"], trade["not_scheduled"]) == ("0.000", "27.125")

    # production facts from the ERP
    _ok(
        api.post(
            f"/contracts/{contract_id}/production",
            s.integration,
            json={"line_no": 1, "scheduled": "27.125"},
        )
    )
    produced = _ok(
        api.post(
            f"/contracts/{contract_id}/production",
            s.integration,
            json={"line_no": 1, "produced": "27.125"},
        )
    )
    assert produced["state"] == "in_production"

    # two partial shipments on actual weight: 14.980 t + 12.060 t = 27.040 t
    first = _ok(
        api.post(
            f"/contracts/{contract_id}/shipments",
            s.integration,
            json={
                "shipment_id": "DS-001",
                "warehouse": "Rizhao",
                "shipped_at": "2026-11-27T01:00:00Z",
                "vehicle_plate": "鲁L12345",
                "lines": [{"line_no": 1, "actual_weight": "14.980"}],
            },
        ),
        201,
    )
    assert first["state"] == "shipping"
    assert _ok(api.get(f"/orders/{order_id}", s.buyer))["shipping_status"] == "partially_shipped"
    late_cancel = api.post(f"/orders/{order_id}/cancel", s.buyer, json={"reason": "changed mind"})
    assert late_cancel.status_code == 409
    assert late_cancel.json()["code"] == "already_despatched"
    _ok(
        api.post(
            f"/contracts/{contract_id}/shipments",
            s.integration,
            json={
                "shipment_id": "DS-002",
                "warehouse": "Rizhao",
                "shipped_at": "2026-11-28T01:00:00Z",
                "vessel_name": "Rizhao Star",
                "lines": [{"line_no": 1, "actual_weight": "12.060"}],
            },
        ),
        201,
    )
    done = _ok(
        api.post(f"/contracts/{contract_id}/shipping-complete", s.operator, json={"reason": ""})
    )
    assert done["state"] == "shipped"
    order = _ok(api.get(f"/orders/{order_id}", s.buyer))
    assert (order["status"], order["shipping_status"]) == ("shipped", "shipped")
    assert _contract(s, contract_id)["lines"][0]["shipped"] == "27.040"
    trade = _dashboard(s, done)["trade"]
    assert (trade["shipped"], trade["awaiting_settlement"]) == ("27.040", "27.040")
    assert trade["awaiting_settlement_amount"] == "116855.25"

    # the mill test certificate, verifiable by anyone with its code
    certificate = _ok(
        api.post(
            f"/contracts/{contract_id}/certificates",
            s.integration,
            json={"certificate_no": "QC-2026-0001", "batch_no": "B7781", "shipment_id": "DS-001"},
        ),
        201,
    )
    verified = _ok(api.get(f"/certificates/{certificate['verification_code']}/verify"))
    assert verified["genuine"] is True and verified["batch_no"] == "B7781"
    assert verified["shipped_weight"] == "14.980"
    assert api.get("/certificates/NOSUCHCODE1/verify").status_code == 404

    # post-settlement: 27.040 t × 4,321.57 = 116,855.2528 → 116,855.25; 367.34 released
    settled = _ok(api.post(f"/contracts/{contract_id}/settlement", s.finance))
    assert settled["final_amount"] == "116855.25"
    assert settled["released"] == "367.34" and settled["charged"] == "0.00"
    funds = s.statement()
    assert funds["available_to_order"] == Decimal("83144.75")  # 200,000.00 − 116,855.25
    assert funds["financial_balance"] == Decimal("83144.75")
    dash = _dashboard(s, settled)
    assert (dash["financial_balance"], dash["reserved"]) == ("83144.75", "0.00")
    assert dash["trade"]["awaiting_settlement"] == "0.000"

    # a VAT special invoice for the settled amount completes the order
    early = api.post(
        "/invoices",
        s.finance,
        json={
            "invoice_no": "INV-0001",
            "kind": "vat_special",
            "shares": [{"contract_id": contract_id, "amount": "200000.00"}],
        },
    )
    assert early.status_code == 409 and early.json()["code"] == "over_invoiced"
    invoiced = _ok(
        api.post(
            "/invoices",
            s.finance,
            json={
                "invoice_no": "INV-0001",
                "kind": "vat_special",
                "shares": [{"contract_id": contract_id, "amount": "116855.25"}],
            },
        ),
        201,
    )
    assert _contract(s, contract_id)["state"] == "invoiced"
    assert _dashboard(s, invoiced)["trade"]["invoiced_amount"] == "116855.25"
    tracked = _ok(api.get(f"/tracking/orders/{order_id}?wait_for={invoiced['position']}", s.buyer))
    assert (tracked["status"], tracked["status_label"]) == ("completed", "已完成")
    order = _ok(api.get(f"/orders/{order_id}", s.buyer))
    assert (order["status"], order["status_label"]) == ("completed", "已完成")

    # the listing's stock: what shipped is sold, nothing stays reserved
    with acting_as(api, s.operator_id, Role.OPERATOR):
        stock = api.services.catalog.get_listing(listing)["stock"]
    assert (stock["sold"], stock["reserved"], stock["remaining"]) == ("27.040", "0.000", "72.960")


def test_a_contract_posted_by_the_erp_is_confirmed_and_paid_like_any_other(api: Api) -> None:
    s = stage(api)
    s.fund("50000.00")
    body = {
        "account_id": str(s.account_id),
        "external_no": "K-2026-118",
        "lines": [
            {
                "product_id": "00000000-0000-0000-0000-000000000001",
                "category": "HRC",
                "description": "Q235B 3.0×1500 coil",
                "quantity": "10.000",
                "unit_price": "4200.00",
            }
        ],
        "warehouse": "Rizhao",
        "region": "east",
        "address": "Dock 9",
        "delivery_month": "2026-12",
    }
    posted = _ok(api.post("/integration/contracts", s.integration, json=body), 201)
    assert posted["total"] == "42000.00"
    again = api.post("/integration/contracts", s.integration, json=body)
    assert again.status_code == 409 and again.json()["code"] == "duplicate_contract"
    assert api.post("/integration/contracts", s.buyer, json=body).status_code == 403

    contract_id = posted["contract_id"]
    _ok(api.post(f"/contracts/{contract_id}/effect", s.manager))
    _ok(api.post(f"/contracts/{contract_id}/confirm", s.buyer, json={"digest": posted["digest"]}))
    paid = _ok(api.post(f"/contracts/{contract_id}/pay", s.buyer))
    assert paid["state"] == "established"
    assert s.statement()["available_to_order"] == Decimal("8000.00")
