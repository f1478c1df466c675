"""The demo shows every report with rows: sales, performance rolled up to the director,
commissions, the public deal feed with masked buyers, auction results; the supervisor leads
both managers, so it sees every demo customer."""

from __future__ import annotations

from interfaces.demo import DEMO_PASSWORD, seed
from tests.api.conftest import Api


def test_the_demo_shows_every_report(api: Api) -> None:
    assert seed(api.services)
    head = api.services.ledger.head()
    director = api.login("13900000008", DEMO_PASSWORD)
    for path in (
        "/reports/sales?by=category&grain=month",
        "/reports/sales?by=manager",
        "/reports/performance",
        "/reports/commissions",
        "/reports/auctions",
    ):
        page = api.get(
            f"{path}&wait_for={head}" if "?" in path else f"{path}?wait_for={head}", director
        )
        assert page.status_code == 200, page.text
        assert page.json()["count"] > 0, path
    totals = api.get("/reports/sales", director).json()["totals"]
    assert totals["settled_amount"] != "0.00" and totals["commission"] != "0.00"
    performance = api.get("/reports/performance", director).json()["data"]
    assert [row["role"] for row in performance][:2] == ["director", "supervisor"]
    assert performance[0]["settled_amount"] == totals["settled_amount"]
    feed = api.get("/deal-feed").json()
    assert feed["count"] > 0 and all("**" in row["buyer"] for row in feed["data"])
    supervisor = api.login("13900000006", DEMO_PASSWORD)
    assert api.get("/accounts", supervisor).json()["count"] == 3
