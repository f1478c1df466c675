"""Reports through HTTP on PostgreSQL: totals equal the settled contracts they cover, commission
follows the binding at order time, a supervisor sees only its team, CSV opens in Excel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.api.conftest import Api
from tests.api.report_support import Org, ok, organisation


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
