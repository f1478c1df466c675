"""A crash test: finance clients post payments over HTTP with Idempotency-Keys (each retried
with its key until answered) while the API process is killed with SIGKILL several times and
PostgreSQL is restarted once. Afterwards every acknowledged payment is in the store exactly
once, the hash chains and the Merkle tree verify (against a checkpoint taken during the load),
and every read model the API kept equals a rebuild from the first event.

Runs on a PostgreSQL cluster of its own (started here), so the restart touches nothing else."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import pytest

from domain import context
from domain.context import CommandContext, Role
from domain.funds.account import FundsAccount
from interfaces.config import Settings
from interfaces.integrity.keys import SigningKey
from interfaces.persistence.integrity_log import IntegrityLog
from interfaces.persistence.store_check import StoreCheck
from interfaces.wiring import Services
from projections.all import all_projections
from projections.backends import open_views
from projections.runner import ProjectionRunner
from tests.conftest import ON_POSTGRES
from tests.faults.own_cluster import OwnCluster
from tests.projections.funds_story import new_company

CLIENTS = 6
PAYMENTS = 40  # per client
KILLS = 3
PASSWORD = "Secret-123"
AMOUNT = Decimal("10.00")

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: run scripts/test"),
    pytest.mark.slow,
]


@pytest.fixture
def cluster() -> Iterator[OwnCluster]:
    own = OwnCluster(durable=True)  # an answered COMMIT must survive the immediate restart
    yield own
    own.stop()


def _settings(cluster: OwnCluster, folder: Path) -> tuple[Settings, dict[str, str]]:
    env = cluster.env() | {
        "STEELYARD_SECRET_KEY": "crash-test-secret-of-at-least-32-bytes",
        "STEELYARD_ALLOW_DEV_SECRET": "1",
        "STEELYARD_PASSWORD_HASH_COST": "fast",
        "STEELYARD_SQLITE_PATH": str(folder / "steelyard.db"),
        "STEELYARD_LOG_LEVEL": "WARNING",
        "POSTGRES_POOL_SIZE": "8",
    }
    return Settings.from_env(env), env


class Server:
    """``uvicorn --factory interfaces.api.app:create_app`` as its own process, killable."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.env, self.log = {**os.environ, **env}, log
        self.process: subprocess.Popen[bytes] | None = None
        self.base = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "--factory", "interfaces.api.app:create_app"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("a") as sink:
            self.process = subprocess.Popen(command, env=self.env, stdout=sink, stderr=sink)
        deadline = time.monotonic() + 300  # a loaded 2-core machine starts it slowly
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("the API did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _prepare(settings: Settings) -> UUID:
    services = Services.build(settings)
    try:
        with context.acting(CommandContext()):
            services.identity.enroll_staff("13900000002", "Finance", Role.FINANCE, "", PASSWORD)
        return new_company(services.ledger)
    finally:
        services.close()


def _client(
    server: Server, token: str, company: UUID, n: int, acknowledged: dict[str, str], deadline: float
) -> None:
    with httpx.Client(base_url=server.base, timeout=10) as http:
        for i in range(PAYMENTS):
            key = f"crash-{n}-{i}"
            body = {"amount": str(AMOUNT), "bank_reference": key}
            while time.monotonic() < deadline:
                try:
                    response = http.post(
                        f"/api/v1/funds/{company}/payments",
                        json=body,
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
                    )
                except httpx.TransportError:
                    time.sleep(0.1)  # the server is down: the same key again
                    continue
                if response.status_code == 201:
                    acknowledged[key] = response.headers.get("X-Event-Position", "")
                    break
                assert response.status_code >= 500, response.text  # 5xx: the store restarting
                time.sleep(0.1)


def _token(server: Server) -> str:
    response = httpx.post(
        f"{server.base}/api/v1/auth/token",
        data={"username": "13900000002", "password": PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _references(services: Services, company: UUID) -> list[str]:
    ledger = services.ledger
    references = []
    for stored in ledger.recorder.select_events(FundsAccount.id_for(company)):
        event: Any = ledger.mapper.to_domain_event(stored)
        if type(event).__name__ == "PaymentRecorded":
            references.append(event.payment.bank_reference)
    return references


def test_acknowledged_commands_survive_kills_and_a_database_restart(
    cluster: OwnCluster, tmp_path: Path
) -> None:
    settings, env = _settings(cluster, tmp_path)
    company = _prepare(settings)
    server = Server(env, tmp_path / "server.log")
    server.start()
    token = _token(server)
    key = SigningKey.from_settings(settings)
    checkpoint = None
    acknowledged: dict[str, str] = {}
    deadline = time.monotonic() + 900
    clients = [
        threading.Thread(target=_client, args=(server, token, company, n, acknowledged, deadline))
        for n in range(CLIENTS)
    ]
    try:
        for thread in clients:
            thread.start()
        for kill in range(KILLS):
            time.sleep(1.5)
            server.kill()
            if kill == 1:
                cluster.restart()  # the database goes down and comes back while the API is down
            server.start()
            if kill == 0:
                checkpoint = _checkpoint_while_loaded(settings, key)
        for thread in clients:
            thread.join(timeout=max(1.0, deadline - time.monotonic()))
        assert len(acknowledged) == CLIENTS * PAYMENTS, "some payments were never answered"
    finally:
        server.stop()
    services = Services.build(settings, create_tables=False)
    try:
        references = _references(services, company)
        assert sorted(references) == sorted(acknowledged)  # each exactly once
        log = IntegrityLog.of(services.ledger)
        report = StoreCheck(log, key.public_key_pem()).run()
        assert report.ok, report
        assert checkpoint is not None and report.checkpoints >= 1
        assert log.take_checkpoint(key) is not None
        _assert_read_models_equal_a_rebuild(services, settings)
    finally:
        services.close()


def _checkpoint_while_loaded(settings: Settings, key: SigningKey) -> Any:
    services = Services.build(settings, create_tables=False)
    try:
        return IntegrityLog.of(services.ledger).take_checkpoint(key)
    finally:
        services.close()


def _assert_read_models_equal_a_rebuild(services: Services, settings: Settings) -> None:
    """Every read model the API kept, against the same model built afresh in another schema."""
    with psycopg.connect(settings.postgres.conninfo(), autocommit=True) as conn:
        conn.execute('CREATE SCHEMA "rebuilt"')
    fresh = open_views(replace(settings, postgres=replace(settings.postgres, schema="rebuilt")))
    try:
        projections = all_projections()
        ProjectionRunner(services.ledger, fresh, projections).catch_up()
        services.projections.catch_up()  # the API's own tables, to the head
        for projection in projections:
            assert projection.digest(services.views) == projection.digest(fresh), projection.name
    finally:
        fresh.close()
