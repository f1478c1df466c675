"""The intent tracking read model, fed through HTTP with intents in every state: each row equals
what the intent's own history says (``IntentService.get``), the managers' scope follows the
binding, and a rebuild gives the same rows. Runs on SQLite, and on PostgreSQL under
scripts/test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain.access import Scope
from domain.context import FrozenClock, Role
from interfaces.api.app import create_app
from interfaces.config import Settings
from interfaces.wiring import Services
from projections.intents import IntentTrackingProjection
from tests.adapters import CapturingSms
from tests.api.conftest import Api
from tests.api.intent_support import REQUEST, IntentStage, intent_stage, ok
from tests.api.trading_support import acting_as

EVERYONE = Scope()


@pytest.fixture
def api(settings: Settings) -> Iterator[Api]:
    clock, sms = FrozenClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC)), CapturingSms()
    services = Services.build(settings, clock=clock, sms=sms)
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, clock, sms)
    services.close()


def _every_state(i: IntentStage) -> dict[str, str]:
    """An intent in each state the API can leave one in, by name."""
    api, s = i.api, i.s
    converted = i.in_review()
    ok(i.review(converted, i.supervisor, decision="approve", score=90, comment="ok"))
    ok(i.review(converted, s.operator, decision="approve", score=80))
    in_review = i.in_review()
    ok(i.review(in_review, i.supervisor, decision="approve", score=60))
    reviewer_rejected = i.in_review()
    ok(i.review(reviewer_rejected, i.supervisor, decision="reject", comment="too wide"))
    confirmed = i.in_review()
    supplemented = i.submit()["intent_id"]
    i.supplement(supplemented)
    i.supplement(supplemented, unit_price="4199.99", terms="all before despatch")
    submitted = i.submit(quantity="12.345")["intent_id"]
    rejected = i.submit()["intent_id"]
    ok(api.post(f"/intents/{rejected}/reject", s.manager, json={"reason": "no slot"}))
    withdrawn = i.submit()["intent_id"]
    ok(api.post(f"/intents/{withdrawn}/withdraw", s.buyer, json={"reason": "changed plan"}))
    return {
        "converted": converted,
        "in_review": in_review,
        "reviewer_rejected": reviewer_rejected,
        "confirmed": confirmed,
        "supplemented": supplemented,
        "submitted": submitted,
        "rejected": rejected,
        "withdrawn": withdrawn,
    }


def _as_history_says(i: IntentStage, intent_id: str) -> dict[str, Any]:
    with acting_as(i.api, i.s.operator_id, Role.OPERATOR):
        return i.api.services.intents.get(UUID(intent_id))


def test_every_row_agrees_with_its_intents_history(api: Api) -> None:
    i = intent_stage(api)
    made = _every_state(i)
    api.services.projections.catch_up()
    view = api.services.intent_tracking
    for name, intent_id in made.items():
        row = view.intent(EVERYONE, UUID(intent_id))
        assert row == _as_history_says(i, intent_id), name
    states = {name: view.intent(EVERYONE, UUID(x))["state"] for name, x in made.items()}  # type: ignore[index]
    assert states == {
        "converted": "converted",
        "in_review": "in_review",
        "reviewer_rejected": "rejected",
        "confirmed": "confirmed",
        "supplemented": "supplemented",
        "submitted": "submitted",
        "rejected": "rejected",
        "withdrawn": "withdrawn",
    }
    count, rows = view.intents(EVERYONE, {"state": "rejected"})
    assert count == 2 and {r["rejection_reason"] for r in rows} == {"too wide", "no slot"}
    supplemented = view.intent(EVERYONE, UUID(made["supplemented"]))
    assert supplemented is not None
    assert (supplemented["supplement_version"], str(supplemented["amount"])) == (2, "2099995.00")
    assert str(view.intent(EVERYONE, UUID(made["submitted"]))["quantity"]) == "12.345"  # type: ignore[index]


def test_a_manager_sees_its_bound_customers_intents_only(api: Api) -> None:
    i = intent_stage(api)
    north_id, north = api.enroll("13900000005", Role.MANAGER, "north")
    api.import_registry(i.s.operator, (2, "north"))
    other_id, other = api.register("13800000002")
    ok(api.post(f"/accounts/{other_id}/company", other, json=api.company(2, "north")))
    mine = i.submit()["intent_id"]
    theirs = ok(api.post("/intents", other, json=REQUEST), 201)
    east = ok(api.get(f"/intents?wait_for={theirs['position']}", i.s.manager))
    assert [row["intent_id"] for row in east["data"]] == [mine]
    assert [row["intent_id"] for row in ok(api.get("/intents", north))["data"]] == [
        theirs["intent_id"]
    ]
    # a supervisor sees its team's customers only (issue 11): the north manager joins it
    assert ok(api.get("/intents", i.supervisor))["count"] == 1
    team = {"lead_id": str(i.supervisor_id)}
    ok(api.post(f"/staff/{north_id}/team", i.s.operator, json=team))
    assert ok(api.get("/intents", i.supervisor))["count"] == 2
    count, _ = api.services.intent_tracking.intents(Scope(manager_id=north_id), {})
    assert count == 1


def test_a_rebuild_gives_the_same_rows(api: Api) -> None:
    i = intent_stage(api)
    _every_state(i)
    runner = api.services.projections
    runner.catch_up()
    projection = IntentTrackingProjection()
    before = projection.digest(api.services.views)
    assert runner.rebuild("intents") > 0
    assert projection.digest(api.services.views) == before
