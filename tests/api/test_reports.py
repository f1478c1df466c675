"""Reports through HTTP on PostgreSQL: totals equal the settled contracts they cover, commission
follows the binding at order time, a supervisor sees only its team, CSV opens in Excel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

from domain.context import Role
from projections.all import all_projections
from tests.api.conftest import Api
from tests.api.report_support import Org, ok, organisation
from tests.api.trading_support import acting_as


def scenario(org: Org) -> dict[str, Any]:
    """c1 (east) 10 t coil, settled on 9.800 t; c2 (north) 20 t plate, settled on 20.500 t;
    c3 (east) 5 t coil and c1 2 t plate, ordered only."""
    first = org.checkout("c1", org.coil, "10.000")
    second = org.checkout("c2", org.plate, "20.000")
    org.checkout("c3", org.coil, "5.000")
    last = org.checkout("c1", org.plate, "2.000")
    org.settle("c1", first["contract_id"], "9.800", 1)
    settled = org.settle("c2", second["contract_id"], "20.500", 2)
    return {"position": settled["position"], "last": last}


def test_sales_totals_equal_the_settled_contracts_they_cover(api: Api) -> None:
    org = organisation(api)
    position = scenario(org)["position"]
    # settled: 9.800 × 4,000.00 = 39,200.00; 20.500 × 5,000.00 = 102,500.00 → 141,700.00
    # ordered: 40,000.00 + 100,000.00 + 20,000.00 + 10,000.00 = 170,000.00 (37 t)
    # commission: 1 % of 39,200.00 = 392.00; 2 % of 102,500.00 = 2,050.00
    expected = {
        "ordered_tonnes": "37.000", "ordered_amount": "170000.00",
        "settled_tonnes": "30.300", "settled_amount": "141700.00", "commission": "2442.00",
    }  # fmt: skip
    for by in ("category", "product", "region", "customer", "manager"):
        for grain in ("day", "month", ""):
            url = f"/reports/sales?by={by}&grain={grain}&wait_for={position}".replace("grain=&", "")
            report = ok(api.get(url, org.auditor))
            assert report["totals"] == expected, (by, grain)
            settled = sum(Decimal(row["settled_amount"]) for row in report["data"])
            assert settled == Decimal("141700.00"), (by, grain)
    by_region = ok(api.get("/reports/sales?by=region", org.auditor))["data"]
    assert {r["key"]: r["settled_amount"] for r in by_region} == {
        "east": "39200.00", "north": "102500.00",
    }  # fmt: skip
    by_category = ok(api.get("/reports/sales?by=category", org.s.finance))["data"]
    assert {r["key"]: (r["ordered_tonnes"], r["settled_tonnes"]) for r in by_category} == {
        "HRC": ("15.000", "9.800"), "WIRE": ("22.000", "20.500"),
    }  # fmt: skip
    by_manager = ok(api.get("/reports/sales?by=manager", org.auditor))["data"]
    names = {r["name"]: r["commission"] for r in by_manager}
    assert names == {"13900000004": "392.00", "13900000005": "2050.00"}


def test_performance_rolls_up_the_hierarchy(api: Api) -> None:
    org = organisation(api)
    position = scenario(org)["position"]
    rows = ok(api.get(f"/reports/performance?wait_for={position}", org.director))["data"]
    figures = {row["name"]: (row["role"], row["settled_amount"], row["commission"]) for row in rows}
    assert figures == {
        "13900000008": ("director", "141700.00", "2442.00"),
        "13900000006": ("supervisor", "39200.00", "392.00"),
        "13900000009": ("supervisor", "102500.00", "2050.00"),
        "13900000004": ("manager", "39200.00", "392.00"),
        "13900000005": ("manager", "102500.00", "2050.00"),
    }
    mine = ok(api.get("/reports/performance", org.east_lead))["data"]
    assert [row["name"] for row in mine] == ["13900000006", "13900000004"]
    refused = api.get("/reports/performance", org.buyers["c1"][1])
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_commission_follows_the_binding_at_order_time_after_a_rebinding(api: Api) -> None:
    org = organisation(api)
    c1, _ = org.buyers["c1"]
    before = org.checkout("c1", org.coil, "10.000")  # bound to the east manager
    api.clock.advance(days=91)  # idle past STEELYARD_BINDING_IDLE_DAYS (90): the binding lapses
    with acting_as(api, org.s.operator_id, Role.OPERATOR):
        assert c1 in api.services.accounts.lapse_idle_bindings()
    org.sign_in_again()
    ok(api.post(f"/accounts/{c1}/manager", org.north_manager))  # the north manager takes it on
    after = org.checkout("c1", org.coil, "5.000")
    org.settle("c1", before["contract_id"], "10.000", 1)
    settled = org.settle("c1", after["contract_id"], "5.000", 2)
    lines = ok(api.get(f"/reports/commissions?wait_for={settled['position']}", org.s.finance))
    credited = {row["contract_id"]: (row["manager_id"], row["commission"]) for row in lines["data"]}
    assert credited == {
        before["contract_id"]: (str(org.s.manager_id), "400.00"),  # 1 % of 40,000.00
        after["contract_id"]: (str(org.north_manager_id), "200.00"),  # 1 % of 20,000.00
    }
    assert lines["totals"]["commission"] == "600.00"
    # the east manager keeps its commission but no longer sees the customer
    east = ok(api.get("/reports/commissions", org.s.manager))
    assert [row["contract_id"] for row in east["data"]] == [before["contract_id"]]
    refused = api.get(f"/reports/sales?company_id={c1}", org.s.manager)
    assert refused.status_code == 404


def test_a_rate_set_later_does_not_change_a_past_orders_commission(api: Api) -> None:
    org = organisation(api)
    placed = org.checkout("c2", org.coil, "10.000")
    raised = ok(api.post("/commissions/rates", org.director, json={"global_rate": "3.00"}))
    assert (raised["rate_version"], raised["global_rate"]) == (2, "3.00")
    settled = org.settle("c2", placed["contract_id"], "10.000", 1)
    [line] = ok(api.get(f"/reports/commissions?wait_for={settled['position']}", org.auditor))[
        "data"
    ]
    assert (line["rate"], line["rate_version"], line["commission"]) == ("1.00", 1, "400.00")


def test_bad_commission_rates_are_refused_and_write_nothing(api: Api) -> None:
    org = organisation(api)
    before = ok(api.get("/commissions/rates", org.s.finance))
    for body in (
        {"global_rate": "-1"},
        {"global_rate": "100.01"},
        {"product_rates": [{"product_id": str(org.plate_product), "rate": "250"}]},
        {"global_rate": "1e2"},
    ):
        refused = api.post("/commissions/rates", org.s.finance, json=body)
        assert refused.status_code == 422 and refused.json()["code"] == "invalid_rate", body
    for token in (org.s.manager, org.east_lead, org.s.operator, org.buyers["c1"][1]):
        assert api.post("/commissions/rates", token, json={"global_rate": "5"}).status_code == 403
    assert ok(api.get("/commissions/rates", org.s.finance)) == before


def test_a_supervisor_sees_only_its_team(api: Api) -> None:
    org = organisation(api)
    position = scenario(org)["position"]
    c1, c2 = org.buyers["c1"][0], org.buyers["c2"][0]
    lead = org.east_lead  # the east manager's supervisor: c1 and c3, never c2 (north)
    sales = ok(api.get(f"/reports/sales?by=customer&wait_for={position}", lead))
    assert {row["key"] for row in sales["data"]} == {str(c1), str(org.buyers["c3"][0])}
    assert sales["totals"]["settled_amount"] == "39200.00"
    for path in (
        f"/reports/sales?company_id={c2}",
        f"/reports/sales?manager_id={org.north_manager_id}",
        f"/reports/performance?team_id={org.north_lead_id}",
        f"/reports/commissions?team_id={org.director_id}",
        f"/funds/{c2}/balances",
        f"/accounts/{c2}",
        f"/tracking/orders?company_id={c2}",
    ):
        refused = api.get(path, lead)
        assert refused.status_code == 404 and refused.json()["code"] == "not_found", path
    assert {row["company_id"] for row in ok(api.get("/tracking/orders", lead))["data"]} == {
        str(c1), str(org.buyers["c3"][0]),
    }  # fmt: skip
    assert ok(api.get("/accounts", lead))["count"] == 2
    # the director sees both teams; moving the north manager to the east team moves c2 with it
    assert ok(api.get("/accounts", org.director))["count"] == 3
    team = {"lead_id": str(org.east_lead_id)}
    moved = ok(api.post(f"/staff/{org.north_manager_id}/team", org.s.operator, json=team))
    assert (moved["moved"], moved["previous_lead_id"]) == (True, str(org.north_lead_id))
    assert ok(api.get(f"/accounts/{c2}", lead))["account_id"] == str(c2)
    assert ok(api.get("/accounts", org.north_lead))["count"] == 0


def test_bad_filters_are_refused(api: Api) -> None:
    org = organisation(api)
    for path, status, code in (
        ("/reports/sales?from=2026-12-01&to=2026-11-01", 422, "invalid_filter"),
        ("/reports/sales?by=colour", 422, "validation_error"),
        ("/reports/sales?grain=week", 422, "validation_error"),
        ("/reports/sales?limit=501", 422, "validation_error"),
        ("/reports/auctions?outcome=won", 422, "validation_error"),
        (f"/reports/sales?team_id={org.s.manager_id}", 404, "not_found"),
        (f"/reports/sales?company_id={uuid4()}", 404, "not_found"),
    ):
        refused = api.get(path, org.auditor)
        assert (refused.status_code, refused.json()["code"]) == (status, code), path
    buyer = org.buyers["c1"][1]
    refused = api.get(f"/reports/sales?manager_id={org.s.manager_id}", buyer)
    assert refused.status_code == 404
    team = {"lead_id": str(org.s.manager_id)}  # a manager leads no team
    refused = api.post(f"/staff/{org.north_manager_id}/team", org.s.operator, json=team)
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_team")
    assert api.post(f"/staff/{org.s.manager_id}/team", buyer, json=team).status_code == 403


def test_csv_opens_in_excel_with_a_bom_and_chinese_headers(api: Api) -> None:
    org = organisation(api)
    position = scenario(org)["position"]
    answer = api.get(f"/reports/sales?by=customer&format=csv&wait_for={position}", org.auditor)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "编码,客户,订货吨数,订货金额,结算吨数,结算金额,提成"
    assert len(lines) == 1 + 3
    assert sum(Decimal(line.split(",")[5]) for line in lines[1:]) == Decimal("141700.00")
    for path in ("/reports/performance", "/reports/commissions", "/reports/auctions"):
        body = api.get(f"{path}?format=csv", org.auditor).content
        assert body.startswith(b"\xef\xbb\xbf"), path
    feed = api.get("/deal-feed?format=csv").content.decode("utf-8-sig").splitlines()
    assert feed[0].startswith("成交时间,买方") and len(feed) == 1 + 4


def test_the_deal_feed_is_public_and_masks_the_buyer(api: Api) -> None:
    org = organisation(api)
    position = scenario(org)["position"]
    feed = ok(api.get(f"/deal-feed?wait_for={position}&limit=2"))
    assert feed["count"] == 4 and len(feed["data"]) == 2
    assert {row["buyer"] for row in feed["data"]} <= {"Company **"}
    assert "Company 1" not in str(feed)


def test_rebuilding_the_reports_gives_the_same_digest(api: Api) -> None:
    org = organisation(api)
    position = scenario(org)["position"]
    ok(api.get(f"/reports/sales?wait_for={position}", org.auditor))
    [reports] = [p for p in all_projections() if p.name == "reports"]
    live = reports.digest(api.services.views)
    assert api.services.projections.rebuild("reports") > 0
    assert reports.digest(api.services.views) == live


def test_the_rebate_statement_per_customer_follows_the_rebates_read_model(api: Api) -> None:
    org = organisation(api)
    body = {"policy_no": "OT", "name": "订单总价返", "kind": "order_total", "level": "ordinary",
            "rate": "1.50", "valid_from": "2026-11-01"}  # fmt: skip
    ok(api.post("/rebates/policies", org.s.finance, json=body), 201)
    position = scenario(org)["position"]
    c1, c2 = org.buyers["c1"][0], org.buyers["c2"][0]
    rows = ok(api.get(f"/reports/rebates?wait_for={position}", org.auditor))["data"]
    # 1.5 % of the settled 39,200.00 (c1) and 102,500.00 (c2)
    assert {(r["company_id"], r["accrued"]) for r in rows} == {
        (str(c1), "588.00"), (str(c2), "1537.50"),
    }  # fmt: skip
    mine = ok(api.get("/reports/rebates", org.east_lead))["data"]
    assert [r["company_id"] for r in mine] == [str(c1)]
    assert api.get(f"/reports/rebates?company_id={c2}", org.east_lead).status_code == 404
    own = ok(api.get("/reports/rebates?period=2026-11", org.buyers["c2"][1]))["data"]
    assert [r["accrued"] for r in own] == ["1537.50"]
    bad = api.get("/reports/rebates?period=2026-13", org.auditor)
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_period")
    csv = api.get("/reports/rebates?format=csv", org.auditor).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("期间,客户,政策编号")


def test_a_buyer_reads_its_sales_without_the_managers_commission(api: Api) -> None:
    org = organisation(api)
    position = scenario(org)["position"]
    _, buyer = org.buyers["c1"]

    mine = ok(api.get(f"/reports/sales?by=category&wait_for={position}", buyer))
    sheet = api.get(f"/reports/sales?by=category&format=csv&wait_for={position}", buyer)
    staff = ok(api.get(f"/reports/sales?by=category&company_id={org.buyers['c1'][0]}", org.auditor))

    # c1: 10 t coil settled on 9.800 t (39,200.00, commission 392.00 for its manager)
    assert mine["totals"]["settled_amount"] == "39200.00"
    assert mine["totals"]["commission"] is None
    assert all(row["commission"] is None for row in mine["data"])
    header = sheet.content.decode("utf-8-sig").splitlines()[0]
    assert header == "编码,品类,订货吨数,订货金额,结算吨数,结算金额"  # no 提成 column
    assert staff["totals"]["commission"] == "392.00"
