"""Each rebate kind on a settled contract, with its arithmetic written out; a customer's own
policy in place of its level's; a tier crossed mid-month (whole period and above the
threshold); the policy version in force explains each entry."""

from __future__ import annotations

from decimal import Decimal

from tests.api.conftest import Api
from tests.api.trading_support import stage
from tests.application.rebates.support import (
    amounts,
    at,
    entries,
    ok,
    policy,
    read,
    rebate_bucket,
    settle,
)

D = Decimal


def test_order_total_by_level_accrues_on_the_settled_amount(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    s.fund("1000000.00")
    policy(s, policy_no="OT-ORD", kind="order_total", level="ordinary", rate="1.50")
    # 10 t ordered, 9.800 t shipped: settled 9.800 × 4,000.00 = 39,200.00; 1.5 % = 588.00
    settled = settle(s, [(coil, "10.000")], actual="9.800")
    assert D(settled[0]["final_amount"]) == D("39200.00")
    rows = entries(s)
    assert amounts(rows) == [("OT-ORD", "accrual", D("588.00"))]
    assert (rows[0]["period"], rows[0]["policy_version"], D(rows[0]["rate"])) == (
        "2026-11",
        1,
        D("1.5"),
    )
    assert D(rows[0]["base_amount"]) == D("39200.00") and rows[0]["kind_label"] == "计提"


def test_a_customers_own_policy_takes_the_place_of_its_levels(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    s.fund("1000000.00")
    policy(s, policy_no="OT-LEVEL", kind="order_total", level="ordinary", rate="1.00")
    policy(s, policy_no="OT-OWN", kind="order_total", customer_id=str(s.account_id), rate="2.00")
    settle(s, [(coil, "10.000")])  # 40,000.00 × 2 % = 800.00; the level's 1 % does not apply
    assert amounts(entries(s)) == [("OT-OWN", "accrual", D("800.00"))]


def test_category_and_special_product_rates_stack_on_the_order_total(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    wire = s.listing(quantity="200.000", price="4500.00", category="WIRE")
    s.fund("1000000.00")
    s.fund("1000000.00", category="WIRE", reference="BANK-2")
    with_wire = ok(s.api.get(f"/listings/{wire}", s.buyer))["product"]["product_id"]
    policy(s, policy_no="OT", kind="order_total", level="ordinary", rate="1.00")
    policy(s, policy_no="CAT-HRC", kind="category", level="ordinary", category="HRC", rate="0.50")
    policy(s, policy_no="SP-WIRE", kind="special", product_id=with_wire, rate="1.25")
    # two contracts (one per category):
    #   HRC  10 t × 4,000.00 = 40,000.00: order total 1 % = 400.00, category 0.5 % = 200.00
    #   WIRE  4 t × 4,500.00 = 18,000.00: order total 1 % = 180.00, special 1.25 % = 225.00
    settle(s, [(coil, "10.000"), (wire, "4.000")])
    got = sorted(amounts(entries(s)))
    assert got == sorted(
        [
            ("OT", "accrual", D("400.00")),
            ("CAT-HRC", "accrual", D("200.00")),
            ("OT", "accrual", D("180.00")),
            ("SP-WIRE", "accrual", D("225.00")),
        ]
    )
    statement = read(s, "/rebates/statement", s.buyer)
    by_policy = {row["policy_no"]: D(row["accrued"]) for row in statement}
    assert by_policy == {"OT": D("580.00"), "CAT-HRC": D("200.00"), "SP-WIRE": D("225.00")}
    assert all(D(row["credited"]) == 0 for row in statement)


def _tiers(s, whole_period: bool) -> None:  # type: ignore[no-untyped-def]
    policy(
        s,
        policy_no="TIER",
        kind="monthly_tier",
        customer_id=str(s.account_id),
        measure="tonnes",
        whole_period=whole_period,
        tiers=[
            {"lower": "20.000", "upper": "50.000", "rate": "1.00"},
            {"lower": "50.000", "rate": "2.00"},
        ],
    )


def test_a_tier_crossed_mid_month_applies_to_the_whole_month(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    s.fund("1000000.00")
    _tiers(s, whole_period=True)
    at(s, "2026-11-26T02:00")
    settle(s, [(coil, "15.000")])  # 15 t: below the first tier (20 t): nothing yet
    progress = read(s, "/rebates/tiers", s.buyer)[0]
    assert (D(progress["tonnes"]), progress["tier_rate"], D(progress["to_go"])) == (
        D("15.000"), None, D("5.000"),
    )  # fmt: skip
    at(s, "2026-11-28T02:00")
    # 15 + 10 = 25 t, 100,000.00: the 1 % tier on the whole month = 1,000.00
    settle(s, [(coil, "10.000")])
    assert amounts(entries(s)) == [("TIER", "accrual", D("1000.00"))]
    progress = read(s, "/rebates/tiers", s.manager)[0]
    assert (D(progress["tier_rate"]), D(progress["next_lower"]), D(progress["to_go"])) == (
        D("1"), D("50"), D("25.000"),
    )  # fmt: skip
    assert D(progress["accrued"]) == D("1000.00")


def test_a_tier_above_the_threshold_rebates_only_what_lies_above_it(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    s.fund("1000000.00")
    _tiers(s, whole_period=False)
    settle(s, [(coil, "15.000")])  # 15 t: nothing
    settle(s, [(coil, "10.000")])
    # 25 t, 100,000.00: 5 t above 20 t at the month's average 4,000.00/t = 20,000.00 × 1 % = 200.00
    settle(s, [(coil, "30.000")])
    # 55 t, 220,000.00 (4,000.00/t): 30 t in the 1 % tier (1,200.00) + 5 t in the 2 % tier
    # (400.00) = 1,600.00 in all; so this contract adds 1,400.00
    assert amounts(entries(s)) == [
        ("TIER", "accrual", D("200.00")),
        ("TIER", "accrual", D("1400.00")),
    ]


def test_each_entry_names_the_version_in_force_on_its_day(api: Api) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    s.fund("1000000.00")
    made = policy(s, policy_no="OT", kind="order_total", level="ordinary", rate="1.00")
    at(s, "2026-11-26T02:00")
    settle(s, [(coil, "10.000")])  # version 1: 40,000.00 × 1 % = 400.00
    revised = ok(
        api.post(
            f"/rebates/policies/{made['policy_id']}/versions",
            s.finance,
            json={"valid_from": "2026-11-27", "rate": "1.20"},
        ),
        201,
    )
    assert [v["valid_to"] for v in revised["versions"]] == ["2026-11-26", None]
    at(s, "2026-11-27T02:00")
    settle(s, [(coil, "10.000")])  # version 2: 40,000.00 × 1.2 % = 480.00
    rows = entries(s)
    assert [(r["policy_version"], D(r["amount"])) for r in rows] == [
        (1, D("400.00")),
        (2, D("480.00")),
    ]


def test_an_annual_amount_tier_accrues_over_months_and_the_year_close_credits_it(
    api: Api,
) -> None:
    s = stage(api)
    coil = s.listing(quantity="200.000", price="4000.00")
    s.fund("1000000.00")
    policy(
        s,
        policy_no="YEAR",
        kind="annual_tier",
        customer_id=str(s.account_id),
        measure="amount",
        tiers=[{"lower": "100000.00", "rate": "1.00"}],
    )
    settle(s, [(coil, "10.000")])  # November: 40,000.00, below the 100,000.00 tier: nothing
    at(s, "2026-12-02T02:00")
    # December: + 80,000.00 = 120,000.00 for 2026: 1 % of the whole year = 1,200.00
    settle(s, [(coil, "20.000")])
    rows = entries(s)
    assert [(r["period"], D(r["amount"])) for r in rows] == [("2026", D("1200.00"))]
    ok(api.post("/rebates/periods/2026-11/close", s.finance))  # a month: nothing of the year's
    assert rebate_bucket(s) == D("0")
    at(s, "2027-01-02T02:00")
    closed = ok(api.post("/rebates/periods/2026/close", s.finance))
    assert [(c["credited"], c["reference"]) for c in closed["credits"]] == [
        ("1200.00", "rebate:2026")
    ]
    assert rebate_bucket(s) == D("1200.00")
