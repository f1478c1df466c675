"""Balances, journal, tracking and reconciliation through HTTP: who sees what, decimals as
strings, read-your-writes with ``wait_for``, and the ``steelyard reconcile`` command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from typer.testing import CliRunner

from domain import context
from domain.accounts.account import Account
from domain.context import Actor, Clock, CommandContext, FrozenClock, Role
from domain.unit_of_work import UnitOfWork
from domain.values import Money
from interfaces import cli
from tests.api.conftest import PASSWORD, Api


@dataclass(frozen=True)
class Cast:
    east: UUID  # a customer bound to the east manager
    east_admin: str
    north: UUID  # a customer bound to the north manager
    north_admin: str
    east_manager: str
    north_manager: str
    finance: str


@pytest.fixture
def cast(api: Api, operator: str) -> Cast:
    api.import_registry(operator, (1, "east"), (2, "north"))
    _, east_manager = api.enroll("13900000004", Role.MANAGER, "east")
    _, north_manager = api.enroll("13900000005", Role.MANAGER, "north")
    _, finance = api.enroll("13900000002", Role.FINANCE)
    east, east_admin = api.register("13800000001")
    north, north_admin = api.register("13800000002")
    for company, admin, n, region in (
        (east, east_admin, 1, "east"),
        (north, north_admin, 2, "north"),
    ):
        bound = api.post(f"/accounts/{company}/company", admin, json=api.company(n, region))
        assert bound.json()["certification"] == "certified", bound.text
    return Cast(east, east_admin, north, north_admin, east_manager, north_manager, finance)


def as_finance(api: Api, clock: Clock | None = None) -> Any:
    actor = Actor(uuid4(), Role.FINANCE)
    ctx = CommandContext(actor=actor, clock=clock or api.clock, request_id="finance-desk")
    return context.acting(ctx)


def pay(api: Api, company: UUID, amount: str, reference: str, category: str | None = None) -> int:
    with as_finance(api):
        outcome = api.services.funds.record_payment(
            company, Money.parse(amount), reference, category
        )
    return outcome.position


def ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def test_a_buyer_reads_its_own_payment_at_once_with_wait_for(api: Api, cast: Cast) -> None:
    position = pay(api, cast.east, "1250.50", "CMB-1", category="HRC")

    mine = ok(api.get(f"/me/balances?wait_for={position}", cast.east_admin))

    assert mine["company_id"] == str(cast.east) and mine["opened"] is True
    assert mine["financial_balance"] == "1250.50"  # a decimal string, never a number
    assert mine["allocated"] == "1250.50" and mine["unallocated"] == "0.00"
    hrc = next(c for c in mine["categories"] if c["category"] == "HRC")
    assert hrc == {
        "category": "HRC",
        "category_name": None,  # this store's catalog has not defined the category
        "amount": "1250.50",
        "available_to_order": "1250.50",
    }
    assert {c["category"] for c in mine["categories"]} >= {"PLATE", "WIRE"}
    assert mine["trade"]["shipped"] == "0.000"
    same = ok(api.get(f"/funds/{cast.east}/balances?wait_for={position}", cast.east_admin))
    assert same == mine


def test_a_company_without_funds_shows_zeros(api: Api, cast: Cast) -> None:
    shown = ok(api.get(f"/funds/{cast.north}/balances", cast.finance))
    assert (shown["opened"], shown["financial_balance"], shown["credit_open"]) == (
        False, "0.00", False,
    )  # fmt: skip


def test_who_sees_a_companys_balances_and_journal(api: Api, cast: Cast, operator: str) -> None:
    position = pay(api, cast.east, "100", "CMB-1")
    enrolled = {
        role: api.enroll(phone, role)
        for role, phone in (
            (Role.AUDITOR, "13900000003"),
            (Role.SUPERVISOR, "13900000006"),
            (Role.INTEGRATION, "13900000007"),
        )
    }
    # a supervisor sees its team's customers only (issue 11): the east manager's team
    east_manager = UnitOfWork(api.services.ledger).get(Account, cast.east).manager_id
    team = {"lead_id": str(enrolled[Role.SUPERVISOR][0])}
    assert api.post(f"/staff/{east_manager}/team", operator, json=team).status_code == 200
    supervisor = enrolled[Role.SUPERVISOR][1]
    staff = {role: token for role, (_, token) in enrolled.items()}
    for path in (f"/funds/{cast.east}/balances", f"/funds/{cast.east}/journal"):
        url = f"{path}?wait_for={position}"
        for token in (cast.east_admin, cast.east_manager, cast.finance, *staff.values()):
            expected = 403 if token == staff[Role.INTEGRATION] else 200
            assert api.get(url, token).status_code == expected, path
        outside = api.get(url.replace(str(cast.east), str(cast.north)), supervisor)
        assert outside.status_code == 404, path  # the north customer is not its team's
        for token in (cast.north_admin, cast.north_manager):
            refused = api.get(url, token)
            assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert api.get(f"/funds/{uuid4()}/balances", cast.finance).status_code == 404
    assert api.get("/me/balances", cast.finance).status_code == 404
    assert api.get("/me/balances").status_code == 401


def test_a_member_needs_funds_view(api: Api, cast: Cast) -> None:
    def member(phone: str, permissions: list[str]) -> str:
        role = api.post(
            f"/accounts/{cast.east}/roles",
            cast.east_admin,
            json={"name": f"role {phone}", "permissions": permissions},
        ).json()["role_id"]
        added = api.post(
            f"/accounts/{cast.east}/members",
            cast.east_admin,
            json={"phone": phone, "name": "Li", "password": PASSWORD, "role_ids": [role]},
        )
        assert added.status_code == 201, added.text
        return api.login(phone)

    viewer = member("13800000011", ["funds.view"])
    orderer = member("13800000012", ["orders.place"])
    for path in ("/me/balances", f"/funds/{cast.east}/journal", "/tracking/payments"):
        assert api.get(path, viewer).status_code == 200, path
        refused = api.get(path, orderer)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden", path


def test_the_journal_lists_entries_with_lines_and_who_caused_them(api: Api, cast: Cast) -> None:
    pay(api, cast.east, "1000", "CMB-1")
    two_days_later = FrozenClock(api.clock() + timedelta(days=2))  # tokens stay valid
    with as_finance(api, two_days_later):
        outcome = api.services.funds.allocate(cast.east, Money.parse("400"), "PLATE")

    url = f"/funds/{cast.east}/journal?wait_for={outcome.position}"
    journal = ok(api.get(url, cast.east_admin))

    assert journal["count"] == 2
    newest = journal["data"][0]
    assert (newest["kind"], newest["event"], newest["posted_on"]) == (
        "allocation", "FundsAllocated", "2026-11-28",
    )  # fmt: skip
    assert newest["lines"] == [
        {"bucket": "unallocated", "amount": "-400.00"},
        {"bucket": "category:PLATE", "amount": "400.00"},
    ]
    assert newest["caused_by"]["role"] == "finance"
    assert newest["caused_by"]["request_id"] == "finance-desk"
    only = ok(api.get(f"{url}&kind=payment&limit=1", cast.east_admin))
    assert [e["reference"] for e in only["data"]] == ["CMB-1"]
    assert ok(api.get(f"{url}&from=2026-11-27", cast.east_admin))["count"] == 1
    assert ok(api.get(f"{url}&to=2026-11-27", cast.east_admin))["count"] == 1
    assert api.get(f"{url}&limit=0", cast.east_admin).status_code == 422


def test_tracking_lists_follow_the_scope_rules(api: Api, cast: Cast) -> None:
    pay(api, cast.east, "100", "EAST-1")
    position = pay(api, cast.north, "200", "NORTH-1", category="WIRE")
    wait = f"wait_for={position}"

    def references(token: str, query: str = "") -> list[str]:
        page = ok(api.get(f"/tracking/payments?{wait}{query}", token))
        return sorted(p["bank_reference"] for p in page["data"])

    assert references(cast.finance) == ["EAST-1", "NORTH-1"]
    assert references(cast.finance, f"&company_id={cast.north}") == ["NORTH-1"]
    assert references(cast.east_admin) == ["EAST-1"]
    assert references(cast.east_manager) == ["EAST-1"]
    assert references(cast.north_manager) == ["NORTH-1"]
    for token in (cast.east_admin, cast.east_manager):
        foreign = api.get(f"/tracking/payments?company_id={cast.north}", token)
        assert foreign.status_code == 404
    payment = ok(api.get(f"/tracking/payments?{wait}", cast.north_admin))["data"][0]
    assert (payment["amount"], payment["category"], payment["recorded_role"]) == (
        "200.00", "WIRE", "finance",
    )  # fmt: skip


def test_refund_tracking_shows_each_state(api: Api, cast: Cast) -> None:
    pay(api, cast.east, "1000", "CMB-1")
    east_admin = Actor(uuid4(), Role.BUYER_ADMIN, cast.east)
    with context.acting(CommandContext(actor=east_admin, clock=api.clock)):
        refund = api.services.funds.request_refund(cast.east, Money.parse("300"), memo="overpaid")
    refund_id = refund.result["refund_id"]
    url = f"/tracking/refunds-transfers?wait_for={refund.position}"
    requested = ok(api.get(url, cast.east_admin))["data"]
    assert [(r["kind"], r["status"], r["amount"]) for r in requested] == [
        ("refund", "requested", "300.00")
    ]
    with as_finance(api):
        api.services.funds.approve_refund(cast.east, refund_id)
        paid = api.services.funds.mark_refund_paid(cast.east, refund_id, "OUT-7")
    url = f"/tracking/refunds-transfers?wait_for={paid.position}&status=paid"
    done = ok(api.get(url, cast.east_manager))["data"]
    assert [(r["status"], r["bank_reference"], r["memo"]) for r in done] == [
        ("paid", "OUT-7", "overpaid")
    ]
    assert ok(api.get(url, cast.north_manager))["data"] == []
    balances = ok(api.get(f"/me/balances?wait_for={paid.position}", cast.east_admin))
    assert (balances["unallocated"], balances["held"]) == ("700.00", "0.00")


def test_reconciliation_through_the_api_and_the_command_line(
    api: Api, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    position = pay(api, cast.east, "500", "CMB-1")
    _, auditor = api.enroll("13900000003", Role.AUDITOR)
    assert api.get("/audit/reconcile", cast.east_admin).status_code == 403
    clean = ok(api.get(f"/audit/reconcile?wait_for={position}", auditor))
    assert (clean["ok"], clean["companies"], clean["differences"]) == (True, 1, [])
    _use_test_store(api, monkeypatch)
    assert CliRunner().invoke(cli.app, ["reconcile"]).exit_code == 0

    with api.services.views.transaction() as tx:
        tx.execute(
            "UPDATE fund_buckets SET amount = %s WHERE company_id = %s AND bucket = %s",
            (Decimal("5.00"), cast.east, "unallocated"),
        )
    tampered = ok(api.get("/audit/reconcile", cast.finance))
    assert tampered["ok"] is False
    assert tampered["differences"] == [
        {
            "company_id": str(cast.east),
            "figure": "bucket unallocated",
            "view": "5.00",
            "replayed": "500.00",
        }
    ]
    failed = CliRunner().invoke(cli.app, ["reconcile"])
    assert failed.exit_code == 1
    assert "bucket unallocated" in failed.output


def _use_test_store(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``Settings.from_env()`` (what the CLI reads) name this test's store."""
    settings = api.services.settings
    monkeypatch.setenv("STEELYARD_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("STEELYARD_SQLITE_PATH", str(settings.sqlite_path))
    monkeypatch.setenv("POSTGRES_SCHEMA", settings.postgres.schema)
