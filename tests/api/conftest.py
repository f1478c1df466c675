"""An API client on a clean store, a movable clock, and the demo-like cast of people."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from domain import context
from domain.context import CommandContext, FrozenClock, Role
from interfaces.api.app import create_app
from interfaces.config import Settings
from interfaces.demo import demo_code
from interfaces.wiring import Services
from tests.adapters import CapturingSms

PASSWORD = "Secret-123"


class Api:
    """A thin client that signs people in and speaks the API like a real client would."""

    def __init__(
        self,
        client: TestClient,
        services: Services,
        clock: FrozenClock,
        sms: CapturingSms | None = None,
    ) -> None:
        self.client = client
        self.services = services
        self.clock = clock
        # the messages sent, when the services were built with this adapter (one-time codes
        # are read here, never from a log)
        self.sms = sms

    def post(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.post(f"/api/v1{path}", headers=self._headers(token, kwargs), **kwargs)

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self._headers(token, kwargs), **kwargs)

    @staticmethod
    def _headers(token: str | None, kwargs: dict[str, Any]) -> dict[str, str]:
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def login(self, phone: str, password: str = PASSWORD) -> str:
        response = self.post("/auth/token", data={"username": phone, "password": password})
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def register(self, phone: str) -> tuple[UUID, str]:
        response = self.post(
            "/accounts", json={"phone": phone, "password": PASSWORD, "accept_rules": True}
        )
        assert response.status_code == 201, response.text
        return UUID(response.json()["account_id"]), self.login(phone)

    def enroll(self, phone: str, role: Role, region: str = "") -> tuple[UUID, str]:
        with context.acting(CommandContext(clock=self.clock)):
            outcome = self.services.identity.enroll_staff(phone, phone, role, region, PASSWORD)
        return UUID(str(outcome.result["staff_id"])), self.login(phone)

    def company(self, n: int, region: str = "east", **extra: Any) -> dict[str, Any]:
        return {"name": f"Company {n}", "credit_code": demo_code(n), "region": region, **extra}

    def import_registry(self, token: str, *rows: tuple[int, str]) -> None:
        lines = ["credit_code,name,customer_no,region"]
        lines += [f"{demo_code(n)},Company {n},C{n},{region}" for n, region in rows]
        response = self.post(
            "/integration/customer-registry",
            token,
            content="\n".join(lines),
            headers={"Content-Type": "text/csv"},
        )
        assert response.status_code == 200, response.text


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))


@pytest.fixture
def api(settings: Settings, clock: FrozenClock) -> Iterator[Api]:
    sms = CapturingSms()
    services = Services.build(settings, clock=clock, sms=sms)
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, clock, sms)
    services.close()


@pytest.fixture
def operator(api: Api) -> str:
    return api.enroll("13900000001", Role.OPERATOR)[1]
