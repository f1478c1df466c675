"""The demo's rebates as Qingdao Coil reads them: its settled contract accrued under its
level's order-total policy and its monthly tier, which is in progress."""

from __future__ import annotations

from decimal import Decimal

from interfaces.demo import DEMO_PASSWORD, seed
from tests.api.conftest import Api


def test_the_demo_shows_rebates_and_a_tier_in_progress(api: Api) -> None:
    assert seed(api.services)
    head = api.services.ledger.head()
    buyer = api.login("13800000001", DEMO_PASSWORD)  # Qingdao Coil
    statement = api.get(f"/rebates/statement?wait_for={head}", buyer).json()["data"]
    kinds = {row["policy_kind"] for row in statement}
    assert kinds == {"order_total", "monthly_tier"}
    assert all(Decimal(row["accrued"]) > 0 for row in statement)
    tier = api.get("/rebates/tiers", buyer).json()["data"][0]
    # 14.980 + 12.060 = 27.040 t settled: the 0.5 % tier from 20 t; 50 t is 22.960 t away
    assert (tier["tonnes"], tier["tier_rate"], tier["to_go"]) == ("27.040", "0.50", "22.960")
    tianjin = api.login("13800000002", DEMO_PASSWORD)
    assert api.get("/rebates/statement", tianjin).json()["data"] == []
