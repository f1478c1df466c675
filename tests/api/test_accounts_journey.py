"""Register → company → certification → manager binding → sub-accounts, through HTTP."""

from __future__ import annotations

from uuid import UUID

from domain.context import Role
from interfaces.scheduler import run_due
from tests.api.conftest import PASSWORD, Api


def test_registry_match_certifies_at_once_and_binds_the_regional_manager(
    api: Api, operator: str
) -> None:
    api.import_registry(operator, (1, "east"))
    east_manager, _ = api.enroll("13900000004", Role.MANAGER, "east")
    api.enroll("13900000005", Role.MANAGER, "north")
    account_id, admin = api.register("13800000001")

    response = api.post(f"/accounts/{account_id}/company", admin, json=api.company(1, "east"))

    assert response.status_code == 200, response.text
    assert response.json()["certification"] == "certified"
    assert response.json()["manager_id"] == str(east_manager)
    account = api.get(f"/accounts/{account_id}", admin).json()
    assert account["company"]["name"] == "Company 1"
    assert account["manager_id"] == str(east_manager)
    # the manager is told, through the SMS port
    assert "Company 1" in (api.sms.last_to("13900000004") or "")


def test_auto_match_prefers_the_region_then_the_fewest_customers(api: Api, operator: str) -> None:
    api.import_registry(operator, (1, "east"), (2, "east"), (3, "south"))
    busy, _ = api.enroll("13900000004", Role.MANAGER, "east")
    idle, _ = api.enroll("13900000005", Role.MANAGER, "east")
    bound = []
    for n, region in ((1, "east"), (2, "east"), (3, "south")):
        account_id, admin = api.register(f"1380000000{n}")
        body = api.post(f"/accounts/{account_id}/company", admin, json=api.company(n, region))
        bound.append(body.json()["manager_id"])
    # two east customers spread over the two east managers; the southern one has no manager
    # in its region, so it goes to whoever has fewest anywhere
    assert sorted(bound[:2]) == sorted([str(busy), str(idle)])
    assert bound[2] in (str(busy), str(idle))


def test_a_valid_referrer_wins_over_the_region(api: Api, operator: str) -> None:
    api.import_registry(operator, (1, "east"))
    api.enroll("13900000004", Role.MANAGER, "east")
    referrer, _ = api.enroll("13900000005", Role.MANAGER, "north")
    account_id, admin = api.register("13800000001")
    body = api.company(1, "east", referrer_id=str(referrer))
    response = api.post(f"/accounts/{account_id}/company", admin, json=body)
    assert response.json()["manager_id"] == str(referrer)


