"""Bad input is refused with a stable code and nothing written; a customer sees its own
rebates only (another company's is 404), its manager its bound customers'; rebuilding the
rebates read model gives the same digest as live."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from domain.access import Scope
from projections.rebates import RebatesProjection
from tests.api.conftest import Api
from tests.api.trading_support import stage
from tests.application.rebates.support import at, ok, policy, read, settle

D = Decimal
TIERED = {"kind": "monthly_tier", "measure": "tonnes", "valid_from": "2026-11-01"}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "order_total", "level": "vip", "rate": "-1.00"}, "invalid_rate"),
        ({"kind": "order_total", "level": "vip", "rate": "100.01"}, "invalid_rate"),
        ({"kind": "order_total", "level": "vip", "rate": "1.23456"}, "invalid_rate"),
        ({"kind": "order_total", "level": "emperor", "rate": "1.00"}, "unknown_level"),
        ({"kind": "order_total", "rate": "1.00"}, "invalid_scope"),
        ({"kind": "category", "level": "vip", "rate": "1.00"}, "category_required"),
        ({"kind": "special", "rate": "1.00"}, "product_required"),
        (
            {**TIERED, "tiers": [
                {"lower": "0.000", "upper": "30.000", "rate": "1.00"},
                {"lower": "20.000", "rate": "2.00"},
            ]},
            "overlapping_tiers",
        ),
        (
            {**TIERED, "tiers": [
                {"lower": "0.000", "rate": "1.00"}, {"lower": "20.000", "rate": "2.00"},
            ]},
            "overlapping_tiers",
        ),
        (
            {**TIERED, "tiers": [
                {"lower": "0.000", "upper": "10.000", "rate": "1.00"},
                {"lower": "20.000", "rate": "2.00"},
            ]},
            "tier_gap",
        ),
        ({**TIERED, "tiers": [{"lower": "0.000", "rate": "101"}]}, "invalid_rate"),
        ({**TIERED, "tiers": []}, "tiers_required"),
        ({"kind": "order_total", "level": "vip", "rate": "1", "valid_from": "1999-12-31"},
         "invalid_validity"),
        ({"kind": "order_total", "level": "vip", "rate": "1", "valid_to": "2026-10-31"},
         "invalid_validity"),
    ],
)  # fmt: skip
def test_bad_policies_are_refused_and_nothing_is_written(
    api: Api, body: dict[str, Any], code: str
) -> None:
    s = stage(api)
    if body.get("kind") == "monthly_tier":
        body = {**body, "customer_id": str(s.account_id)}
    head = api.services.ledger.head()
    refused = api.post(
        "/rebates/policies",
        s.finance,
        json={"policy_no": "BAD", "name": "bad", "valid_from": "2026-11-01", **body},
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == code
    assert api.services.ledger.head() == head


def test_only_finance_sets_policies_and_closes_periods(api: Api) -> None:
    s = stage(api)
    body = {"policy_no": "X", "name": "x", "kind": "order_total", "level": "vip",
            "rate": "1.00", "valid_from": "2026-11-01"}  # fmt: skip
    assert api.post("/rebates/policies", s.manager, json=body).status_code == 403
    assert api.post("/rebates/periods/2026-10/close", s.buyer).status_code == 403
    for period in ("2026-13", "9999", "2101-01", "26-11"):
        bad = api.post(f"/rebates/periods/{period}/close", s.finance)
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_period", period


def test_a_customer_sees_its_own_rebates_and_no_one_elses(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    s.fund("1000000.00")
    policy(s, policy_no="OT", kind="order_total", level="ordinary", rate="1.00")
    settle(s, [(coil, "10.000")])
    assert [D(r["accrued"]) for r in read(s, "/rebates/statement", s.buyer)] == [D("400.00")]
    assert len(read(s, "/rebates/statement", s.manager)) == 1
    _, stranger = api.register("13800000009")
    for path in ("/rebates/statement", "/rebates/entries", "/rebates/tiers", "/rebates/accounts"):
        hidden = api.get(path, stranger, params={"company_id": str(s.account_id)})
        assert hidden.status_code == 404 and hidden.json()["code"] == "not_found", path
        assert ok(api.get(path, stranger))["data"] == []
    assert api.get("/rebates/policies", s.buyer).status_code == 403
    view = api.services.rebate_views  # a sales team sees its managers' customers only
    assert view.statement(Scope(team=frozenset({s.manager_id})))[0] == 1
    assert view.statement(Scope(team=frozenset()))[0] == 0


def test_rebuilding_the_rebates_read_model_gives_the_same_digest(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="300.000", price="4000.00")
    s.fund("2000000.00")
    made = policy(s, policy_no="OT", kind="order_total", level="ordinary", rate="1.50")
    policy(
        s, policy_no="TIER", kind="monthly_tier", customer_id=str(s.account_id),
        measure="amount", whole_period=False,
        tiers=[{"lower": "50000.00", "upper": "150000.00", "rate": "1.00"},
               {"lower": "150000.00", "rate": "2.00"}],
    )  # fmt: skip
    ok(
        api.post(
            f"/rebates/policies/{made['policy_id']}/versions",
            s.finance,
            json={"valid_from": "2026-11-28", "rate": "1.80"},
        ),
        201,
    )
    settle(s, [(coil, "20.000")])
    at(s, "2026-11-29T02:00")
    settle(s, [(coil, "30.000")], actual="29.500")
    at(s, "2026-12-01T02:00")
    ok(api.post("/rebates/periods/2026-11/close", s.finance))
    settle(s, [(coil, "5.000")])
    api.services.projections.catch_up()
    projection = RebatesProjection()
    before = projection.digest(api.services.views)
    assert read(s, "/rebates/entries", s.buyer)
    api.services.projections.rebuild("rebates")
    assert projection.digest(api.services.views) == before
