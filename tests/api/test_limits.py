"""Bounds a careless or hostile client meets: paging, odd tokens, sign-in throttling and the
request body limit. Everything through HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from uuid import UUID

import jwt
import pytest
import uvicorn
from fastapi.testclient import TestClient

from domain.context import FrozenClock, Role
from interfaces.api.app import create_app
from interfaces.config import ConfigError, Settings, SignInLimits
from interfaces.wiring import Services
from tests.adapters import CapturingSms
from tests.api.conftest import PASSWORD, Api


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


# ---- paging ------------------------------------------------------------------------------

PAGED = [
    "/accounts",
    "/funds/{company}/journal",
    "/tracking/payments",
    "/tracking/allocations",
    "/tracking/contract-funds",
    "/tracking/refunds-transfers",
    "/tracking/orders",
    "/tracking/contracts",
    "/tracking/production",
    "/tracking/shipments",
    "/tracking/certificates",
    "/tracking/invoices",
    "/tracking/objections",
    "/tracking/returns",
    "/listings",
]


@pytest.fixture
def company(api: Api) -> UUID:
    return api.register("13800000001")[0]


@pytest.mark.parametrize("path", PAGED)
def test_every_list_refuses_an_offset_or_limit_out_of_bounds(
    api: Api, operator: str, company: UUID, path: str
) -> None:
    url = path.format(company=company)
    assert api.get(url, operator, params={"offset": 10**9, "limit": 500}).status_code == 200
    for params in (
        {"offset": 9223372036854775808},
        {"offset": 10**9 + 1},
        {"offset": -1},
        {"offset": "1" * 5000},
        {"limit": 501},
        {"limit": 0},
        {"limit": 9223372036854775808},
    ):
        _problem(api.get(url, operator, params=params), 422, "validation_error")


# ---- tokens ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"exp": "tomorrow"},
        {"exp": [1]},
        {"exp": True},
        {"sub": 12345},
        {"role": ["buyer_admin"]},
        {"role": "superuser"},
        {"acc": 7},
        {"acc": "not-a-uuid"},
    ],
)
def test_a_correctly_signed_token_with_odd_claims_is_an_invalid_token(
    api: Api, change: dict[str, Any]
) -> None:
    account_id, admin = api.register("13800000001")
    secret = api.services.settings.secret_key
    claims = jwt.decode(admin, secret, algorithms=["HS256"], options={"verify_exp": False})
    odd = jwt.encode(claims | change, secret, algorithm="HS256")
    _problem(api.get(f"/accounts/{account_id}", odd), 401, "invalid_token")


# ---- sign-in throttling ------------------------------------------------------------------


def _sign_in(client: TestClient, phone: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": phone, "password": password})


def _throttled(response: Any, most_seconds: int) -> None:
    _problem(response, 429, "too_many_attempts")
    assert 1 <= int(response.headers["Retry-After"]) <= most_seconds


def test_wrong_passwords_for_one_phone_are_throttled_even_the_right_one_after(api: Api) -> None:
    api.register("13800000001")
    for _ in range(5):
        _problem(_sign_in(api.client, "13800000001", "wrong-pass-1"), 401, "invalid_credentials")
    _throttled(_sign_in(api.client, "13800000001", PASSWORD), 15 * 60)
    # the phone is throttled from any address, written any way; other phones are not
    elsewhere = TestClient(api.client.app, client=("10.0.0.9", 40000))
    _throttled(_sign_in(elsewhere, "+86 138-0000-0001", PASSWORD), 15 * 60)
    api.register("13800000002")
    assert _sign_in(api.client, "13800000002", PASSWORD).status_code == 200


def test_a_successful_sign_in_clears_the_phones_failures(api: Api) -> None:
    api.register("13800000001")
    for _ in range(2):
        for _ in range(4):
            assert _sign_in(api.client, "13800000001", "wrong-pass-1").status_code == 401
        assert _sign_in(api.client, "13800000001", PASSWORD).status_code == 200


def test_one_address_trying_many_phones_is_throttled(api: Api) -> None:
    registration = {"phone": "13800000099", "password": PASSWORD, "accept_rules": True}
    assert api.post("/accounts", json=registration).status_code == 201
    for n in range(30):
        response = _sign_in(api.client, f"1380000{n // 3:04d}", "wrong-pass-1")
        assert response.status_code == 401, (n, response.text)
    _throttled(_sign_in(api.client, "13800000099", PASSWORD), 60)
    # another address still signs in
    elsewhere = TestClient(api.client.app, client=("10.0.0.9", 40000))
    assert _sign_in(elsewhere, "13800000099", PASSWORD).status_code == 200


def test_concurrent_guesses_do_not_slip_past_the_limit(api: Api) -> None:
    api.register("13800000001")
    statuses: list[int] = []
    barrier = threading.Barrier(12)

    def guess() -> None:
        barrier.wait()
        statuses.append(_sign_in(api.client, "13800000001", "wrong-pass-1").status_code)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 5 + [429] * 7


@pytest.fixture
def strict(settings: Settings, clock: FrozenClock) -> Iterator[Api]:
    """An app configured for two failures per phone per minute."""
    env = {
        "STEELYARD_SECRET_KEY": "not-used",
        "STEELYARD_SIGNIN_PHONE_LIMIT": "2/minute",
        "STEELYARD_SIGNIN_ADDRESS_LIMIT": "100/hour",
    }
    limits = Settings.from_env(env).sign_in_limits
    strict_settings = replace(settings, sign_in_limits=limits)
    sms = CapturingSms()
    services = Services.build(strict_settings, clock=clock, sms=sms)
    with TestClient(create_app(strict_settings, services)) as client:
        yield Api(client, services, clock, sms)
    services.close()


def test_the_sign_in_limits_are_configurable(strict: Api) -> None:
    strict.register("13800000001")
    for _ in range(2):
        assert _sign_in(strict.client, "13800000001", "wrong-pass-1").status_code == 401
    _throttled(_sign_in(strict.client, "13800000001", PASSWORD), 60)


@pytest.mark.parametrize("value", ["", "five", "5/fortnight", "0/minute"])
def test_a_malformed_sign_in_limit_is_a_configuration_error(value: str) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env({"STEELYARD_SECRET_KEY": "x", "STEELYARD_SIGNIN_PHONE_LIMIT": value})
    assert SignInLimits().per_phone == "5/15 minutes"


# ---- password-reset throttling -----------------------------------------------------------


def _reset(client: TestClient, phone: str) -> Any:
    return client.post("/api/v1/auth/password-reset", json={"phone": phone})


def test_reset_codes_per_phone_are_limited_and_unknown_phones_alike(api: Api) -> None:
    api.register("13800000001")
    for _ in range(3):
        assert _reset(api.client, "13800000001").status_code == 202
    _throttled(_reset(api.client, "+86 138 0000 0001"), 60 * 60)
    texts = [text for phone, text in api.sms.sent if phone == "13800000001"]
    assert sum("reset code" in text for text in texts) == 3  # the fourth sent no SMS
    # an unregistered phone is limited the same way, so the answer tells nothing
    for _ in range(3):
        assert _reset(api.client, "13800000077").status_code == 202
    _throttled(_reset(api.client, "13800000077"), 60 * 60)


def test_one_address_asking_resets_for_many_phones_is_limited(api: Api) -> None:
    for n in range(20):
        assert _reset(api.client, f"1380000{n:04d}").status_code == 202
    _throttled(_reset(api.client, "13800000099"), 60 * 60)
    elsewhere = TestClient(api.client.app, client=("10.0.0.9", 40000))
    assert _reset(elsewhere, "13800000099").status_code == 202


def test_after_failed_sign_ins_the_reset_still_works_and_confirmations_are_limited(
    api: Api,
) -> None:
    api.register("13800000001")
    for _ in range(5):
        _sign_in(api.client, "13800000001", "wrong-pass-1")
    assert _reset(api.client, "13800000001").status_code == 202
    code = api.sms.last_to("13800000001")
    assert code is not None
    digits = code.split("code is ")[1][:6]
    confirm = {"phone": "13800000001", "code": digits, "new_password": "N3w-passw0rd!"}
    changed = api.client.post("/api/v1/auth/password-reset/confirm", json=confirm)
    assert changed.status_code == 200, changed.text
    wrong = {**confirm, "code": "000000" if digits != "000000" else "111111"}
    for _ in range(19):
        api.client.post("/api/v1/auth/password-reset/confirm", json=wrong)
    _throttled(api.client.post("/api/v1/auth/password-reset/confirm", json=confirm), 60 * 60)


# ---- the request body limit --------------------------------------------------------------

LIMIT = 1024 * 1024


def _registration(padding: int) -> bytes:
    body = b'{"phone": "13800000001", "password": "Secret-123", "accept_rules": true}'
    return body[:-1] + b" " * padding + b"}"


def test_a_body_over_the_limit_is_refused_before_anything_is_written(api: Api) -> None:
    head = api.services.ledger.head()
    response = api.post(
        "/accounts", content=_registration(LIMIT), headers={"Content-Type": "application/json"}
    )
    _problem(response, 413, "payload_too_large")
    assert api.services.ledger.head() == head
    # a body just under the limit is an ordinary request
    fits = _registration(LIMIT - 200)
    assert len(fits) <= LIMIT
    response = api.post("/accounts", content=fits, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text


def test_a_declared_length_over_the_limit_is_refused_even_where_no_body_is_read(
    api: Api, operator: str
) -> None:
    manager = api.enroll("13900000004", Role.MANAGER, "east")[1]
    account_id, _ = api.register("13800000001")
    head = api.services.ledger.head()
    response = api.post(f"/accounts/{account_id}/manager", manager, content=b"x" * (LIMIT + 1))
    _problem(response, 413, "payload_too_large")
    assert api.services.ledger.head() == head


@pytest.fixture
def server(api: Api) -> Iterator[tuple[str, int]]:
    """The same app served by uvicorn on loopback, for requests TestClient cannot make."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        api.client.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield "127.0.0.1", port
    running.should_exit = True
    thread.join(10)


