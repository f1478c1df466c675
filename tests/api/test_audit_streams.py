"""Any stream as of a version or a moment (GET /audit/streams/{id}): the right state and events,
who may ask, and the bad inputs each named."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.context import Role
from domain.funds.account import FundsAccount
from tests.api.conftest import Api


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def auditor(api: Api) -> str:
    return api.enroll("13900000003", Role.AUDITOR)[1]


@pytest.fixture
def finance(api: Api) -> tuple[UUID, str]:
    return api.enroll("13900000002", Role.FINANCE)


@pytest.fixture
def funds_history(api: Api, finance: tuple[UUID, str]) -> tuple[UUID, UUID]:
    """A company paid 1,000.00 at 02:00 UTC and 500.00 at 02:15 UTC; a refund of 200.00
    requested at 02:30 and rejected with a reason at 02:45 (clock: 2026-11-26)."""
    _, token = finance
    company, admin = api.register("13800000001")
    for amount, ref in (("1000.00", "CMB-1"), ("500.00", "CMB-2")):
        body = {"amount": amount, "bank_reference": ref}
        ok(api.post(f"/funds/{company}/payments", token, json=body), 201)
        api.clock.advance(minutes=15)
    refund = {"amount": "200.00", "source": "unallocated", "memo": "overpaid"}
    refund_id = ok(api.post(f"/funds/{company}/refunds", admin, json=refund), 201)["refund_id"]
    api.clock.advance(minutes=15)
    reject = {"reason": "the contract is still open"}
    ok(api.post(f"/funds/{company}/refunds/{refund_id}/reject", token, json=reject))
    return company, FundsAccount.id_for(company)


def test_a_stream_at_a_version_shows_its_state_and_the_events_up_to_it(
    api: Api, auditor: str, finance: tuple[UUID, str], funds_history: tuple[UUID, UUID]
) -> None:
    company, stream = funds_history
    seen = ok(api.get(f"/audit/streams/{stream}?version=2", auditor))
    assert seen["aggregate"] == "FundsAccount"
    assert seen["version"] == 2 and seen["last_version"] == 5
    assert [e["type"] for e in seen["events"]] == ["Opened", "PaymentRecorded"]
    assert seen["state"]["balances"]["unallocated"] == "1000.00"
    assert seen["state"]["company_id"] == str(company)
    paid = seen["events"][1]
    assert paid["version"] == 2 and paid["time"] == "2026-11-26T02:00:00Z"
    assert paid["time_shanghai"] == "2026-11-26T10:00:00+08:00"
    assert paid["user_id"] == str(finance[0]) and paid["role"] == "finance"
    assert paid["request_id"]
    assert paid["fields"]["payment"]["amount"] == "1000.00"
    positions = [e["position"] for e in seen["events"]]
    assert all(isinstance(p, int) for p in positions) and positions == sorted(positions)
    assert seen["as_of"] == "2026-11-26T02:00:00Z"


def test_the_stated_reason_of_a_command_comes_with_its_event(
    api: Api, auditor: str, funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    seen = ok(api.get(f"/audit/streams/{stream}", auditor))
    assert seen["version"] == seen["last_version"] == 5
    rejected = seen["events"][-1]
    assert rejected["type"] == "RefundRejected"
    assert rejected["reason"] == "the contract is still open"
    assert seen["events"][1]["reason"] is None


def test_a_stream_at_a_utc_moment_is_the_last_version_at_or_before_it(
    api: Api, auditor: str, funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    seen = ok(api.get(f"/audit/streams/{stream}", auditor, params={"at": "2026-11-26T02:20:00Z"}))
    assert seen["version"] == 3
    assert seen["state"]["balances"]["unallocated"] == "1500.00"
    exactly = {"at": "2026-11-26T02:15:00Z"}  # the second payment's own moment counts
    assert ok(api.get(f"/audit/streams/{stream}", auditor, params=exactly))["version"] == 3


def test_a_stream_at_a_shanghai_moment_is_the_same_instant(
    api: Api, auditor: str, funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    at = {"at": "2026-11-26T10:14:59+08:00"}  # 02:14:59 UTC: only the first payment
    seen = ok(api.get(f"/audit/streams/{stream}", auditor, params=at))
    assert seen["version"] == 2
    assert seen["state"]["balances"]["unallocated"] == "1000.00"
    assert seen["as_of_shanghai"] == "2026-11-26T10:00:00+08:00"


def test_finance_may_look_and_buyers_managers_and_operators_may_not(
    api: Api, finance: tuple[UUID, str], funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    ok(api.get(f"/audit/streams/{stream}?version=1", finance[1]))
    buyer = api.login("13800000001")
    problem(api.get(f"/audit/streams/{stream}", buyer), 403, "forbidden")
    for phone, role in (("13900000001", Role.OPERATOR), ("13900000004", Role.MANAGER)):
        token = api.enroll(phone, role, "east")[1]
        problem(api.get(f"/audit/streams/{stream}", token), 403, "forbidden")
    assert api.get(f"/audit/streams/{stream}").status_code == 401


def test_a_version_beyond_the_end_is_refused_naming_the_end(
    api: Api, auditor: str, funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    body = problem(
        api.get(f"/audit/streams/{stream}?version=6", auditor), 422, "version_beyond_end"
    )
    assert body["last_version"] == 5 and "version 5" in body["detail"]
    problem(api.get(f"/audit/streams/{stream}?version=0", auditor), 422, "validation_error")


def test_a_moment_before_the_first_event_is_refused(
    api: Api, auditor: str, funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    at = {"at": "2026-11-26T09:59:59+08:00"}
    body = problem(
        api.get(f"/audit/streams/{stream}", auditor, params=at), 422, "before_first_event"
    )
    assert body["first_event_at"] == "2026-11-26T02:00:00Z"


def test_a_time_without_its_zone_or_with_a_version_is_refused(
    api: Api, auditor: str, funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    naive = {"at": "2026-11-26T10:00:00"}
    problem(api.get(f"/audit/streams/{stream}", auditor, params=naive), 422, "time_needs_zone")
    both = {"at": "2026-11-26T10:00:00Z", "version": 2}
    problem(api.get(f"/audit/streams/{stream}", auditor, params=both), 422, "version_or_time")
    garbage = {"at": "yesterday"}
    problem(api.get(f"/audit/streams/{stream}", auditor, params=garbage), 422, "validation_error")


def test_an_unknown_stream_is_404(api: Api, auditor: str) -> None:
    problem(api.get(f"/audit/streams/{uuid4()}", auditor), 404, "not_found")
    problem(api.get("/audit/streams/not-a-uuid", auditor), 422, "validation_error")


def test_password_hashes_never_show_in_an_account_stream(api: Api, auditor: str) -> None:
    company, _ = api.register("13800000002")
    seen = ok(api.get(f"/audit/streams/{company}", auditor))
    assert seen["aggregate"] == "Account"
    registered = seen["events"][0]
    assert registered["fields"]["password_hash"] == "(hidden)"
    member = next(iter(seen["state"]["members"].values()))
    assert member["password_hash"] == "(hidden)" and member["phone"] == "13800000002"
    assert "argon2" not in str(seen) and "$" not in str(seen["state"]["members"])


def test_a_moment_shows_the_history_up_to_its_first_later_event(
    api: Api, auditor: str, finance: tuple[UUID, str]
) -> None:
    """A clock set back (a later event recorded with an earlier time) does not pull the
    events after the moment into it: the stream as of a moment is a prefix of its history."""
    company, _ = api.register("13800000003")
    for ref, minutes in (("CMB-A", 0), ("CMB-B", 30), ("CMB-C", -20)):  # 02:00, 02:30, 02:10
        api.clock.advance(minutes=minutes)
        body = {"amount": "100.00", "bank_reference": ref}
        ok(api.post(f"/funds/{company}/payments", finance[1], json=body), 201)
    stream = FundsAccount.id_for(company)
    seen = ok(api.get(f"/audit/streams/{stream}", auditor, params={"at": "2026-11-26T02:20:00Z"}))
    assert seen["version"] == 2 and seen["state"]["balances"]["unallocated"] == "100.00"


def test_a_version_beyond_the_end_is_said_in_chinese_when_asked(
    api: Api, auditor: str, funds_history: tuple[UUID, UUID]
) -> None:
    _, stream = funds_history
    chinese = {"Accept-Language": "zh-CN"}
    response = api.get(f"/audit/streams/{stream}?version=9", auditor, headers=chinese)
    body = problem(response, 422, "version_beyond_end")
    assert body["detail"] == "该记录流只到第 5 版。"
    assert response.headers["content-language"] == "zh-CN"
