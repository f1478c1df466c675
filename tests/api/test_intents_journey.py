"""The futures intent journey through HTTP, every step by its own actor: the customer submits
→ its manager supplements → the customer confirms → the sales supervisor and then production
planning (an operator) approve with scores → the contract exists → the seller makes it
effective → the customer confirms it by its digest → pays → established (订单建立)."""

from __future__ import annotations

from decimal import Decimal

from tests.api.conftest import Api
from tests.api.intent_support import SPECS, intent_stage, ok


def test_a_futures_intent_becomes_an_established_contract(api: Api) -> None:
    i = intent_stage(api)
    s = i.s

    submitted = i.submit()
    intent_id = submitted["intent_id"]
    assert (submitted["state"], submitted["state_label"]) == ("submitted", "意向提报")
    assert submitted["intent_no"].startswith("FI20261126")

    supplemented = i.supplement(intent_id)
    assert (supplemented["state_label"], supplemented["supplement_version"]) == ("意向补充", 1)
    assert supplemented["amount"] == "2075000.00"  # 500.000 t × 4,150.00

    confirmed = i.confirm(intent_id, supplement_version=1)
    assert (confirmed["state"], confirmed["state_label"]) == ("confirmed", "客户确认")
    assert (confirmed["next_level"], confirmed["next_role"]) == (1, "supervisor")

    first = ok(i.review(intent_id, i.supervisor, decision="approve", score=85, comment="good"))
    assert (first["state"], first["state_label"]) == ("in_review", "评审中")
    assert (first["next_level"], first["next_role"]) == (2, "operator")
    assert first["contract_id"] is None

    last = ok(i.review(intent_id, s.operator, decision="approve", score=70, comment="week 51"))
    assert (last["state"], last["state_label"]) == ("converted", "已转合同")
    contract_id = last["contract_id"]
    assert last["contract_no"] == submitted["intent_no"]

    # the contract, in the existing contract flow: generated from the intent
    contract = ok(api.get(f"/contracts/{contract_id}", s.buyer))
    assert (contract["state"], contract["total"]) == ("generated", "2075000.00")
    assert "2026-W51" in contract["text"] and "30% prepay" in contract["text"]
    [line] = contract["lines"]
    assert (line["quantity"], line["unit_price"], line["category"]) == (
        "500.000",
        "4150.00",
        "HRC",
    )

    ok(api.post(f"/contracts/{contract_id}/effect", s.manager))
    signed = ok(
        api.post(f"/contracts/{contract_id}/confirm", s.buyer, json={"digest": contract["digest"]})
    )
    assert signed["state"] == "confirmed"
    s.fund("2100000.00")
    paid = ok(api.post(f"/contracts/{contract_id}/pay", s.buyer))
    assert (paid["state"], paid["state_label"]) == ("established", "订单建立")
    assert s.statement()["available_to_order"] == Decimal("25000.00")  # 2,100,000 − 2,075,000

    # tracking: the intent with its steps and contract, as its history says
    listed = ok(api.get(f"/intents?wait_for={paid['position']}", s.buyer))
    assert listed["count"] == 1
    [row] = listed["data"]
    assert row == ok(api.get(f"/intents/{intent_id}", s.buyer))
    assert (row["state"], row["state_label"], row["contract_id"]) == (
        "converted",
        "已转合同",
        contract_id,
    )
    assert row["specifications"] == SPECS and row["quantity"] == "500.000"
    assert (row["unit_price"], row["production_week"], row["amount"]) == (
        "4150.00",
        "2026-W51",
        "2075000.00",
    )
    assert row["submitted_by"] is not None and row["company_name"] == "Company 1"
    steps = [(r["level"], r["role"], r["decision"], r["score"]) for r in row["reviews"]]
    assert steps == [(1, "supervisor", "approved", 85), (2, "operator", "approved", 70)]
    assert row["reviews"][0]["reviewer_id"] == str(i.supervisor_id)
    assert row["reviews"][1]["comment"] == "week 51"

    tracked = ok(api.get(f"/tracking/contracts/{contract_id}?wait_for={paid['position']}", s.buyer))
    assert (tracked["source_kind"], tracked["state"]) == ("intent", "established")
    for viewer in (s.manager, i.supervisor, s.operator):
        assert ok(api.get("/intents", viewer))["count"] == 1
