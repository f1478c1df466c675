"""Corrections by compensating entries (an accepted objection's compensation, a return), the
period close crediting funds once (twice, and two closes at once from two processes' worth of
services), late corrections landing in the next open period, and a closed period's policies."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import context
from domain.context import CommandContext, Role
from domain.errors import DomainError
from interfaces.config import Settings
from interfaces.wiring import Services
from tests.api.conftest import Api
from tests.api.trading_support import Stage, stage
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


def _objection(s: Stage, contract_id: str, compensation: str) -> None:
    filed = ok(
        s.api.post(
            f"/contracts/{contract_id}/objections",
            s.buyer,
            json={"kind": "quality", "claimed": compensation, "description": "edge cracks"},
        ),
        201,
    )
    ok(
        s.api.post(
            f"/contracts/{contract_id}/objections/{filed['objection_id']}",
            s.finance,
            json={"decision": "accept", "compensation": compensation},
        )
    )


def _ordinary_1_5(s: Stage) -> UUID:
    coil = s.listing(quantity="300.000", price="4000.00")
    s.fund("2000000.00")
    policy(s, policy_no="OT", kind="order_total", level="ordinary", rate="1.50")
    return coil


def test_an_accepted_compensation_takes_back_its_share_by_a_compensating_entry(api: Api) -> None:
    s = stage(api)
    coil = _ordinary_1_5(s)
    contract = settle(s, [(coil, "10.000")])[0]  # 40,000.00 × 1.5 % = 600.00
    _objection(s, contract["contract_id"], "2000.00")
    # the base is now 38,000.00: 1.5 % = 570.00, so a correction of −30.00; the accrual stays
    rows = entries(s)
    assert amounts(rows) == [("OT", "accrual", D("600.00")), ("OT", "correction", D("-30.00"))]
    assert D(rows[1]["base_amount"]) == D("38000.00") and rows[1]["kind_label"] == "冲正"
    statement = read(s, "/rebates/statement", s.buyer)
    assert [D(r["accrued"]) for r in statement] == [D("570.00")]


def test_a_return_corrects_the_tier_and_the_percentage(api: Api) -> None:
    s = stage(api)
    coil = _ordinary_1_5(s)
    policy(
        s,
        policy_no="TIER",
        kind="monthly_tier",
        customer_id=str(s.account_id),
        measure="tonnes",
        tiers=[{"lower": "20.000", "rate": "1.00"}],
    )
    contract = settle(s, [(coil, "25.000")])[0]
    # 25 t × 4,000.00 = 100,000.00: order total 1.5 % = 1,500.00; tier (from 20 t, whole
    # month) 1 % = 1,000.00
    order_id = contract["order_id"]
    asked = ok(
        api.post(
            f"/orders/{order_id}/returns",
            s.buyer,
            json={"lines": [{"line_no": 1, "quantity": "6.000"}], "reason": "wrong grade"},
        ),
        201,
    )["return_id"]
    path = f"/orders/{order_id}/returns/{asked}"
    ok(api.post(f"{path}/review", s.operator, json={"decision": "approve"}))
    ok(api.post(f"{path}/receive", s.integration))
    ok(api.post(f"{path}/refund", s.finance))
    # 6 t back (24,000.00): 76,000.00 × 1.5 % = 1,140.00 (−360.00); 19 t is below the tier:
    # its 1,000.00 is taken back
    got = sorted(amounts(entries(s)))
    assert got == sorted(
        [
            ("OT", "accrual", D("1500.00")),
            ("TIER", "accrual", D("1000.00")),
            ("OT", "correction", D("-360.00")),
            ("TIER", "correction", D("-1000.00")),
        ]
    )
    tier = read(s, "/rebates/tiers", s.buyer)[0]
    assert (D(tier["tonnes"]), D(tier["to_go"]), tier["tier_rate"]) == (
        D("19.000"),
        D("1.000"),
        None,
    )


def test_closing_the_month_credits_the_rebate_bucket_once(api: Api) -> None:
    s = stage(api)
    coil = _ordinary_1_5(s)
    settle(s, [(coil, "10.000")])  # 600.00 in 2026-11
    early = api.post("/rebates/periods/2026-11/close", s.finance)
    assert early.status_code == 409 and early.json()["code"] == "period_not_over"
    at(s, "2026-12-01T02:00")
    closed = ok(api.post("/rebates/periods/2026-11/close", s.finance))
    assert closed["credits"] == [
        {
            "company_id": str(s.account_id),
            "credited": "600.00",
            "carried": "0.00",
            "reference": "rebate:2026-11",
        }
    ]
    assert rebate_bucket(s) == D("600.00")
    head = api.services.ledger.head()
    again = api.post("/rebates/periods/2026-11/close", s.finance)
    assert again.status_code == 409 and again.json()["code"] == "period_closed"
    assert api.services.ledger.head() == head and rebate_bucket(s) == D("600.00")
    statement = read(s, "/rebates/statement", s.buyer, period="2026-11")
    assert [(D(r["accrued"]), D(r["credited"]), r["closed"]) for r in statement] == [
        (D("600.00"), D("600.00"), True)
    ]
    journal = ok(api.get(f"/funds/{s.account_id}/journal", s.finance, params={"wait_for": head}))
    assert [e["reference"] for e in journal["data"] if e["kind"] == "rebate_credited"] == [
        "rebate:2026-11"
    ]


def test_the_closes_funds_reference_is_spent_for_manual_credits_too(api: Api) -> None:
    s = stage(api)
    coil = _ordinary_1_5(s)
    settle(s, [(coil, "10.000")])
    at(s, "2026-12-01T02:00")
    ok(api.post("/rebates/periods/2026-11/close", s.finance))
    again = api.post(
        f"/funds/{s.account_id}/rebate-credits",
        s.finance,
        json={"amount": "1.00", "reference": "rebate:2026-11"},
    )
    assert again.status_code == 409 and again.json()["code"] == "rebate_reference_conflict"
    assert rebate_bucket(s) == D("600.00")


def test_a_late_correction_lands_in_the_next_open_month_and_says_so(api: Api) -> None:
    s = stage(api)
    coil = _ordinary_1_5(s)
    contract = settle(s, [(coil, "10.000")])[0]
    at(s, "2026-12-01T02:00")
    ok(api.post("/rebates/periods/2026-11/close", s.finance))
    _objection(s, contract["contract_id"], "2000.00")
    late = entries(s)[-1]
    assert (late["kind"], late["period"], late["origin_period"], D(late["amount"])) == (
        "correction", "2026-12", "2026-11", D("-30.00"),
    )  # fmt: skip
    assert "2026-11 is closed: posted in 2026-12" in late["note"]


def test_a_policy_may_not_be_revised_into_a_closed_month(api: Api) -> None:
    s = stage(api)
    coil = _ordinary_1_5(s)
    settle(s, [(coil, "10.000")])
    at(s, "2026-12-01T02:00")
    ok(api.post("/rebates/periods/2026-11/close", s.finance))
    made = read(s, "/rebates/policies", s.finance)[0]
    head = api.services.ledger.head()
    refused = api.post(
        f"/rebates/policies/{made['policy_id']}/versions",
        s.finance,
        json={"valid_from": "2026-11-15", "rate": "3.00"},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "period_closed"
    new = api.post(
        "/rebates/policies",
        s.finance,
        json={"policy_no": "LATE", "name": "late", "kind": "order_total", "level": "vip",
              "rate": "1.00", "valid_from": "2026-11-30"},
    )  # fmt: skip
    assert new.status_code == 409 and new.json()["code"] == "period_closed"
    assert api.services.ledger.head() == head
    ok(
        api.post(
            f"/rebates/policies/{made['policy_id']}/versions",
            s.finance,
            json={"valid_from": "2026-12-01", "rate": "3.00"},
        ),
        201,
    )


def test_two_closes_at_once_credit_funds_once(api: Api, pg_settings: Settings) -> None:
    s = stage(api)
    coil = _ordinary_1_5(s)
    settle(s, [(coil, "10.000")])
    at(s, "2026-12-01T02:00")
    other = Services.build(pg_settings, clock=api.clock, create_tables=False)
    try:
        results = _race(s, [api.services, other])
    finally:
        other.close()
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(results) == 2 and [r.code for r in refused] == ["period_closed"], refused
    assert rebate_bucket(s) == D("600.00")


def _race(s: Stage, services: list[Services]) -> list[Any]:
    """Each set of services (its own event store connection, runner and cache, like another
    process) closes 2026-11 at the same moment."""
    start, results = threading.Barrier(len(services)), []

    def close(svc: Services) -> None:
        actor = svc.identity.actor_for(s.finance_id, Role.FINANCE, None)
        with context.acting(CommandContext(actor=actor, clock=s.api.clock)):
            start.wait()
            try:
                results.append(svc.rebates.close_period("2026-11"))
            except DomainError as error:
                results.append(error)

    threads = [threading.Thread(target=close, args=(svc,)) for svc in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
