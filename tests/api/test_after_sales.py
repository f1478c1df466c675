"""The after-sales cases: cancel before payment, cancel after payment before despatch, refused
once despatched, and returns after receipt through review, partial per line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.context import Role
from tests.api.conftest import Api
from tests.api.trading_support import Stage, acting_as, stage


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _order(s: Stage, quantity: str = "10.000") -> tuple[str, str]:
    listing = s.listing(quantity="50.000", price="4000.00")
    s.fund("100000.00")
    s.api.post("/cart/items", s.buyer, json={"listing_id": str(listing), "quantity": quantity})
    placed = _ok(s.api.post("/cart/checkout", s.buyer, json={"delivery_address": "Dock 3"}), 201)
    return placed["order_id"], placed["contracts"][0]["contract_id"]


def _stock(s: Stage, order: dict[str, Any]) -> dict[str, str]:
    with acting_as(s.api, s.operator_id, Role.OPERATOR):
        listing = s.api.services.catalog.get_listing(UUID(order["lines"][0]["listing_id"]))
    return dict(listing["stock"])


def _pay(s: Stage, contract_id: str) -> None:
    _ok(s.api.post(f"/contracts/{contract_id}/effect", s.manager))
    digest = _ok(s.api.get(f"/contracts/{contract_id}", s.buyer))["digest"]
    _ok(s.api.post(f"/contracts/{contract_id}/confirm", s.buyer, json={"digest": digest}))
    _ok(s.api.post(f"/contracts/{contract_id}/pay", s.buyer))


def test_buyer_cancels_before_payment_and_everything_is_released(api: Api) -> None:
    s = stage(api)
    order_id, contract_id = _order(s)
    assert s.statement()["available_to_order"] == Decimal("60000.00")

    cancelled = _ok(api.post(f"/orders/{order_id}/cancel", s.buyer, json={"reason": "no need"}))
    assert cancelled["status"] == "cancelled"
    assert s.statement()["available_to_order"] == Decimal("100000.00")
    order = _ok(api.get(f"/orders/{order_id}", s.buyer))
    assert _stock(s, order)["remaining"] == "50.000"
    assert _ok(api.get(f"/contracts/{contract_id}", s.buyer))["state"] == "void"
    again = api.post(f"/orders/{order_id}/cancel", s.buyer, json={"reason": "again"})
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_cancel_after_payment_before_despatch_releases_the_funds(api: Api) -> None:
    s = stage(api)
    order_id, contract_id = _order(s)
    _pay(s, contract_id)
    assert _ok(api.get(f"/orders/{order_id}", s.buyer))["payment_status"] == "paid"
    _ok(api.post(f"/orders/{order_id}/cancel", s.buyer, json={"reason": "plans changed"}))
    assert s.statement()["available_to_order"] == Decimal("100000.00")


def test_cancel_is_refused_once_the_warehouse_released_the_goods(api: Api) -> None:
    s = stage(api)
    order_id, contract_id = _order(s)
    _pay(s, contract_id)
    _ok(api.post(f"/contracts/{contract_id}/despatch/release", s.integration))
    head = api.services.ledger.head()
    refused = api.post(f"/orders/{order_id}/cancel", s.buyer, json={"reason": "too late"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "already_despatched"
    assert api.services.ledger.head() == head
    assert s.statement()["available_to_order"] == Decimal("60000.00")


def test_a_member_without_the_cancel_permission_cannot_cancel(api: Api) -> None:
    s = stage(api)
    order_id, _ = _order(s)
    role = _ok(
        api.post(
            f"/accounts/{s.account_id}/roles",
            s.buyer,
            json={"name": "Buyer", "permissions": ["orders.place"]},
        ),
        201,
    )["role_id"]
    api.post(
        f"/accounts/{s.account_id}/members",
        s.buyer,
        json={"phone": "13800000011", "name": "Li", "password": "Secret-123", "role_ids": [role]},
    )
    member = api.login("13800000011")
    refused = api.post(f"/orders/{order_id}/cancel", member, json={"reason": "x"})
    assert refused.status_code == 403


def test_another_company_cannot_see_or_cancel_an_order(api: Api) -> None:
    s = stage(api)
    order_id, contract_id = _order(s)
    _, other = api.register("13800000002")
    assert api.get(f"/orders/{order_id}", other).status_code == 404
    assert api.get(f"/contracts/{contract_id}", other).status_code == 404
    refused = api.post(f"/orders/{order_id}/cancel", other, json={"reason": "x"})
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"


def _received(s: Stage) -> tuple[str, str]:
    """An order of two lines in two categories, shipped in full and settled."""
    coil = s.listing(quantity="50.000", price="4000.00")
    wire = s.listing(quantity="50.000", price="4500.00", category="WIRE")
    s.fund("100000.00")
    s.fund("100000.00", category="WIRE", reference="BANK-2")
    for listing, quantity in ((coil, "10.000"), (wire, "4.000")):
        s.api.post("/cart/items", s.buyer, json={"listing_id": str(listing), "quantity": quantity})
    placed = _ok(s.api.post("/cart/checkout", s.buyer, json={"delivery_address": "Dock"}), 201)
    for contract in placed["contracts"]:
        contract_id = contract["contract_id"]
        _pay(s, contract_id)
        weight = _ok(s.api.get(f"/contracts/{contract_id}", s.buyer))["lines"][0]["quantity"]
        _ok(
            s.api.post(
                f"/contracts/{contract_id}/shipments",
                s.integration,
                json={
                    "shipment_id": f"DS-{contract_id[:6]}",
                    "warehouse": "Rizhao",
                    "shipped_at": "2026-11-27T00:00:00Z",
                    "vehicle_plate": "鲁L00001",
                    "lines": [{"line_no": 1, "actual_weight": weight}],
                },
            ),
            201,
        )
    order = _ok(s.api.get(f"/orders/{placed['order_id']}", s.buyer))
    assert order["status"] == "shipped"
    return placed["order_id"], "WIRE"


def test_partial_return_after_receipt_is_reviewed_then_refunded(api: Api) -> None:
    s = stage(api)
    order_id, second_category = _received(s)
    order = _ok(api.get(f"/orders/{order_id}", s.buyer))
    coil_line = next(ln for ln in order["lines"] if ln["category"] == "HRC")

    over = api.post(
        f"/orders/{order_id}/returns",
        s.buyer,
        json={"lines": [{"line_no": coil_line["line_no"], "quantity": "10.001"}], "reason": "rust"},
    )
    assert over.status_code == 409 and over.json()["code"] == "over_return"
    asked = _ok(
        api.post(
            f"/orders/{order_id}/returns",
            s.buyer,
            json={
                "lines": [{"line_no": coil_line["line_no"], "quantity": "2.500"}],
                "reason": "edge cracks on two coils",
            },
        ),
        201,
    )
    return_id = asked["return_id"]
    assert asked["amount"] == "10000.00"  # 2.500 t × 4,000.00
    assert (asked["state"], asked["state_label"]) == ("requested", "退货申请中")

    early = api.post(f"/orders/{order_id}/returns/{return_id}/refund", s.finance)
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"
    _ok(
        api.post(
            f"/orders/{order_id}/returns/{return_id}/review",
            s.operator,
            json={"decision": "approve", "note": "photos checked"},
        )
    )
    _ok(api.post(f"/orders/{order_id}/returns/{return_id}/receive", s.integration))
    before = s.statement()["financial_balance"]
    refunded = _ok(api.post(f"/orders/{order_id}/returns/{return_id}/refund", s.finance))
    assert refunded["state"] == "refunded"
    assert s.statement()["financial_balance"] == before + Decimal("10000.00")
    # the rest of the order is unaffected
    order = _ok(api.get(f"/orders/{order_id}", s.buyer))
    assert order["status"] == "shipped"
    assert {ln["category"] for ln in order["lines"]} == {"HRC", second_category}
    assert [(r["state"], r["state_label"]) for r in order["returns"]] == [("refunded", "已退款")]
    tracked = _ok(
        api.get("/tracking/returns", s.buyer, params={"wait_for": api.services.ledger.head()})
    )
    assert [(r["state"], r["state_label"]) for r in tracked["data"]] == [("refunded", "已退款")]


def test_a_rejected_return_needs_a_reason_and_refunds_nothing(api: Api) -> None:
    s = stage(api)
    order_id, _ = _received(s)
    asked = _ok(
        api.post(
            f"/orders/{order_id}/returns",
            s.buyer,
            json={"lines": [{"line_no": 1, "quantity": "1.000"}], "reason": "changed mind"},
        ),
        201,
    )
    return_id = asked["return_id"]
    no_reason = api.post(
        f"/orders/{order_id}/returns/{return_id}/review", s.operator, json={"decision": "reject"}
    )
    assert no_reason.status_code == 422
    _ok(
        api.post(
            f"/orders/{order_id}/returns/{return_id}/review",
            s.operator,
            json={"decision": "reject", "note": "not a quality issue"},
        )
    )
    refused = api.post(f"/orders/{order_id}/returns/{return_id}/refund", s.finance)
    assert refused.status_code == 409


def test_at_the_deadline_a_partly_paid_order_drops_its_unpaid_contract(api: Api) -> None:
    from interfaces.scheduler import run_due

    s = stage(api)
    rizhao = s.listing(quantity="50.000", price="4000.00", warehouse="Rizhao")
    qingdao = s.listing(quantity="50.000", price="4000.00", warehouse="Qingdao")
    s.fund("100000.00")
    lines = [{"listing_id": str(x), "quantity": "5"} for x in (rizhao, qingdao)]
    placed = _ok(
        api.post("/cart/checkout", s.buyer, json={"delivery_address": "D", "lines": lines}), 201
    )
    paid, unpaid = (c["contract_id"] for c in placed["contracts"])
    _pay(s, paid)
    _ok(api.post(f"/contracts/{paid}/despatch/release", s.integration))
    assert s.statement()["available_to_order"] == Decimal("60000.00")  # 2 × 20,000.00 held

    api.clock.advance(days=1, minutes=1)
    # the job finds overdue orders in the tracking view: let it catch up first
    assert api.services.projections.wait(api.services.ledger.head(), 10)
    first = run_due(api.services)["cancel_overdue_orders"]
    assert first["cancelled"] == 1 and not first["failed"]
    s.buyer = api.login("13800000001")  # a day later: sign in again
    order = _ok(api.get(f"/orders/{placed['order_id']}", s.buyer))
    assert (order["status"], order["payment_status"]) == ("pending_shipment", "paid")
    dropped = _ok(api.get(f"/contracts/{unpaid}", s.buyer))
    assert dropped["state"] == "void"
    assert _ok(api.get(f"/contracts/{paid}", s.buyer))["state"] == "established"
    assert s.statement()["available_to_order"] == Decimal("80000.00")
    warehouse = "Qingdao" if "Qingdao" in dropped["text"] else "Rizhao"
    unpaid_line = next(ln for ln in order["lines"] if ln["warehouse"] == warehouse)
    with acting_as(api, s.operator_id, Role.OPERATOR):
        stock = api.services.catalog.get_listing(UUID(unpaid_line["listing_id"]))["stock"]
    assert (stock["reserved"], stock["remaining"]) == ("0.000", "50.000")
    head = api.services.ledger.head()
    assert run_due(api.services)["cancel_overdue_orders"]["cancelled"] == 0
    assert api.services.ledger.head() == head
    tracked = _ok(api.get(f"/tracking/orders/{placed['order_id']}?wait_for={head}", s.buyer))
    assert (tracked["status"], tracked["payment_status"]) == ("pending_shipment", "paid")
