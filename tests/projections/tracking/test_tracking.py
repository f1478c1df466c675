"""The tracking read model, fed by a whole journey through HTTP (``tracking_journey.py``): its
rows and labels checked exactly, as they happen and at the end, then rebuilt to the same digest.
Runs on SQLite, and on PostgreSQL under scripts/test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.access import Scope
from domain.context import FrozenClock
from interfaces.api.app import create_app
from interfaces.config import Settings
from interfaces.wiring import Services
from projections.tracking.projection import TrackingProjection
from tests.api.conftest import Api
from tests.projections.tracking.journey import Journey, ok, run_to_the_end

EVERYONE = Scope()
D = Decimal


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    clock = FrozenClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    services = Services.build(settings, clock=clock)
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, clock)
    services.close()


def test_the_order_row_follows_its_contracts_to_completed(api: Api) -> None:
    j = Journey(api)
    run_to_the_end(j)
    api.services.projections.catch_up()
    order = api.services.tracking.order(EVERYONE, j.order_id)
    assert order is not None
    buyer = UUID(ok(api.get("/me", j.s.buyer))["user_id"])
    assert {k: order[k] for k in ("order_no", "company_id", "company_name", "placed_by")} == {
        "order_no": j.order_no,
        "company_id": j.s.account_id,
        "company_name": "Company 1",
        "placed_by": buyer,
    }
    assert order["on_behalf_by"] is None and order["cancel_reason"] is None
    assert (order["placed_at"], order["placed_on"]) == (api.clock(), date(2026, 11, 26))
    assert order["total"] == D("157102.59")  # 39,880.00 + 117,222.59
    assert [
        order[k]
        for k in (
            "status",
            "status_label",
            "payment_status",
            "payment_status_label",
            "shipping_status",
            "shipping_status_label",
        )
    ] == ["completed", "已完成", "paid", "已支付", "shipped", "已发货"]
    assert order["contract_ids"] == [j.c1, j.c2]
    returns = {r["state"]: r for r in order["returns"]}
    assert set(returns) == {"refunded", "rejected"}
    assert (returns["refunded"]["amount"], returns["refunded"]["lines"][0]["quantity"]) == (
        D("7976.00"),
        D("2.000"),
    )
    assert (returns["rejected"]["note"], returns["rejected"]["amount"]) == (
        "no defect",
        D("4321.57"),
    )


def test_contract_rows_states_amounts_and_fulfilment(api: Api) -> None:
    j = Journey(api)
    run_to_the_end(j)
    api.services.projections.catch_up()
    one, two = (api.services.tracking.contract(EVERYONE, c) for c in (j.c1, j.c2))
    assert one is not None and two is not None
    assert (one["contract_no"], one["order_no"], one["warehouse"]) == (
        f"{j.order_no}-1",
        j.order_no,
        "Qingdao",
    )
    assert [
        one[k]
        for k in (
            "state",
            "state_label",
            "total",
            "paid",
            "settled_amount",
            "invoiced_amount",
            "despatched",
        )
    ] == ["invoiced", "已开票", D("39880.00"), D("39880.00"), D("40677.60"), D("40677.60"), True]
    assert [two[k] for k in ("state", "state_label", "settled_amount", "invoiced_amount")] == [
        "closed",
        "已关闭",
        D("116855.25"),
        D("116855.25"),
    ]
    assert one["payment_due_on"] == date(2026, 11, 27) and one["void_reason"] is None
    assert [
        (x["contracted"], x["scheduled"], x["produced"], x["shipped"]) for x in one["lines"]
    ] == [(D("10.000"), D("6.000"), D("0.000"), D("10.200"))]
    assert [
        (x["shipment_id"], x["weight"], x["vehicle_plate"], x["vessel_name"])
        for x in two["shipments"]
    ] == [("DS-002", D("12.060"), "", "Rizhao Star"), ("DS-001", D("14.980"), "鲁L12345", "")]
    assert two["shipments"][0]["shipped_at"] == datetime(2026, 11, 28, 1, tzinfo=UTC)
    assert [
        (c["certificate_no"], c["batch_no"], c["shipment_id"]) for c in two["certificates"]
    ] == [("QC-1", "B7781", "DS-001")]
    assert "verification_code" not in two["certificates"][0]
    objections = {o["kind"]: o for o in two["objections"]}
    assert (objections["quality"]["status"], objections["quality"]["compensation"]) == (
        "accepted",
        D("300.00"),
    )
    assert (objections["quantity"]["status"], objections["quantity"]["rejection_reason"]) == (
        "rejected",
        "weighbridge ticket matches",
    )


def test_an_invoice_over_two_contracts_lists_both_shares(api: Api) -> None:
    j = Journey(api)
    run_to_the_end(j)
    api.services.projections.catch_up()
    page = api.services.tracking.invoices(EVERYONE, {"contract_id": j.c1})
    assert page.total == 1
    [invoice] = page.items
    assert (invoice["invoice_no"], invoice["kind"], invoice["amount"]) == (
        "INV-1",
        "vat_special",
        D("140677.60"),
    )
    assert [(s["contract_id"], s["amount"]) for s in invoice["shares"]] == [
        (j.c1, D("40677.60")),
        (j.c2, D("100000.00")),
    ]


def test_company_figures_at_the_end(api: Api) -> None:
    j = Journey(api)
    run_to_the_end(j)
    assert j.figures() == {
        "awaiting_confirmation": D("0.000"),
        "not_scheduled": D("0.000"),
        "shipped": D("37.240"),
        "awaiting_settlement": D("0.000"),
        "awaiting_settlement_amount": D("0.00"),
        "invoiced_amount": D("157532.85"),
    }


def test_a_rebuild_gives_the_same_rows(api: Api) -> None:
    j = Journey(api)
    run_to_the_end(j)
    runner, projection = api.services.projections, TrackingProjection()
    runner.catch_up()
    before = projection.digest(api.services.views)
    assert runner.rebuild("tracking") > 0
    assert projection.digest(api.services.views) == before
    assert runner.status()["tracking"].lag == 0


def agrees_with_the_aggregates(api: Api) -> None:
    """Every order and contract row says what its aggregate, replayed from the store, says."""
    api.services.projections.catch_up()
    view, repository = api.services.tracking, api.services.ledger.repository
    for row in view.orders(EVERYONE, {}).items:
        order = repository.get(row["order_id"])
        assert [row[k] for k in ("status", "payment_status", "shipping_status")] == [
            order.status.value,
            order.payment_status.value,
            order.shipping_status.value,
        ]
        assert (row["total"], row["cancel_reason"]) == (order.total.amount, order.cancel_reason)
    for row in view.contracts(EVERYONE, {}).items:
        c = repository.get(row["contract_id"])
        assert [row[k] for k in ("state", "paid", "settled_amount", "invoiced_amount")] == [
            c.state.value,
            c.paid_amount.amount,
            c.settled_amount.amount,
            c.invoiced_amount.amount,
        ]
        assert [
            row[k] for k in ("despatched", "contracted", "scheduled", "produced", "shipped")
        ] == [
            c.is_despatched,
            c.contracted().tonnes,
            c.scheduled().tonnes,
            c.produced().tonnes,
            c.shipped().tonnes,
        ]


def statuses(api: Api, j: Journey) -> tuple[Any, ...]:
    agrees_with_the_aggregates(api)
    order = api.services.tracking.order(EVERYONE, j.order_id)
    assert order is not None
    keys = ("status_label", "payment_status_label", "shipping_status_label")
    return (*(order[k] for k in keys), *(c["state_label"] for c in order["contracts"]))


def test_partial_payment_production_and_shipping_show_as_they_happen(api: Api) -> None:
    j = Journey(api)
    for contract in (j.c1, j.c2):
        j.post(f"/contracts/{contract}/effect", j.s.manager)
    assert statuses(api, j) == ("待支付", "未支付", "未发货", "已生效", "已生效")
    j.establish(j.c1)
    assert statuses(api, j) == ("待支付", "部分支付", "未发货", "订单建立", "已生效")
    j.establish(j.c2)
    j.post(f"/contracts/{j.c2}/production", j.s.integration, line_no=1, scheduled="27.125")
    assert statuses(api, j) == ("待发货", "已支付", "未发货", "订单建立", "生产中")
    j.ship(j.c2, "DS-001", "14.980", "2026-11-27T01:00:00Z", vehicle_plate="鲁L12345")
    assert statuses(api, j) == ("待发货", "已支付", "部分发货", "订单建立", "发运中")
    j.ship(j.c2, "DS-002", "12.200", "2026-11-27T05:00:00Z", vehicle_plate="鲁L12345")
    assert statuses(api, j) == ("待发货", "已支付", "部分发货", "订单建立", "已发运")
    j.ship(j.c1, "DS-101", "9.990", "2026-11-28T03:00:00Z", vehicle_plate="鲁B00001")
    j.post(f"/contracts/{j.c1}/shipping-complete", j.s.operator, reason="")
    assert statuses(api, j) == ("已发货", "已支付", "已发货", "已发运", "已发运")


def test_at_the_end_every_row_agrees_with_its_aggregate(api: Api) -> None:
    run_to_the_end(Journey(api))
    agrees_with_the_aggregates(api)


def test_the_lists_over_http_give_decimal_strings_and_never_a_verification_code(
    api: Api,
) -> None:
    j = Journey(api)
    run_to_the_end(j)
    api.services.projections.catch_up()

    def data(path: str) -> list[dict[str, Any]]:
        response = api.get(path, j.s.buyer)
        assert response.status_code == 200, response.text
        rows: list[dict[str, Any]] = response.json()["data"]
        return rows

    production = data(f"/tracking/production?contract_id={j.c2}")
    assert [(x["contracted"], x["scheduled"], x["produced"], x["shipped"]) for x in production] == [
        ("27.125", "27.125", "27.125", "27.040")
    ]
    shipments = data("/tracking/shipments?limit=2&offset=1")
    assert [(x["shipment_id"], x["lines"]) for x in shipments] == [
        ("DS-002", [{"line_no": 1, "actual_weight": "12.060"}]),
        ("DS-001", [{"line_no": 1, "actual_weight": "14.980"}]),
    ]
    certificates = api.get("/tracking/certificates", j.s.buyer)
    assert certificates.json()["data"][0]["certificate_no"] == "QC-1"
    assert "verification_code" not in certificates.text
    invoices = data("/tracking/invoices?kind=ordinary")
    assert [(x["invoice_no"], x["amount"]) for x in invoices] == [("INV-2", "16855.25")]
    objections = data("/tracking/objections?status=accepted")
    assert [(x["claimed"], x["compensation"]) for x in objections] == [("500.00", "300.00")]
    returns = data("/tracking/returns?state=refunded")
    assert [(x["order_no"], x["amount"]) for x in returns] == [(j.order_no, "7976.00")]
    detail = api.get(f"/tracking/contracts/{j.c2}", j.s.buyer)
    assert detail.json()["certificates"][0]["batch_no"] == "B7781"
    assert "verification_code" not in detail.text
