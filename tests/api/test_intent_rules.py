"""Futures intent rules through HTTP: each bad input answers its problem code and writes
nothing; each step only by its actor; another company's intent, or a manager's unbound
customer's, is 404; rejection and withdrawal end an intent with their reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.context import FrozenClock, Role
from interfaces.api.app import create_app
from interfaces.config import Settings
from interfaces.wiring import Services
from tests.adapters import CapturingSms
from tests.api.conftest import Api
from tests.api.intent_support import (
    REQUEST,
    SPECS,
    SUPPLEMENT,
    IntentStage,
    intent_stage,
    ok,
    refused,
)


@pytest.fixture
def i(api: Api) -> IntentStage:
    return intent_stage(api)


def _writes_nothing(
    i: IntentStage, status: int, code: str, send: Callable[..., Any], *args: Any, **kwargs: Any
) -> dict[str, Any]:
    """``send(*args, **kwargs)`` is refused with ``code`` and the store's head does not move."""
    head = i.api.services.ledger.head()
    body = refused(send(*args, **kwargs), status, code)
    assert i.api.services.ledger.head() == head
    return body


# ---- the request against the category's template ----------------------------------------------
def test_an_intent_missing_a_required_specification_is_refused(i: IntentStage) -> None:
    specs = {k: v for k, v in SPECS.items() if k != "thickness"}
    body = _writes_nothing(
        i,
        422,
        "missing_specification",
        i.api.post,
        "/intents",
        i.s.buyer,
        json=REQUEST | {"specifications": specs},
    )
    assert body["missing"] == ["thickness"]


def test_an_intent_with_a_specification_the_template_does_not_know_is_refused(
    i: IntentStage,
) -> None:
    specs = SPECS | {"colour": "blue"}
    body = _writes_nothing(
        i,
        422,
        "unknown_specification",
        i.api.post,
        "/intents",
        i.s.buyer,
        json=REQUEST | {"specifications": specs},
    )
    assert body["unknown"] == ["colour"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"category": "NOPE"}, "unknown_category"),
        ({"category": "STEEL"}, "not_a_leaf_category"),
        ({"quantity": "0.000"}, "invalid_quantity"),
        ({"quantity": "1.2345"}, "invalid_quantity"),
        ({"delivery_month": "2026-10"}, "invalid_delivery_month"),
    ],
)
def test_a_bad_request_is_refused(i: IntentStage, change: dict[str, str], code: str) -> None:
    _writes_nothing(i, 422, code, i.api.post, "/intents", i.s.buyer, json=REQUEST | change)


def test_staff_cannot_submit_for_a_customer(i: IntentStage) -> None:
    body = REQUEST | {"account_id": str(i.s.account_id)}
    _writes_nothing(i, 404, "not_found", i.api.post, "/intents", i.s.manager, json=body)


def test_a_member_needs_the_intents_permission(i: IntentStage) -> None:
    api, s = i.api, i.s
    role = ok(
        api.post(
            f"/accounts/{s.account_id}/roles",
            s.buyer,
            json={"name": "Orders only", "permissions": ["orders.place"]},
        ),
        201,
    )["role_id"]
    member = {"phone": "13800000011", "name": "Li", "password": "Secret-123", "role_ids": [role]}
    ok(api.post(f"/accounts/{s.account_id}/members", s.buyer, json=member), 201)
    token = api.login("13800000011")
    _writes_nothing(i, 403, "forbidden", api.post, "/intents", token, json=REQUEST)
    ok(
        api.post(
            f"/accounts/{s.account_id}/roles/{role}",
            s.buyer,
            json={"permissions": ["intents.manage"]},
        )
    )
    assert ok(api.post("/intents", token, json=REQUEST), 201)["state"] == "submitted"


# ---- the supplement and the customer's confirmation -------------------------------------------
def test_confirming_before_the_supplement_is_refused(i: IntentStage) -> None:
    intent_id = i.submit()["intent_id"]
    _writes_nothing(
        i, 409, "not_supplemented", i.api.post, f"/intents/{intent_id}/confirm", i.s.buyer, json={}
    )


