"""The console over the demo data (as ``scripts/serve`` seeds it) on the test's store, with its
read models caught up; a browser-like client per person (its own cookies)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from interfaces.api.app import create_app
from interfaces.demo import DEMO_PASSWORD, seed
from interfaces.wiring import Services
from tests.conftest import throwaway_settings

QINGDAO = "13800000001"  # buyer admin, east
TIANJIN = "13800000002"  # buyer admin, north
MANAGER_EAST = "13900000004"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
FIGURE = re.compile(r'data-figure="(\w+)">¥([-0-9.]+)<')


@dataclass
class Console:
    app: FastAPI
    services: Services

    tokens: dict[str, str] = field(default_factory=dict)
    clients: Iterator[int] = field(default_factory=lambda: count(1))

    def client(self) -> TestClient:
        """A browser of its own: its own cookies and client address (the sign-in throttle
        counts attempts per address)."""
        n = next(self.clients)
        address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        return TestClient(self.app, follow_redirects=False, client=(address, 50000))

    def sign_in(self, phone: str, password: str = DEMO_PASSWORD) -> TestClient:
        client = self.client()
        answer = sign_in(client, phone, password)
        assert answer.status_code == 303, answer.text
        return client

    def api_token(self, phone: str) -> str:
        if phone in self.tokens:
            return self.tokens[phone]
        answer = self.client().post(
            "/api/v1/auth/token", data={"username": phone, "password": DEMO_PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        self.tokens[phone] = str(answer.json()["access_token"])
        return self.tokens[phone]

    def api(self, path: str, token: str) -> Any:
        answer = self.client().get(f"/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        return answer.json()


def sign_in(client: TestClient, phone: str, password: str) -> Any:
    form = client.get("/console/sign-in")
    assert form.status_code == 200
    (token,) = CSRF.findall(form.text)
    return client.post(
        "/console/sign-in", data={"phone": phone, "password": password, "csrf": token}
    )


def figures(html: str) -> dict[str, str]:
    return dict(FIGURE.findall(html))


@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    folder: Path = tmp_path_factory.mktemp("console")
    with throwaway_settings(folder) as settings:
        services = Services.build(settings)
        try:
            seed(services)
            services.projections.catch_up()
            yield Console(create_app(settings, services), services)
        finally:
            services.close()
