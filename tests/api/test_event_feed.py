"""The integration feed (GET /api/v1/events): every event once, in store order, resumable from
any position, long-polling until an event lands (from this process or another), allow-listed
bodies (no password hash or reset code ever leaves), for the integration role only; and the
schema document (GET /api/v1/events/schema) listing every event type the feed can emit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from domain import context
from domain.accounts.staff import StaffMember
from domain.context import CommandContext, Role
from domain.ledger import Ledger
from interfaces.feed_schema.catalogue import event_types
from interfaces.feed_schema.document import schema_document
from interfaces.feed_schema.published import PUBLISHED
from interfaces.feed_schema.wire import hints
from tests.api.conftest import PASSWORD, Api

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store-before-areas.db"
NEW_PASSWORD = "Changed-456"


@pytest.fixture
def erp(api: Api) -> str:
    return api.enroll("13700000007", Role.INTEGRATION)[1]


def _old_events(tmp_path: Path) -> list[Any]:
    copy = tmp_path / "old.db"
    shutil.copy(FIXTURE, copy)
    old = Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(copy),
            "CREATE_TABLE": "n",
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        }
    )
    try:
        return list(old.recorder.select_notifications(start=1, limit=100_000))
    finally:
        old.close()


def _workload(api: Api, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """The old store's events (old topics), then new ones: the ERP's login, registrations, a
    member, a password reset by one-time code. Returns the ERP's token and the secrets that must
    never appear in the feed."""
    api.services.ledger.recorder.insert_events(_old_events(tmp_path))
    erp = api.enroll("13700000007", Role.INTEGRATION)[1]
    account, admin = api.register("13700000001")
    api.register("13700000002")
    member = {"phone": "13700000011", "name": "Buyer", "password": PASSWORD, "role_ids": []}
    assert api.post(f"/accounts/{account}/members", admin, json=member).status_code == 201
    assert api.post("/auth/password-reset", json={"phone": "13700000001"}).status_code == 202
    code = (api.sms.last_to("13700000001") or "").split("code is ")[1][:6]
    confirm = {"phone": "13700000001", "code": code, "new_password": NEW_PASSWORD}
    assert api.post("/auth/password-reset/confirm", json=confirm).status_code == 200
    assert api.post("/auth/password-reset", json={"phone": "13700000002"}).status_code == 202
    pending = (api.sms.last_to("13700000002") or "").split("code is ")[1][:6]
    return erp, {"code": code, "pending code": pending, **_hashes(api)}


def _hashes(api: Api) -> dict[str, str]:
    """Every password hash and reset-code hash in the store, read from the events themselves."""
    found: dict[str, str] = {}
    for n in api.services.ledger.recorder.select_notifications(start=1, limit=100_000):
        event = api.services.ledger.mapper.to_domain_event(n)
        for field in ("password_hash", "code_hash"):
            if getattr(event, field, None):
                found[f"{type(event).__qualname__}.{field}@{n.id}"] = getattr(event, field)
    assert any("PasswordResetStarted" in k for k in found)
    assert any(isinstance(v, str) and len(v) > 20 for v in found.values())
    return found


def _page(api: Api, token: str, **params: Any) -> dict[str, Any]:
    answer = api.get("/events", token, params=params)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _everything(api: Api, token: str, limit: int) -> tuple[list[dict[str, Any]], list[str]]:
    events: list[dict[str, Any]] = []
    texts: list[str] = []
    after = 0
    while True:
        answer = api.get("/events", token, params={"after": after, "limit": limit})
        page = answer.json()
        texts.append(answer.text)
        if not page["data"]:
            return events, texts
        assert page["count"] == len(page["data"]) <= limit
        events += page["data"]
        after = page["next_after"]
        assert after == page["data"][-1]["position"]


def test_paging_a_mixed_workload_gives_every_event_once_in_store_order(
    api: Api, tmp_path: Path
) -> None:
    erp, _ = _workload(api, tmp_path)
    events, _ = _everything(api, erp, limit=7)

    stored = api.services.ledger.recorder.select_notifications(start=1, limit=100_000)
    assert [e["position"] for e in events] == [n.id for n in stored]
    assert [(e["stream_id"], e["version"]) for e in events] == [
        (str(n.originator_id), n.originator_version) for n in stored
    ]
    types = {e["type"] for e in events}
    assert types <= set(event_types())
    assert {"FundsAccount.PaymentRecorded", "Account.PasswordResetStarted"} <= types
    assert not [t for t in types if t.startswith("domain")]  # old topics under today's names
    (scheduled,) = [e for e in events if e["type"] == "Contract.ProductionScheduled"]
    assert scheduled["schema_version"] == 2
    assert scheduled["body"] == {"line_no": 1, "quantity": "27.125", "production_week": None}


def test_a_page_resumes_from_any_position(api: Api, tmp_path: Path) -> None:
    erp, _ = _workload(api, tmp_path)
    everything = [e["position"] for e in _everything(api, erp, limit=500)[0]]
    middle = everything[len(everything) // 2]
    page = _page(api, erp, after=middle, limit=5)
    assert [e["position"] for e in page["data"]] == everything[len(everything) // 2 + 1 :][:5]
    assert page["next_after"] == page["data"][-1]["position"]
    assert page["head"] == everything[-1]


def test_no_password_hash_or_reset_code_ever_leaves(api: Api, tmp_path: Path) -> None:
    erp, secrets = _workload(api, tmp_path)
    api.enroll("13700000009", Role.FINANCE)  # a staff member's hash too
    secrets |= {"staff hash": _staff_hash(api, "13700000009")}
    events, texts = _everything(api, erp, limit=50)
    feed = "\n".join(texts)
    for name, secret in secrets.items():
        # a 6-digit code could occur by chance inside a time or an id: look for it as a value
        assert (f'"{secret}"' if name.endswith("code") else secret) not in feed, name
    for password in (PASSWORD, NEW_PASSWORD):
        assert password not in feed
    registered = next(e for e in events if e["type"] == "Account.Registered")
    assert set(registered["body"]) == {"admin_id", "email", "name", "phone", "rules_version"}


def _staff_hash(api: Api, phone: str) -> str:
    for n in api.services.ledger.recorder.select_notifications(start=1, limit=100_000):
        event = api.services.ledger.mapper.to_domain_event(n)
        if isinstance(event, StaffMember.Enrolled) and event.phone == phone:
            return str(event.password_hash)
    raise AssertionError(phone)


def test_a_long_poll_returns_as_soon_as_an_event_lands(api: Api, erp: str) -> None:
    head = _page(api, erp, after=0, limit=500)["head"]

    def register_soon() -> None:
        time.sleep(0.6)
        with context.acting(CommandContext(clock=api.clock)):
            api.services.accounts.register("13700000003", PASSWORD, "Late", None, True)

    writer = threading.Thread(target=register_soon)
    started = time.monotonic()
    writer.start()
    page = _page(api, erp, after=head, wait=20)
    elapsed = time.monotonic() - started
    writer.join()
    assert 0.5 <= elapsed < 10
    assert page["data"] and page["data"][0]["position"] > head
    assert "Account.Registered" in {e["type"] for e in page["data"]}


def test_long_polls_hold_no_worker_thread(api: Api, erp: str) -> None:
    """More waiting followers than the server has worker threads (40): a plain (threaded)
    request is still answered at once, and one event wakes every follower."""
    head = _page(api, erp)["head"]
    answers: list[dict[str, Any]] = []

    def follow() -> None:
        answers.append(_page(api, erp, after=head, wait=20))

    followers = [threading.Thread(target=follow) for _ in range(45)]
    for follower in followers:
        follower.start()
    time.sleep(1.0)
    started = time.monotonic()
    assert api.get("/me", erp).status_code == 200  # a sync route: needs a worker thread
    assert time.monotonic() - started < 5
    with context.acting(CommandContext(clock=api.clock)):
        api.services.accounts.register("13700000004", PASSWORD, "Woken", None, True)
    for follower in followers:
        follower.join(timeout=30)
    assert len(answers) == 45 and all(a["data"] for a in answers)


def test_a_long_poll_wakes_for_an_event_stored_by_another_process(api: Api, erp: str) -> None:
    if api.services.settings.persistence != "postgres":
        pytest.skip("another process shares the store on PostgreSQL")
    head = _page(api, erp)["head"]
    env = api.services.settings.eventsourcing_env(create_table=False)
    script = (
        "import json, sys, time, uuid\n"
        "from domain.ledger import Claim, Ledger\n"
        "time.sleep(0.6)\n"
        "ledger = Ledger(env=json.loads(sys.argv[1]))\n"
        "ledger.save(Claim(kind='feed-test', value='elsewhere', owner_id=uuid.uuid4()))\n"
        "ledger.close()\n"
    )
    other = subprocess.Popen([sys.executable, "-c", script, json.dumps(env)])
    try:
        page = _page(api, erp, after=head, wait=25)
    finally:
        other.wait(timeout=30)
    assert other.returncode == 0
    assert [e["type"] for e in page["data"]] == ["Claim.Made"]
    assert page["data"][0]["body"] == {}  # bookkeeping: the envelope only


def test_a_long_poll_with_nothing_new_answers_an_empty_page_after_its_wait(
    api: Api, erp: str
) -> None:
    head = _page(api, erp)["head"]
    started = time.monotonic()
    page = _page(api, erp, after=head, wait=0.5)
    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 5
    assert (page["data"], page["next_after"], page["head"]) == ([], head, head)


def test_after_beyond_the_head_is_an_empty_page(api: Api, erp: str) -> None:
    head = _page(api, erp)["head"]
    page = _page(api, erp, after=head + 1000)
    assert (page["data"], page["next_after"]) == ([], head + 1000)
    assert _page(api, erp, after=2**63 - 1)["data"] == []


def test_the_feed_is_for_the_integration_role_only(api: Api, operator: str) -> None:
    _, buyer = api.register("13700000001")
    for token in (buyer, operator):
        answer = api.get("/events", token)
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["code"] == "forbidden"
    assert api.get("/events").status_code == 401


@pytest.mark.parametrize(
    "params",
    [{"after": -1}, {"limit": 0}, {"limit": 501}, {"wait": 31}, {"wait": -1}, {"wait": "nan"}],
)
def test_bad_parameters_are_refused(api: Api, erp: str, params: dict[str, Any]) -> None:
    answer = api.get("/events", erp, params=params)
    assert answer.status_code == 422
    assert answer.json()["code"] == "validation_error"


def test_the_schema_document_lists_every_event_type_the_feed_can_emit(api: Api) -> None:
    answer = api.get("/events/schema")
    assert answer.status_code == 200
    document = answer.json()
    listed = document["event_types"]
    assert set(listed) == set(event_types())
    assert listed["Contract.ProductionScheduled"]["schema_version"] == 2
    body = listed["Contract.ProductionScheduled"]["body"]
    assert body["properties"]["quantity"]["format"] == "decimal"
    assert listed["Claim.Made"]["published"] is False
    company = listed["Account.CompanyBound"]["body"]["properties"]["company"]["$ref"]
    assert company.removeprefix("#/$defs/") in document["$defs"]
    assert "password_hash" not in json.dumps(listed)


def test_every_published_field_exists_on_its_event_class() -> None:
    known = event_types()
    missing = [
        f"{name}.{field}"
        for name, fields in PUBLISHED.items()
        for field in fields
        if name not in known or field not in hints(known[name])
    ]
    assert missing == []


def test_the_feed_is_in_the_openapi_document(api: Api) -> None:
    document = api.client.get("/openapi.json").json()
    feed = document["paths"]["/api/v1/events"]["get"]
    assert {p["name"] for p in feed["parameters"]} == {"after", "limit", "wait"}
    assert feed["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EventsPage"
    }
    assert "/api/v1/events/schema" in document["paths"]


def test_no_published_field_or_value_type_is_named_like_a_secret() -> None:
    """A guard beside the allow-list: a value type published whole must not grow a secret."""
    document = schema_document()
    names = [
        f"{kind}.{field}"
        for kind, schema in (
            *((n, t["body"]) for n, t in document["event_types"].items()),
            *document["$defs"].items(),
        )
        for field in schema.get("properties", {})
    ]
    secret = ("password", "secret", "token", "code_hash", "otp")
    assert [n for n in names if any(s in n.split(".")[-1] for s in secret)] == []