def test_confirming_a_supplement_that_changed_since_is_refused(i: IntentStage) -> None:
    intent_id = i.submit()["intent_id"]
    i.supplement(intent_id)
    again = i.supplement(intent_id, unit_price="4100.00")
    assert (again["supplement_version"], again["amount"]) == (2, "2050000.00")
    body = _writes_nothing(
        i,
        409,
        "supplement_changed",
        i.api.post,
        f"/intents/{intent_id}/confirm",
        i.s.buyer,
        json={"supplement_version": 1},
    )
    assert body["version"] == 2
    assert i.confirm(intent_id, supplement_version=2)["state"] == "confirmed"


def test_a_manager_not_bound_to_the_customer_sees_nothing(i: IntentStage) -> None:
    _, north = i.api.enroll("13900000005", Role.MANAGER, "north")
    intent_id = i.submit()["intent_id"]
    for action, body in (("supplement", _supplement()), ("reject", {"reason": "x"})):
        _writes_nothing(
            i, 404, "not_found", i.api.post, f"/intents/{intent_id}/{action}", north, json=body
        )
    refused(i.api.get(f"/intents/{intent_id}", north), 404, "not_found")
    assert ok(i.api.get("/intents", north))["count"] == 0


def test_only_the_customers_manager_supplements(i: IntentStage) -> None:
    intent_id = i.submit()["intent_id"]
    for token in (i.s.buyer, i.supervisor, i.s.operator):
        _writes_nothing(
            i,
            403,
            "forbidden",
            i.api.post,
            f"/intents/{intent_id}/supplement",
            token,
            json=_supplement(),
        )


def test_a_supplement_needs_a_week_before_the_delivery_month_ends(i: IntentStage) -> None:
    intent_id = i.submit()["intent_id"]
    for week in ("2027-W06", "2026-W40", "week 51"):
        _writes_nothing(
            i,
            422,
            "invalid_production_week",
            i.api.post,
            f"/intents/{intent_id}/supplement",
            i.s.manager,
            json=_supplement() | {"production_week": week},
        )


# ---- the review chain: in turn, by the level's role -------------------------------------------
def test_approving_out_of_turn_is_refused(i: IntentStage) -> None:
    intent_id = i.in_review()
    body = _writes_nothing(
        i, 409, "out_of_turn", i.review, intent_id, i.s.operator, decision="approve", score=80
    )
    assert body["expected_level"] == 1
    _writes_nothing(
        i,
        403,
        "wrong_reviewer",
        i.review,
        intent_id,
        i.supervisor,
        decision="approve",
        score=80,
        level=2,
    )


@pytest.mark.parametrize("who", ["finance", "manager", "buyer"])
def test_approving_with_a_role_that_is_not_the_levels_is_refused(i: IntentStage, who: str) -> None:
    tokens = {"manager": i.s.manager, "buyer": i.s.buyer, "finance": i.s.finance}
    intent_id = i.in_review()
    body = _writes_nothing(
        i, 403, "wrong_reviewer", i.review, intent_id, tokens[who], decision="approve", score=80
    )
    assert body["role_required"] == "supervisor"


def test_a_level_cannot_approve_twice_or_without_a_score(i: IntentStage) -> None:
    intent_id = i.in_review()
    for score in (None, 101, -1):
        _writes_nothing(
            i,
            422,
            "invalid_score",
            i.review,
            intent_id,
            i.supervisor,
            decision="approve",
            score=score,
        )
    ok(i.review(intent_id, i.supervisor, decision="approve", score=90))
    _writes_nothing(
        i,
        409,
        "out_of_turn",
        i.review,
        intent_id,
        i.supervisor,
        decision="approve",
        score=90,
        level=1,
    )


def test_reviewing_before_the_customer_confirms_is_refused(i: IntentStage) -> None:
    intent_id = i.submit()["intent_id"]
    i.supplement(intent_id)
    _writes_nothing(
        i,
        409,
        "invalid_transition",
        i.review,
        intent_id,
        i.supervisor,
        decision="approve",
        score=80,
    )