def _chunked_post(address: tuple[str, int], path: str, body: bytes, chunk: int) -> bytes:
    """POST ``body`` with Transfer-Encoding: chunked (no Content-Length); the raw answer."""
    pieces = [body[start : start + chunk] for start in range(0, len(body), chunk)]
    framed = [f"{len(piece):x}\r\n".encode() + piece + b"\r\n" for piece in pieces]
    return _raw_post(address, path, "Transfer-Encoding: chunked", [*framed, b"0\r\n\r\n"])


def _raw_post(address: tuple[str, int], path: str, header: str, parts: list[bytes]) -> bytes:
    """Send the whole request, as a plain client does, then read the whole answer.

    A reset while sending or reading is not caught: the server must answer before it closes.
    """
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            f"{header}\r\nConnection: close\r\n\r\n".encode()
        )
        for part in parts:
            sock.sendall(part)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    return answer


def _refused_413(answer: bytes) -> None:
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"application/problem+json" in rest and b"payload_too_large" in rest


def test_a_chunked_body_over_the_limit_is_refused(api: Api, server: tuple[str, int]) -> None:
    head = api.services.ledger.head()
    answer = _chunked_post(server, "/api/v1/accounts", _registration(LIMIT), 64 * 1024)
    _refused_413(answer)
    assert api.services.ledger.head() == head
    small = _chunked_post(server, "/api/v1/accounts", _registration(1000), 256)
    assert small.startswith(b"HTTP/1.1 201"), small[:300]


def test_a_client_that_sends_its_whole_oversized_body_reads_the_413_not_a_reset(
    api: Api, server: tuple[str, int]
) -> None:
    """The server reads the rest of the body (up to a few MiB) before it answers and closes:
    a close with unread bytes resets the connection and the client loses the answer."""
    head = api.services.ledger.head()
    for _ in range(3):
        _refused_413(_chunked_post(server, "/api/v1/accounts", _registration(3 * LIMIT), 16384))
        body = _registration(2 * LIMIT)
        _refused_413(_raw_post(server, "/api/v1/accounts", f"Content-Length: {len(body)}", [body]))
    assert api.services.ledger.head() == head
