"""Access rules an attacker probes: members' phones, foreign ids, forged roles, sign-in limits,
and one-time codes kept out of the log. Everything through HTTP."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import jwt
import pytest
from fastapi.testclient import TestClient

from domain.context import FrozenClock, Role
from interfaces.api.app import create_app
from interfaces.config import Settings
from interfaces.security import Argon2Passwords
from interfaces.wiring import Services
from tests.adapters import CapturingSms, CountingHasher
from tests.api.conftest import PASSWORD, Api


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def _member(api: Api, account_id: UUID, admin: str, phone: str, *permissions: str) -> str:
    """A sub-account whose one role grants ``permissions``; returns its token."""
    role = api.post(
        f"/accounts/{account_id}/roles",
        admin,
        json={"name": f"Role {phone}", "permissions": list(permissions)},
    ).json()["role_id"]
    added = api.post(
        f"/accounts/{account_id}/members",
        admin,
        json={"phone": phone, "name": f"Member {phone}", "password": PASSWORD, "role_ids": [role]},
    )
    assert added.status_code == 201, added.text
    return api.login(phone)


# ---- who sees a company's members ---------------------------------------------------------


def test_a_sub_account_without_members_manage_cannot_list_the_members(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    purchaser = _member(api, account_id, admin, "13800000011", "orders.place", "funds.view")
    _problem(api.get(f"/accounts/{account_id}/members", purchaser), 403, "forbidden")
    # nor read their phones through the account itself: it sees itself only
    account = api.get(f"/accounts/{account_id}", purchaser)
    assert account.status_code == 200, account.text
    assert [m["phone"] for m in account.json()["members"]] == ["13800000011"]


def test_the_admin_and_a_member_with_members_manage_list_the_members(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    _member(api, account_id, admin, "13800000011", "orders.place")
    manager = _member(api, account_id, admin, "13800000012", "members.manage")
    for token in (admin, manager):
        listed = api.get(f"/accounts/{account_id}/members", token)
        assert listed.status_code == 200, listed.text
        body = listed.json()  # a list, or {"data": [...], "count": n} as every list will be
        rows = body["data"] if isinstance(body, dict) else body
        phones = sorted(m["phone"] for m in rows)
        assert phones == ["13800000001", "13800000011", "13800000012"]
        assert len(api.get(f"/accounts/{account_id}", token).json()["members"]) == 3


def test_another_companys_members_and_permissions_are_not_found(api: Api) -> None:
    mine, admin = api.register("13800000001")
    theirs, _ = api.register("13800000002")
    assert api.get(f"/accounts/{mine}/permissions", admin).status_code == 200
    _problem(api.get(f"/accounts/{theirs}/permissions", admin), 404, "not_found")
    _problem(api.get(f"/accounts/{uuid4()}/permissions", admin), 404, "not_found")
    _problem(api.get(f"/accounts/{theirs}/members", admin), 404, "not_found")


# ---- the role comes from the store, not from the token ----------------------------------


def test_a_member_token_re_signed_as_admin_gets_no_admin_rights(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    member = _member(api, account_id, admin, "13800000011", "orders.place")
    secret = api.services.settings.secret_key
    claims = jwt.decode(member, secret, algorithms=["HS256"], options={"verify_exp": False})
    forged = jwt.encode(claims | {"role": "buyer_admin"}, secret, algorithm="HS256")

    assert api.get("/me", forged).json()["role"] == "buyer_member"
    head = api.services.ledger.head()
    refused = api.post(f"/accounts/{account_id}/departments", forged, json={"name": "Sales"})
    _problem(refused, 403, "forbidden")
    _problem(api.get(f"/accounts/{account_id}/members", forged), 403, "forbidden")
    assert api.services.ledger.head() == head


# ---- a manager learns nothing of a customer it may not see -------------------------------


def test_an_unbound_manager_taking_a_bound_customer_gets_not_found(api: Api, operator: str) -> None:
    api.import_registry(operator, (1, "east"))
    api.enroll("13900000004", Role.MANAGER, "east")
    _other, other_manager = api.enroll("13900000005", Role.MANAGER, "west")
    account_id, admin = api.register("13800000001")
    bound = api.post(f"/accounts/{account_id}/company", admin, json=api.company(1))
    assert bound.json()["manager_id"] is not None

    head = api.services.ledger.head()
    taken = api.post(f"/accounts/{account_id}/manager", other_manager)
    unknown = api.post(f"/accounts/{uuid4()}/manager", other_manager)
    assert _problem(taken, 404, "not_found")["detail"] == unknown.json()["detail"]
    assert api.services.ledger.head() == head


# ---- one-time codes never reach the log --------------------------------------------------


def test_a_reset_code_is_sent_but_never_logged(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    api.register("13800000001")
    caplog.set_level(logging.DEBUG)
    assert api.post("/auth/password-reset", json={"phone": "13800000001"}).status_code == 202
    text = api.sms.last_to("13800000001") or ""
    code = text.split("code is ")[1][:6]
    assert code.isdigit()
    assert code not in caplog.text
    assert "13800000001" not in caplog.text  # the phone is masked too
    sent = [r.getMessage() for r in caplog.records if r.name == "steelyard.sms"]
    assert sent and all("138****0001" in line for line in sent), sent


# ---- registration pays for a password hash only when it can succeed ---------------------


@pytest.fixture
def counted(settings: Settings, clock: FrozenClock) -> Iterator[tuple[Api, CountingHasher]]:
    """An app whose password hasher counts its hashes (each stretched to 50 ms)."""
    hasher = CountingHasher(Argon2Passwords("fast"), delay=0.05)
    sms = CapturingSms()
    services = Services.build(settings, clock=clock, hasher=hasher, sms=sms)
    with TestClient(create_app(settings, services)) as client:
        yield Api(client, services, clock, sms), hasher
    services.close()


def _registration(phone: str) -> dict[str, Any]:
    return {"phone": phone, "password": PASSWORD, "accept_rules": True}


def test_registering_a_taken_phone_hashes_no_password(
    counted: tuple[Api, CountingHasher],
) -> None:
    api, hasher = counted
    api.register("13800000001")
    before = hasher.hashes
    _problem(api.post("/accounts", json=_registration("13800000001")), 409, "phone_taken")
    assert hasher.hashes == before


def test_ten_concurrent_registrations_of_one_phone_hash_one_password(
    counted: tuple[Api, CountingHasher],
) -> None:
    api, hasher = counted
    before = hasher.hashes
    statuses: list[int] = []
    barrier = threading.Barrier(10)

    def register() -> None:
        barrier.wait()
        statuses.append(api.post("/accounts", json=_registration("13800000001")).status_code)

    threads = [threading.Thread(target=register) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 9
    assert hasher.hashes - before == 1


def test_a_repeated_registration_with_its_idempotency_key_still_answers_the_first(
    counted: tuple[Api, CountingHasher],
) -> None:
    api, hasher = counted
    key = {"Idempotency-Key": "signup-1"}
    first = api.post("/accounts", json=_registration("13800000001"), headers=key)
    before = hasher.hashes
    again = api.post("/accounts", json=_registration("13800000001"), headers=key)
    assert again.status_code == 201, again.text
    assert again.json()["account_id"] == first.json()["account_id"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert hasher.hashes == before
