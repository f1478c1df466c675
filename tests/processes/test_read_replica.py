"""Read models on a hot standby (``STEELYARD_READ_HOST`` / ``_PORT``): the projections write on
the primary, the queries read the standby, and ``wait_for`` still reads one's own writes. With
the standby's replay paused, a query shows what the standby has (not the primary's newer rows)
and a wait for the new position answers 503 ``read_model_behind``; once replay resumes, the same
wait returns the new figure."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from domain.context import FrozenClock, Role
from domain.values import Money
from interfaces.api.app import create_app
from interfaces.config import Settings
from interfaces.wiring import Services
from tests.api.conftest import Api
from tests.api.trading_support import Stage, acting_as, stage
from tests.processes import pg_pair

pytestmark = pytest.mark.skipif(not pg_pair.available(), reason="needs PostgreSQL 15's binaries")


@pytest.fixture
def pair() -> Iterator[pg_pair.Pair]:
    with pg_pair.primary_and_standby() as started:
        yield started


@pytest.fixture
def api(pair: pg_pair.Pair, tmp_path: Path) -> Iterator[Api]:
    env = {
        "STEELYARD_PERSISTENCE": "postgres",
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": str(pair.primary_port),
        "POSTGRES_DBNAME": pg_pair.DBNAME,
        "POSTGRES_USER": pg_pair.USER,
        "POSTGRES_PASSWORD": pg_pair.PASSWORD,
        "POSTGRES_POOL_SIZE": "4",
        "STEELYARD_READ_HOST": "127.0.0.1",
        "STEELYARD_READ_PORT": str(pair.standby_port),
        "STEELYARD_SECRET_KEY": "test-secret-of-at-least-32-bytes-long",
        "STEELYARD_ALLOW_DEV_SECRET": "1",
        "STEELYARD_SQLITE_PATH": str(tmp_path / "steelyard.db"),  # the dev signing key's folder
        "STEELYARD_PASSWORD_HASH_COST": "fast",
        "STEELYARD_READ_WAIT_SECONDS": "3",
    }
    settings = Settings.from_env(env)
    assert settings.read_replica is not None
    clock = FrozenClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    services = Services.build(settings, clock=clock)
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, clock)
    services.close()


def _pay(s: Stage, amount: str, reference: str) -> int:
    with acting_as(s.api, s.finance_id, Role.FINANCE):
        outcome = s.api.services.funds.record_payment(
            s.account_id, Money.parse(amount), reference, "HRC"
        )
    return outcome.position


def _standby(pair: pg_pair.Pair, statement: str) -> None:
    conninfo = pair.conninfo(pair.standby_port, "postgres", "postgres")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(statement)


def _primary_position(pair: pg_pair.Pair, name: str) -> int:
    with psycopg.connect(pair.conninfo(pair.primary_port)) as conn:
        row = conn.execute(
            "SELECT position FROM projection_tracking WHERE name = %s", (name,)
        ).fetchone()
    return int(row[0]) if row else 0


def _balance(api: Api, token: str, **params: Any) -> Any:
    return api.get("/me/balances", token, params=params)


def test_queries_read_the_standby_and_wait_for_still_reads_your_own_writes(
    api: Api, pair: pg_pair.Pair
) -> None:
    s = stage(api)
    first = _pay(s, "1000.00", "BANK-1")
    answer = _balance(api, s.buyer, wait_for=first)
    assert answer.status_code == 200, answer.text
    assert answer.json()["financial_balance"] == "1000.00"

    _standby(pair, "SELECT pg_wal_replay_pause()")
    try:
        second = _pay(s, "500.00", "BANK-2")
        deadline = time.monotonic() + 30
        while _primary_position(pair, "balances") < second:  # the primary's view has it
            assert time.monotonic() < deadline, "the projection did not apply the payment"
            time.sleep(0.1)

        stale = _balance(api, s.buyer)
        assert stale.status_code == 200
        assert stale.json()["financial_balance"] == "1000.00"  # the standby's, not the primary's
        behind = _balance(api, s.buyer, wait_for=second)
        assert behind.status_code == 503, behind.text
        assert behind.json()["code"] == "read_model_behind"
    finally:
        _standby(pair, "SELECT pg_wal_replay_resume()")

    caught_up = _balance(api, s.buyer, wait_for=second)
    assert caught_up.status_code == 200, caught_up.text
    assert caught_up.json()["financial_balance"] == "1500.00"
