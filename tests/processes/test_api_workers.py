"""``steelyard serve --workers 3`` on PostgreSQL: three API worker processes share one port, and
the races stay exact across them: 20 buyers checking out 1 t each of a 7 t listing get exactly
7 orders; 10 refunds of 1,500.00 over a 10,000.00 balance, exactly 6. Nothing is lost or doubled:
every acknowledged order is in the store once, and the read models agree. The JSON request log's
``pid`` shows that more than one worker process served the race.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from fastapi.testclient import TestClient

from domain.context import FrozenClock, Role
from domain.values import Money
from interfaces.api.app import create_app
from interfaces.config import Settings
from interfaces.wiring import Services
from tests.api.conftest import PASSWORD, Api
from tests.api.trading_support import Stage, acting_as, stage
from tests.conftest import ON_POSTGRES, throwaway_settings
from tests.serving import free_port

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="several API workers need PostgreSQL")

STEELYARD = Path(sys.executable).with_name("steelyard")
BUYERS = 20


def _environment(settings: Settings) -> dict[str, str]:
    pg = settings.postgres
    return {
        **os.environ,
        "STEELYARD_PERSISTENCE": "postgres",
        "STEELYARD_SECRET_KEY": settings.secret_key,
        "STEELYARD_ALLOW_DEV_SECRET": "1",
        "STEELYARD_PASSWORD_HASH_COST": "fast",
        "STEELYARD_LOG_FORMAT": "json",
        "STEELYARD_READ_WAIT_SECONDS": "10",
        "STEELYARD_SIGNIN_ADDRESS_LIMIT": "1000/minute",
        "POSTGRES_HOST": pg.host,
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_DBNAME": pg.dbname,
        "POSTGRES_USER": pg.user,
        "POSTGRES_PASSWORD": pg.password,
        "POSTGRES_SCHEMA": pg.schema,
        "POSTGRES_POOL_SIZE": "4",
    }


class Server:
    def __init__(self, process: subprocess.Popen[str], base: str, log: Path) -> None:
        self.process, self.base, self.log = process, base, log

    def url(self, path: str) -> str:
        return f"{self.base}/api/v1{path}"

    def pids_that_served(self, route: str) -> set[int]:
        pids = set()
        for line in self.log.read_text().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("logger") == "steelyard.request" and record.get("route") == route:
                pids.add(int(record["pid"]))
        return pids


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Settings, Api]]:
    """A fresh schema and an in-process client on it for seeding (real clock: the server's)."""
    with throwaway_settings(tmp_path) as settings:
        clock = FrozenClock(datetime.now(UTC))
        services = Services.build(settings, clock=clock)
        with TestClient(create_app(settings, services)) as client:
            yield settings, Api(client, services, clock)
        services.close()


@pytest.fixture
def server(store: tuple[Settings, Api], tmp_path: Path) -> Iterator[Server]:
    settings, _ = store
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [str(STEELYARD), "serve", "--workers", "3", "--port", str(port), "--no-scheduler"],
            cwd=tmp_path,
            env=_environment(settings),
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # three interpreters importing at once, on 2 cores
    while True:
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "the workers did not start: " + log.read_text()[-3000:]
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    try:
        yield Server(process, base, log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _race(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """``count`` calls released together, each from its own thread and connection."""
    barrier = threading.Barrier(count)
    answers: list[httpx.Response | None] = [None] * count

    def one(n: int) -> None:
        barrier.wait()
        answers[n] = call(n)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def _sign_in(server: Server, phone: str) -> str:
    answer = httpx.post(
        server.url("/auth/token"), data={"username": phone, "password": PASSWORD}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _buyers(api: Api, count: int) -> tuple[Stage, list[tuple[str, UUID]]]:
    """The stage's cast plus ``count`` more certified, funded buyer companies."""
    s = stage(api)
    api.import_registry(s.operator, *[(n, "east") for n in range(2, count + 2)])
    buyers = []
    for n in range(2, count + 2):
        phone = f"138{n:08d}"
        account_id, token = api.register(phone)
        bound = api.post(f"/accounts/{account_id}/company", token, json=api.company(n, "east"))
        assert bound.status_code == 200, bound.text
        with acting_as(api, s.finance_id, Role.FINANCE):
            api.services.funds.record_payment(
                account_id, Money.parse("50000.00"), f"BANK-{n}", "HRC"
            )
        buyers.append((phone, account_id))
    return s, buyers


def test_twenty_buyers_over_three_workers_never_oversell_seven_tonnes(
    store: tuple[Settings, Api], server: Server
) -> None:
    _, api = store
    s, buyers = _buyers(api, BUYERS)
    coil = s.listing(quantity="7.000", price="4000.00")
    tokens = [_sign_in(server, phone) for phone, _ in buyers]
    for token in tokens:
        added = httpx.post(
            server.url("/cart/items"),
            json={"listing_id": str(coil), "quantity": "1.000"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert added.status_code == 200, added.text

    def checkout(n: int) -> httpx.Response:
        return httpx.post(
            server.url("/cart/checkout"),
            json={"delivery_address": f"Dock {n}"},
            headers={"Authorization": f"Bearer {tokens[n]}", "Idempotency-Key": f"co-{n}"},
            timeout=120,
        )

    answers = _race(BUYERS, checkout)

    placed = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert len(placed) == 7, [a.text for a in answers]
    assert {(a.status_code, a.json()["code"]) for a in refused} == {(409, "oversold")}
    # every acknowledged order is in the store once, and the stock says 0 left
    with acting_as(api, s.operator_id, Role.OPERATOR):
        listing = api.services.catalog.get_listing(coil)
    assert listing["stock"]["remaining"] == "0.000"
    order_ids = {a.json()["order_id"] for a in placed}
    assert len(order_ids) == 7
    for answer in placed:
        order: Any = api.services.ledger.repository.get(UUID(answer.json()["order_id"]))
        assert str(order.total.amount) == "4000.00"
    # the tracking read model (projected by the serving process) shows exactly these orders
    head = api.services.ledger.head()
    tracked = httpx.get(
        server.url("/tracking/orders"),
        params={"wait_for": head, "limit": 500},
        headers={"Authorization": f"Bearer {_sign_in(server, '13900000001')}"},
        timeout=30,
    )
    assert tracked.status_code == 200, tracked.text
    assert {row["order_id"] for row in tracked.json()["data"]} == order_ids
    # a repeated request (same key) is answered from the first, not placed again
    again = checkout(next(n for n, a in enumerate(answers) if a.status_code == 201))
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert len(server.pids_that_served("/api/v1/cart/checkout")) >= 2


def test_concurrent_refunds_over_one_balance_across_workers_stay_exact(
    store: tuple[Settings, Api], server: Server
) -> None:
    _, api = store
    s = stage(api)
    buyer = _sign_in(server, "13800000001")

    def refund(n: int) -> httpx.Response:
        return httpx.post(
            server.url(f"/funds/{s.account_id}/refunds"),
            json={"source": "HRC", "amount": "1500.00", "memo": f"refund {n}"},
            headers={"Authorization": f"Bearer {buyer}"},
            timeout=120,
        )

    # One worker can accept all ten connections of a race when it is quick enough, which proves
    # nothing across processes; so the race runs again (topped up to 10,000.00 available each
    # time) until at least two workers served it, and every round must be exact.
    route = "/api/v1/funds/{company_id}/refunds"
    for round_ in range(1, 5):
        s.fund("10000.00" if round_ == 1 else "9000.00", reference=f"BANK-{round_}")
        answers = _race(10, refund)
        accepted = [a for a in answers if a.status_code == 201]
        assert len(accepted) == 6, [a.text for a in answers]
        refused = {(a.status_code, a.json()["code"]) for a in answers if a.status_code != 201}
        assert refused == {(409, "insufficient_funds")}
        balances = s.statement()["balances"]
        assert balances["category:HRC"] == Decimal("1000.00")
        held = [amount for bucket, amount in balances.items() if bucket.startswith("held:refund")]
        assert (len(held), sum(held)) == (6 * round_, Decimal("9000.00") * round_)
        if len(server.pids_that_served(route)) >= 2:
            break
    assert len(server.pids_that_served(route)) >= 2
