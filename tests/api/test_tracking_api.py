"""Tracking through HTTP: who sees which orders, reading your own writes right after checkout,
the summary, and the scheduler cancelling an order whose payment deadline passed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.context import Role
from domain.trading.order_service import PAYMENT_MINUTES
from interfaces.scheduler import run_due
from tests.api.conftest import PASSWORD, Api
from tests.api.trading_support import Stage, acting_as, stage


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def checkout(s: Stage, tonnes: str = "27.125") -> dict[str, Any]:
    listing = s.listing(quantity="100.000", price="4321.57")
    s.fund("200000.00")
    item = {"listing_id": str(listing), "quantity": tonnes}
    ok(s.api.post("/cart/items", s.buyer, json=item))
    address = {"delivery_address": "No. 1 Harbour Road, Qingdao"}
    placed = ok(s.api.post("/cart/checkout", s.buyer, json=address), 201)
    return placed | {"listing_id": listing}


def other_company(api: Api, s: Stage) -> tuple[str, str]:
    """Company 2, in the north, bound to the northern manager: (its buyer, that manager)."""
    _, north_manager = api.enroll("13900000005", Role.MANAGER, "north")
    api.import_registry(s.operator, (2, "north"))
    account_id, buyer = api.register("13800000002")
    ok(api.post(f"/accounts/{account_id}/company", buyer, json=api.company(2, "north")))
    return buyer, north_manager


def order_nos(api: Api, token: str, query: str = "") -> list[str]:
    page = ok(api.get(f"/tracking/orders?{query}", token))
    assert page["count"] == len(page["data"])
    return [row["order_no"] for row in page["data"]]


def test_wait_for_right_after_checkout_shows_the_new_order(api: Api) -> None:
    s = stage(api)
    placed = checkout(s)
    page = ok(api.get(f"/tracking/orders?wait_for={placed['position']}", s.buyer))
    [row] = page["data"]
    assert row["order_id"] == placed["order_id"] and row["order_no"] == placed["order_no"]
    assert (row["status"], row["status_label"]) == ("pending_payment", "待支付")
    assert (row["payment_status"], row["payment_status_label"]) == ("unpaid", "未支付")
    assert (row["shipping_status"], row["shipping_status_label"]) == ("not_shipped", "未发货")
    assert (row["total"], row["company_name"]) == ("117222.59", "Company 1")
    assert row["payment_due_at"] == "2026-11-27T02:00:00Z"
    assert row["contract_ids"] == [placed["contracts"][0]["contract_id"]]
    contracts = ok(api.get("/tracking/contracts", s.buyer))["data"]
    assert [(c["state"], c["state_label"], c["total"], c["contracted"]) for c in contracts] == [
        ("generated", "已生成", "117222.59", "27.125")
    ]


def test_a_buyer_sees_its_own_orders_and_another_company_none(api: Api) -> None:
    s = stage(api)
    placed = checkout(s)
    other_buyer, _ = other_company(api, s)
    api.services.projections.wait(placed["position"])
    assert order_nos(api, s.buyer) == [placed["order_no"]]
    assert order_nos(api, other_buyer) == []
    assert ok(api.get("/tracking/contracts", other_buyer))["count"] == 0
    for path in (
        f"/tracking/orders/{placed['order_id']}",
        f"/tracking/orders?company_id={s.account_id}",
    ):
        assert api.get(path, other_buyer).status_code == 404
    contract_id = placed["contracts"][0]["contract_id"]
    assert api.get(f"/tracking/contracts/{contract_id}", other_buyer).status_code == 404
    assert ok(api.get(f"/tracking/contracts/{contract_id}", s.buyer))["contract_no"].endswith("-1")


def test_the_bound_manager_sees_the_orders_and_another_manager_does_not(api: Api) -> None:
    s = stage(api)
    placed = checkout(s)
    _, north_manager = other_company(api, s)
    api.services.projections.wait(placed["position"])
    assert order_nos(api, s.manager) == [placed["order_no"]]
    assert order_nos(api, s.manager, f"company_id={s.account_id}") == [placed["order_no"]]
    assert order_nos(api, north_manager) == []
    assert api.get(f"/tracking/orders/{placed['order_id']}", north_manager).status_code == 404
    detail = ok(api.get(f"/tracking/orders/{placed['order_id']}", s.manager))
    assert [c["contract_id"] for c in detail["contracts"]] == detail["contract_ids"]
    assert order_nos(api, s.operator) == [placed["order_no"]]  # other staff: everyone


def test_any_member_of_the_company_sees_its_tracking(api: Api) -> None:
    s = stage(api)
    placed = checkout(s)
    member = {"phone": "13800000011", "name": "Clerk", "password": PASSWORD}
    ok(api.post(f"/accounts/{s.account_id}/members", s.buyer, json=member), 201)
    clerk = api.login("13800000011")  # no role at all
    api.services.projections.wait(placed["position"])
    assert order_nos(api, clerk) == [placed["order_no"]]


def test_orders_filter_by_status_and_business_date(api: Api) -> None:
    s = stage(api)
    placed = checkout(s)
    api.services.projections.wait(placed["position"])
    mine = [placed["order_no"]]
    assert order_nos(api, s.buyer, "status=pending_payment&payment_status=unpaid") == mine
    assert order_nos(api, s.buyer, "status=cancelled") == []
    assert order_nos(api, s.buyer, "placed_from=2026-11-26&placed_to=2026-11-26") == mine
    assert order_nos(api, s.buyer, "placed_from=2026-11-27") == []
    assert api.get("/tracking/orders?status=lost", s.buyer).status_code == 422


def test_the_summary_counts_orders_and_tonnes_awaiting_confirmation(api: Api) -> None:
    s = stage(api)
    placed = checkout(s)
    contract_id = placed["contracts"][0]["contract_id"]
    effect = ok(api.post(f"/contracts/{contract_id}/effect", s.manager))
    summary = ok(api.get(f"/tracking/summary?wait_for={effect['position']}", s.buyer))
    assert summary["figures"] == {
        "awaiting_confirmation": "27.125",
        "not_scheduled": "0.000",
        "shipped": "0.000",
        "awaiting_settlement": "0.000",
        "awaiting_settlement_amount": "0.00",
        "invoiced_amount": "0.00",
    }
    orders = {row["code"]: (row["label"], row["count"]) for row in summary["orders"]}
    assert orders["pending_payment"] == ("待支付", 1) and orders["completed"] == ("已完成", 0)
    contracts = {row["code"]: (row["label"], row["count"]) for row in summary["contracts"]}
    assert contracts["effective"] == ("已生效", 1)
    _, north_manager = other_company(api, s)
    assert api.get("/tracking/summary", s.manager).json()["code"] == "company_required"
    assert api.get(f"/tracking/summary?company_id={s.account_id}", s.manager).status_code == 200
    assert api.get(f"/tracking/summary?company_id={s.account_id}", north_manager).status_code == 404


def test_the_scheduler_cancels_an_unpaid_order_after_its_deadline_once(api: Api) -> None:
    s = stage(api)
    placed = checkout(s)
    order_id, listing = UUID(placed["order_id"]), placed["listing_id"]
    api.services.projections.wait(placed["position"])
    api.clock.advance(minutes=PAYMENT_MINUTES - 1)
    assert run_due(api.services)["cancel_overdue_orders"]["cancelled"] == 0

    api.clock.advance(minutes=1)
    assert run_due(api.services)["cancel_overdue_orders"] == {
        "due": 1,
        "cancelled": 1,
        "failed": [],
    }
    buyer = api.login("13800000001")  # the clock moved past the old token's expiry
    order = ok(api.get(f"/orders/{order_id}", buyer))
    assert (order["status"], order["cancel_reason"]) == ("cancelled", "payment deadline passed")
    assert s.statement()["available_to_order"] == Decimal("200000.00")
    with acting_as(api, s.operator_id, Role.OPERATOR):
        stock = api.services.catalog.get_listing(listing)["stock"]
    assert (stock["reserved"], stock["remaining"]) == ("0.000", "100.000")

    version = api.services.orders.runner.app.repository.get(order_id).version
    again = run_due(api.services)["cancel_overdue_orders"]
    assert again["cancelled"] == 0 and again["failed"] == []
    assert api.services.orders.runner.app.repository.get(order_id).version == version
    assert s.statement()["available_to_order"] == Decimal("200000.00")

    api.services.projections.catch_up()
    [row] = ok(api.get("/tracking/orders?status=cancelled", buyer))["data"]
    assert (row["status_label"], row["cancel_reason"]) == ("已取消", "payment deadline passed")
    [contract] = ok(api.get("/tracking/contracts", buyer))["data"]
    assert (contract["state"], contract["state_label"]) == ("void", "已作废")
    assert contract["void_reason"] == "payment deadline passed"
    assert run_due(api.services)["cancel_overdue_orders"]["due"] == 0