def test_unknown_company_waits_for_an_operator_who_approves(api: Api, operator: str) -> None:
    manager, _ = api.enroll("13900000004", Role.MANAGER, "east")
    account_id, admin = api.register("13800000001")
    pending = api.post(f"/accounts/{account_id}/company", admin, json=api.company(7))
    assert pending.json()["certification"] == "pending"
    assert pending.json()["manager_id"] is None

    approved = api.post(
        f"/accounts/{account_id}/certification", operator, json={"decision": "approve"}
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["certification"] == "certified"
    assert approved.json()["manager_id"] == str(manager)


def test_operator_rejects_with_a_reason_and_the_buyer_may_correct_and_resubmit(
    api: Api, operator: str
) -> None:
    account_id, admin = api.register("13800000001")
    api.post(f"/accounts/{account_id}/company", admin, json=api.company(7))
    no_reason = api.post(
        f"/accounts/{account_id}/certification", operator, json={"decision": "reject"}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "reason_required"
    rejected = api.post(
        f"/accounts/{account_id}/certification",
        operator,
        json={"decision": "reject", "reason": "Business licence unreadable"},
    )
    assert rejected.json()["certification"] == "rejected"
    account = api.get(f"/accounts/{account_id}", admin).json()
    assert account["rejection_reason"] == "Business licence unreadable"
    again = api.post(f"/accounts/{account_id}/company", admin, json=api.company(7))
    assert again.json()["certification"] == "pending"


def test_buyer_cannot_certify_itself(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    api.post(f"/accounts/{account_id}/company", admin, json=api.company(7))
    response = api.post(
        f"/accounts/{account_id}/certification", admin, json={"decision": "approve"}
    )
    assert response.status_code == 403
    assert api.get(f"/accounts/{account_id}", admin).json()["certification"] == "pending"


def test_sub_account_can_do_only_what_its_roles_permit(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    role = api.post(
        f"/accounts/{account_id}/roles",
        admin,
        json={"name": "Purchaser", "permissions": ["orders.place", "funds.view"]},
    ).json()["role_id"]
    department = api.post(
        f"/accounts/{account_id}/departments", admin, json={"name": "Purchasing"}
    ).json()["department_id"]
    added = api.post(
        f"/accounts/{account_id}/members",
        admin,
        json={
            "phone": "13800000011",
            "name": "Li",
            "password": PASSWORD,
            "department_id": department,
            "role_ids": [role],
        },
    )
    assert added.status_code == 201, added.text
    member = api.login("13800000011")

    me = api.get("/me", member).json()
    assert me["role"] == "buyer_member"
    assert me["permissions"] == ["funds.view", "orders.place"]
    assert api.get(f"/accounts/{account_id}", member).status_code == 200
    refused = api.post(f"/accounts/{account_id}/departments", member, json={"name": "Sales"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"

    # granting the permission takes effect at once, without a new sign-in
    api.post(
        f"/accounts/{account_id}/roles/{role}",
        admin,
        json={"permissions": ["orders.place", "funds.view", "members.manage"]},
    )
    assert (
        api.post(f"/accounts/{account_id}/departments", member, json={"name": "Sales"}).status_code
        == 201
    )


def test_disabled_member_loses_access_immediately(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    user = api.post(
        f"/accounts/{account_id}/members",
        admin,
        json={"phone": "13800000011", "name": "Li", "password": PASSWORD},
    ).json()["user_id"]
    member = api.login("13800000011")
    api.post(f"/accounts/{account_id}/members/{user}/disable", admin)
    assert api.get(f"/accounts/{account_id}", member).status_code == 401
    assert (
        api.post("/auth/token", data={"username": "13800000011", "password": PASSWORD}).status_code
        == 401
    )


def test_idle_binding_lapses_and_only_a_manager_rebinds(api: Api, operator: str) -> None:
    api.import_registry(operator, (1, "east"))
    first, first_token = api.enroll("13900000004", Role.MANAGER, "east")
    second, second_token = api.enroll("13900000005", Role.MANAGER, "east")
    account_id, admin = api.register("13800000001")
    api.post(f"/accounts/{account_id}/company", admin, json=api.company(1))
    taken = api.post(f"/accounts/{account_id}/manager", second_token)
    assert taken.status_code == 404  # another manager's customer is not visible to it

    api.clock.advance(days=api.services.settings.binding_idle_days + 1)
    assert run_due(api.services)["lapse_idle_bindings"] == [account_id]
    assert run_due(api.services)["lapse_idle_bindings"] == []  # running twice: no change
    admin = api.login("13800000001")
    response = api.get(f"/accounts/{account_id}", admin)
    assert response.status_code == 200, response.text
    assert response.json()["manager_id"] is None
    first_token = api.login("13900000004")
    assert api.get(f"/accounts/{account_id}", first_token).status_code == 404

    operator = api.login("13900000001")
    assert api.post(f"/accounts/{account_id}/manager", operator).status_code == 403
    second_token = api.login("13900000005")
    rebound = api.post(f"/accounts/{account_id}/manager", second_token)
    assert rebound.status_code == 200, rebound.text
    assert rebound.json()["manager_id"] == str(second)
    assert UUID(rebound.json()["manager_id"]) != first


def test_password_reset_by_one_time_code(api: Api) -> None:
    api.register("13800000001")
    assert api.post("/auth/password-reset", json={"phone": "13800000001"}).status_code == 202
    assert api.post("/auth/password-reset", json={"phone": "13800000099"}).status_code == 202
    text = api.sms.last_to("13800000001") or ""
    code = text.split("code is ")[1][:6]
    assert api.sms.last_to("13800000099") is None

    wrong = api.post(
        "/auth/password-reset/confirm",
        json={
            "phone": "13800000001",
            "code": "000000" if code != "000000" else "111111",
            "new_password": "New-pass-1",
        },
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_reset_code"
    done = api.post(
        "/auth/password-reset/confirm",
        json={"phone": "13800000001", "code": code, "new_password": "New-pass-1"},
    )
    assert done.status_code == 200, done.text
    assert api.login("13800000001", "New-pass-1")
    assert (
        api.post("/auth/token", data={"username": "13800000001", "password": PASSWORD}).status_code
        == 401
    )
    reused = api.post(
        "/auth/password-reset/confirm",
        json={"phone": "13800000001", "code": code, "new_password": "Other-pass-2"},
    )
    assert reused.status_code == 409 and reused.json()["code"] == "reset_code_expired"


def test_every_event_records_who_caused_it_and_through_which_request(api: Api) -> None:
    account_id, admin = api.register("13800000001")
    api.post(
        f"/accounts/{account_id}/departments",
        admin,
        json={"name": "Purchasing"},
        headers={"X-Request-ID": "req-42"},
    )
    events = list(api.services.ledger.events.get(account_id))
    registered, created = events
    assert registered.caused_by.role == "anonymous"
    assert created.caused_by.role == "buyer_admin"
    assert created.caused_by.request_id == "req-42"
    assert created.caused_by.user_id is not None
    assert created.timestamp == api.clock()


def test_operator_lists_pending_certifications_reading_its_own_writes(
    api: Api, operator: str
) -> None:
    api.import_registry(operator, (1, "east"))
    manager, manager_token = api.enroll("13900000004", Role.MANAGER, "east")
    known, known_admin = api.register("13800000001")
    unknown, unknown_admin = api.register("13800000002")
    api.post(f"/accounts/{known}/company", known_admin, json=api.company(1))
    last = api.post(f"/accounts/{unknown}/company", unknown_admin, json=api.company(9))
    position = last.json()["position"]

    pending = api.get(f"/accounts?certification=pending&wait_for={position}", operator).json()
    assert [row["account_id"] for row in pending["data"]] == [str(unknown)]
    assert pending["data"][0]["company_name"] == "Company 9" and pending["count"] == 1
    everyone = api.get(f"/accounts?wait_for={position}&limit=1", operator).json()
    assert len(everyone["data"]) == 1 and everyone["count"] == 2
    everyone = api.get(f"/accounts?wait_for={position}", operator).json()["data"]
    assert {row["account_id"] for row in everyone} == {str(known), str(unknown)}
    mine = api.get(f"/accounts?wait_for={position}", manager_token).json()["data"]
    assert [(row["account_id"], row["manager_id"]) for row in mine] == [(str(known), str(manager))]
    own = api.get(f"/accounts?wait_for={position}", unknown_admin).json()["data"]
    assert [row["account_id"] for row in own] == [str(unknown)]
    beyond = api.get(f"/accounts?wait_for={position + 1000}", operator)  # no such event yet
    assert beyond.status_code == 422 and beyond.json()["code"] == "position_beyond_head"


def test_an_operator_moves_a_user_to_a_new_phone_on_evidence(api: Api, operator: str) -> None:
    account_id, admin = api.register("13800000001")
    user = api.get("/me", admin).json()["user_id"]
    path = f"/accounts/{account_id}/members/{user}/phone"
    body = {"phone": "13800000009", "evidence": "ID card and company letter, ticket 5521"}
    assert api.post(path, admin, json=body).status_code == 403
    no_evidence = api.post(path, operator, json=body | {"evidence": " "})
    assert no_evidence.status_code == 422
    api.register("13800000002")
    taken = api.post(path, operator, json=body | {"phone": "13800000002"})
    assert taken.status_code == 409 and taken.json()["code"] == "phone_taken"

    moved = api.post(path, operator, json=body)
    assert moved.status_code == 200, moved.text
    assert api.login("13800000009")
    old = api.post("/auth/token", data={"username": "13800000001", "password": PASSWORD})
    assert old.status_code == 401
    # the old number is free for someone else now
    assert api.register("13800000001")