# ---- rejection and withdrawal -----------------------------------------------------------------
def test_a_reviewer_rejects_with_a_reason_and_it_ends_there(i: IntentStage) -> None:
    intent_id = i.in_review()
    _writes_nothing(i, 422, "reason_required", i.review, intent_id, i.supervisor, decision="reject")
    rejected = ok(i.review(intent_id, i.supervisor, decision="reject", comment="no capacity"))
    assert (rejected["state"], rejected["state_label"]) == ("rejected", "已驳回")
    row = ok(i.api.get(f"/intents?wait_for={rejected['position']}", i.s.buyer))["data"][0]
    assert row["rejection_reason"] == "no capacity" and row["contract_id"] is None
    assert [r["decision"] for r in row["reviews"]] == ["rejected", "pending"]
    _writes_nothing(
        i,
        409,
        "invalid_transition",
        i.review,
        intent_id,
        i.s.operator,
        decision="approve",
        score=80,
        level=2,
    )


def test_the_manager_rejects_before_the_confirmation_only(i: IntentStage) -> None:
    intent_id = i.submit()["intent_id"]
    rejected = ok(i.api.post(f"/intents/{intent_id}/reject", i.s.manager, json={"reason": "no"}))
    assert rejected["state_label"] == "已驳回"
    confirmed = i.in_review()
    _writes_nothing(
        i,
        403,
        "wrong_reviewer",
        i.api.post,
        f"/intents/{confirmed}/reject",
        i.s.manager,
        json={"reason": "no"},
    )


def test_the_customer_withdraws_before_its_confirmation_only(i: IntentStage) -> None:
    intent_id = i.submit()["intent_id"]
    i.supplement(intent_id)
    path = f"/intents/{intent_id}/withdraw"
    _writes_nothing(i, 404, "not_found", i.api.post, path, i.s.manager, json={"reason": "x"})
    withdrawn = ok(i.api.post(path, i.s.buyer, json={"reason": "bought spot instead"}))
    assert (withdrawn["state"], withdrawn["state_label"]) == ("withdrawn", "已撤回")
    confirmed = i.in_review()
    _writes_nothing(
        i,
        409,
        "invalid_transition",
        i.api.post,
        f"/intents/{confirmed}/withdraw",
        i.s.buyer,
        json={},
    )
    listed = ok(i.api.get(f"/intents?state=withdrawn&wait_for={withdrawn['position']}", i.s.buyer))
    assert [row["withdrawal_reason"] for row in listed["data"]] == ["bought spot instead"]


# ---- visibility -------------------------------------------------------------------------------
def test_another_companys_intent_is_not_found(i: IntentStage) -> None:
    api = i.api
    api.import_registry(i.s.operator, (2, "east"))
    other_id, other = api.register("13800000002")
    ok(api.post(f"/accounts/{other_id}/company", other, json=api.company(2, "east")))
    mine = i.submit()
    theirs = ok(api.post("/intents", other, json=REQUEST), 201)
    refused(api.get(f"/intents/{theirs['intent_id']}", i.s.buyer), 404, "not_found")
    _writes_nothing(
        i,
        404,
        "not_found",
        api.post,
        f"/intents/{theirs['intent_id']}/withdraw",
        i.s.buyer,
        json={},
    )
    listed = ok(api.get(f"/intents?wait_for={theirs['position']}", i.s.buyer))
    assert [row["intent_id"] for row in listed["data"]] == [mine["intent_id"]]
    refused(api.get(f"/intents?company_id={other_id}", i.s.buyer), 404, "not_found")
    # the manager bound to both sees both; staff see all
    assert ok(api.get("/intents", i.s.manager))["count"] == 2
    assert ok(api.get(f"/intents?company_id={other_id}", i.supervisor))["count"] == 1


def _supplement() -> dict[str, str]:
    return dict(SUPPLEMENT)


# ---- the configured review chain --------------------------------------------------------------
def test_a_one_level_chain_by_finance_converts_on_its_approval(
    settings: Settings, clock: FrozenClock
) -> None:
    one_level = replace(settings, intent_review_chain=("finance",))
    services = Services.build(one_level, clock=clock, sms=CapturingSms())
    with TestClient(create_app(one_level, services)) as client:
        i = intent_stage(Api(client, services, clock, CapturingSms()))
        intent_id = i.in_review()
        refused(
            i.review(intent_id, i.supervisor, decision="approve", score=90), 403, "wrong_reviewer"
        )
        done = ok(i.review(intent_id, i.s.finance, decision="approve", score=90))
        assert (done["state"], done["next_role"]) == ("converted", None)
        assert done["contract_id"] is not None
    services.close()
