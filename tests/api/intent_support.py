"""The stage for futures intent tests: a certified customer bound to the east manager, the
default catalog, a sales supervisor (review level 1) and an operator (level 2, production
planning), and the requests of each step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.context import Role
from tests.api.conftest import Api
from tests.api.trading_support import Stage, stage

SPECS = {"grade": "Q235B", "standard": "GB/T 3274", "thickness": "4.75", "width": "1500"}
REQUEST: dict[str, Any] = {
    "category": "HRC",
    "specifications": SPECS,
    "quantity": "500.000",
    "delivery_address": "1 Harbour Road, Qingdao",
    "delivery_month": "2027-01",
}
SUPPLEMENT = {
    "unit_price": "4150.00",
    "production_week": "2026-W51",
    "terms": "30% prepay, rest before despatch",
}


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


@dataclass
class IntentStage:
    s: Stage
    supervisor_id: UUID
    supervisor: str

    @property
    def api(self) -> Api:
        return self.s.api

    def submit(self, **changes: Any) -> dict[str, Any]:
        return ok(self.api.post("/intents", self.s.buyer, json=REQUEST | changes), 201)

    def supplement(self, intent_id: str, **changes: Any) -> dict[str, Any]:
        body = SUPPLEMENT | changes
        return ok(self.api.post(f"/intents/{intent_id}/supplement", self.s.manager, json=body))

    def confirm(self, intent_id: str, **body: Any) -> dict[str, Any]:
        return ok(self.api.post(f"/intents/{intent_id}/confirm", self.s.buyer, json=body))

    def review(self, intent_id: str, token: str, **body: Any) -> Any:
        return self.api.post(f"/intents/{intent_id}/review", token, json=body)

    def in_review(self) -> str:
        """An intent submitted, supplemented and confirmed: level 1 (supervisor) awaited."""
        intent_id = str(self.submit()["intent_id"])
        self.supplement(intent_id)
        self.confirm(intent_id)
        return intent_id


def intent_stage(api: Api) -> IntentStage:
    s = stage(api)
    ok(api.post("/catalog/categories/defaults", s.operator), 200)
    supervisor_id, supervisor = api.enroll("13900000006", Role.SUPERVISOR)
    # a supervisor sees (and reviews) its team's customers only (issue 11): the manager's team
    team = {"lead_id": str(supervisor_id)}
    ok(api.post(f"/staff/{s.manager_id}/team", s.operator, json=team))
    return IntentStage(s, supervisor_id, supervisor)
