"""The API's ground rules: bad input, isolation, idempotency, tokens, races, docs."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from domain.context import Role
from tests.api.conftest import PASSWORD, Api


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status and body["detail"]
    return body


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"phone": "12345", "password": PASSWORD, "accept_rules": True}, "invalid_phone"),
        ({"phone": "13800000001", "password": "short1", "accept_rules": True}, "weak_password"),
        (
            {"phone": "13800000001", "password": "onlyletters", "accept_rules": True},
            "weak_password",
        ),
        (
            {"phone": "13800000001", "password": PASSWORD, "accept_rules": False},
            "rules_not_accepted",
        ),
        ({"phone": "13800000001", "password": PASSWORD}, "validation_error"),
        (
            {"phone": "13800000001", "password": PASSWORD, "accept_rules": True, "x": 1},
            "validation_error",
        ),
    ],
)
def test_bad_registration_is_refused_and_writes_nothing(
    api: Api, body: dict[str, Any], code: str
) -> None:
    head = api.services.ledger.head()
    _problem(api.post("/accounts", json=body), 422, code)
    assert api.services.ledger.head() == head


def test_a_phone_registers_once(api: Api) -> None:
    api.register("13800000001")
    head = api.services.ledger.head()
    again = api.post(
        "/accounts", json={"phone": "138-0000-0001", "password": PASSWORD, "accept_rules": True}
    )
    _problem(again, 409, "phone_taken")
    assert api.services.ledger.head() == head


def test_concurrent_registrations_of_one_phone_exactly_one_wins(api: Api) -> None:
    results: list[int] = []
    barrier = threading.Barrier(8)

    def register() -> None:
        barrier.wait()
        response = api.post(
            "/accounts", json={"phone": "13800000001", "password": PASSWORD, "accept_rules": True}
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [201] + [409] * 7
    assert api.login("13800000001")


def test_invalid_company_code_is_refused(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    body = api.company(1) | {"credit_code": "91370200MA00000010"}  # wrong check digit
    head = api.services.ledger.head()
    _problem(
        api.post(f"/accounts/{account_id}/company", admin, json=body), 422, "invalid_credit_code"
    )
    assert api.services.ledger.head() == head


def test_a_company_binds_to_one_account_only(api: Api) -> None:
    first, first_admin = api.register("13800000001")
    second, second_admin = api.register("13800000002")
    api.post(f"/accounts/{first}/company", first_admin, json=api.company(1))
    taken = api.post(f"/accounts/{second}/company", second_admin, json=api.company(1))
    _problem(taken, 409, "company_taken")


def test_wrong_credentials_do_not_say_which_part_was_wrong(api: Api) -> None:
    api.register("13800000001")
    wrong_password = api.post("/auth/token", data={"username": "13800000001", "password": "x"})
    unknown_phone = api.post("/auth/token", data={"username": "13800000002", "password": PASSWORD})
    a = _problem(wrong_password, 401, "invalid_credentials")
    b = _problem(unknown_phone, 401, "invalid_credentials")
    assert a["detail"] == b["detail"]


def test_expired_and_forged_tokens_are_refused(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    assert api.get(f"/accounts/{account_id}", admin).status_code == 200
    _problem(api.get(f"/accounts/{account_id}", admin[:-2] + "xx"), 401, "invalid_token")
    _problem(api.get(f"/accounts/{account_id}"), 401, "unauthenticated")
    api.clock.advance(minutes=api.services.settings.token_minutes + 1)
    _problem(api.get(f"/accounts/{account_id}", admin), 401, "token_expired")


def test_a_foreign_company_is_not_found_not_forbidden(api: Api) -> None:
    _mine, admin = api.register("13800000001")
    theirs, _ = api.register("13800000002")
    _problem(api.get(f"/accounts/{theirs}", admin), 404, "not_found")
    head = api.services.ledger.head()
    _problem(
        api.post(f"/accounts/{theirs}/departments", admin, json={"name": "X"}), 404, "not_found"
    )
    _problem(api.post(f"/accounts/{theirs}/company", admin, json=api.company(2)), 404, "not_found")
    assert api.services.ledger.head() == head


def test_managers_see_only_their_bound_customers(api: Api, operator: str) -> None:
    api.import_registry(operator, (1, "east"), (2, "north"))
    api.enroll("13900000004", Role.MANAGER, "east")
    api.enroll("13900000005", Role.MANAGER, "north")
    east_customer, east_admin = api.register("13800000001")
    north_customer, north_admin = api.register("13800000002")
    api.post(f"/accounts/{east_customer}/company", east_admin, json=api.company(1, "east"))
    api.post(f"/accounts/{north_customer}/company", north_admin, json=api.company(2, "north"))

    east = api.login("13900000004")
    north = api.login("13900000005")
    assert api.get(f"/accounts/{east_customer}", east).status_code == 200
    _problem(api.get(f"/accounts/{north_customer}", east), 404, "not_found")
    assert api.get(f"/accounts/{north_customer}", north).status_code == 200
    _problem(api.get(f"/accounts/{east_customer}", north), 404, "not_found")
    assert api.get("/me", east).json()["customers"] == [str(east_customer)]
    # a manager may set the level of its own customer only
    assert (
        api.post(f"/accounts/{east_customer}/level", east, json={"level": "vip"}).status_code == 200
    )
    _problem(
        api.post(f"/accounts/{north_customer}/level", east, json={"level": "vip"}), 404, "not_found"
    )


def test_same_idempotency_key_and_body_returns_the_first_response(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    headers = {"Idempotency-Key": "dept-1"}
    first = api.post(
        f"/accounts/{account_id}/departments", admin, json={"name": "Purchasing"}, headers=headers
    )
    head = api.services.ledger.head()
    again = api.post(
        f"/accounts/{account_id}/departments", admin, json={"name": "Purchasing"}, headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.json()["department_id"] == first.json()["department_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert api.services.ledger.head() == head
    departments = api.get(f"/accounts/{account_id}", admin).json()["departments"]
    assert list(departments.values()) == ["Purchasing"]


def test_same_idempotency_key_with_another_body_is_refused(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    headers = {"Idempotency-Key": "dept-1"}
    api.post(
        f"/accounts/{account_id}/departments", admin, json={"name": "Purchasing"}, headers=headers
    )
    other = api.post(
        f"/accounts/{account_id}/departments", admin, json={"name": "Sales"}, headers=headers
    )
    _problem(other, 422, "idempotency_key_reused")
    departments = api.get(f"/accounts/{account_id}", admin).json()["departments"]
    assert list(departments.values()) == ["Purchasing"]


def test_concurrent_requests_with_one_idempotency_key_apply_once(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    bodies: list[dict[str, Any]] = []
    barrier = threading.Barrier(6)

    def create() -> None:
        barrier.wait()
        response = api.post(
            f"/accounts/{account_id}/departments",
            admin,
            json={"name": "Purchasing"},
            headers={"Idempotency-Key": "k"},
        )
        bodies.append(response.json())

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all("department_id" in b for b in bodies), [b for b in bodies if "type" in b]
    assert len({b["department_id"] for b in bodies}) == 1
    assert len(api.get(f"/accounts/{account_id}", admin).json()["departments"]) == 1


def test_command_response_carries_the_position_it_wrote(api: Api) -> None:
    response = api.post(
        "/accounts", json={"phone": "13800000001", "password": PASSWORD, "accept_rules": True}
    )
    assert response.json()["position"] == api.services.ledger.head()
    assert response.headers["X-Event-Position"] == str(response.json()["position"])


def test_docs_openapi_health_and_unknown_routes(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert "/api/v1/auth/token" in schema["paths"]
    assert schema["components"]["securitySchemes"]["OAuth2PasswordBearer"]["flows"]["password"]
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text  # works with no CDN in reach
    assert api.client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert "oauth2RedirectUrl" in docs.text
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json()["status"] == "ready"
    _problem(api.client.get("/api/v1/nothing-here"), 404, "not_found")
