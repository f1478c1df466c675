"""销售报表 on the console: the rows and totals of GET /reports/sales?grain=month for the same
person (a buyer only its own company's sales), and the chart library served by the app."""

from __future__ import annotations

import pytest

from tests.console.conftest import QINGDAO, Console

FINANCE = "13900000002"


@pytest.mark.parametrize("phone", [FINANCE, QINGDAO])
@pytest.mark.parametrize("by", ["category", "region"])
def test_the_sales_report_page_shows_the_apis_rows_and_totals(
    console: Console, phone: str, by: str
) -> None:
    report = console.api(f"/reports/sales?grain=month&by={by}&limit=100", console.api_token(phone))
    page = console.sign_in(phone).get(f"/console/reports?by={by}")
    assert page.status_code == 200
    assert report["data"], "the demo has sales"
    assert page.text.count("data-row=") == len(report["data"])
    for row in report["data"]:
        cell = f'data-row="{row["period"]}|{row["key"]}">'
        assert cell in page.text
        after = page.text.split(cell, 1)[1].split("</tr>", 1)[0]
        assert f'data-cell="ordered_amount">{row["ordered_amount"]}<' in after
    assert f'data-total="ordered_amount">{report["totals"]["ordered_amount"]}<' in page.text


def test_a_buyers_report_is_its_own_share_of_the_sales(console: Console) -> None:
    everything = console.api("/reports/sales?grain=month", console.api_token(FINANCE))["totals"]
    own = console.api("/reports/sales?grain=month", console.api_token(QINGDAO))["totals"]
    page = console.sign_in(QINGDAO).get("/console/reports")
    assert f'data-total="ordered_amount">{own["ordered_amount"]}<' in page.text
    assert own["ordered_amount"] != everything["ordered_amount"]


def test_echarts_is_served_by_the_app_with_its_licence(console: Console) -> None:
    client = console.client()
    script = client.get("/console/static/vendor/echarts/echarts.min.js")
    assert script.status_code == 200 and len(script.content) > 500_000
    assert "Apache License" in client.get("/console/static/vendor/echarts/LICENSE").text


def test_rebate_tier_progress_is_the_apis_for_each_buyer(console: Console) -> None:
    for phone in (QINGDAO, FINANCE):
        tiers = console.api("/rebates/tiers", console.api_token(phone))
        page = console.sign_in(phone).get("/console/reports")
        assert page.text.count("data-tier=") == tiers["count"]
        for row in tiers["data"]:
            cell = f'data-tier="{row["company_id"]}|{row["policy_id"]}|{row["period"]}">'
            assert cell in page.text
            to_go = row["to_go"] if row["to_go"] is not None else "—"
            assert f'data-cell="to_go">{to_go}<' in page.text.split(cell, 1)[1]
    qingdao = console.api("/rebates/tiers", console.api_token(QINGDAO))["data"]
    assert {row["company_id"] for row in qingdao} <= {
        console.api("/me/balances", console.api_token(QINGDAO))["company_id"]
    }
