"""Funds through HTTP: payments, allocation, transfers, refunds, deposits, rebates, the credit
line and its scheduler; bad input, who may do what, idempotency and races."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain import context
from domain.context import Actor, CommandContext, Role
from domain.errors import ConflictError
from domain.values import Money
from interfaces.scheduler import run_due
from tests.api.conftest import PASSWORD, Api


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["status"] == status and body["detail"]
    return body


@pytest.fixture
def finance(api: Api) -> str:
    return api.enroll("13900000002", Role.FINANCE)[1]


@pytest.fixture
def buyer(api: Api) -> tuple[UUID, str]:
    return api.register("13800000001")


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def pay(api: Api, token: str, company: UUID, amount: str, ref: str, **extra: Any) -> Any:
    body = {"amount": amount, "bank_reference": ref, **extra}
    return ok(api.post(f"/funds/{company}/payments", token, json=body), 201)


def statement(api: Api, token: str, company: UUID) -> dict[str, Any]:
    return ok(api.get(f"/funds/{company}", token))


def balances(api: Api, token: str, company: UUID) -> dict[str, str]:
    result: dict[str, str] = statement(api, token, company)["balances"]
    return result


def without_holds(buckets: dict[str, str]) -> dict[str, str]:
    return {b: a for b, a in buckets.items() if not b.startswith("held:")}


# ---- payments ------------------------------------------------------------------------------


def test_a_recorded_payment_shows_in_the_statement_as_exact_strings(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    response = api.post(
        f"/funds/{company}/payments",
        finance,
        json={"amount": "1250.5", "bank_reference": "CMB-20261126-0042"},
    )
    paid = ok(response, 201)
    assert paid["amount"] == "1250.50" and paid["purpose"] == "funds"
    assert paid["bank_reference"] == "CMB-20261126-0042"
    assert paid["position"] == api.services.ledger.head()
    assert response.headers["X-Event-Position"] == str(paid["position"])
    seen = statement(api, admin, company)
    assert seen["balances"] == {"seller.bank": "-1250.50", "unallocated": "1250.50"}
    assert seen["financial_balance"] == "1250.50"
    assert seen["available_to_order"] == "0.00"


def test_the_same_bank_reference_twice_is_one_payment(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    first = pay(api, finance, company, "1000.00", "REF-1")
    head = api.services.ledger.head()
    again = pay(api, finance, company, "1000.00", " REF-1 ")
    assert again == first
    assert api.services.ledger.head() == head
    assert balances(api, admin, company)["unallocated"] == "1000.00"


def test_a_bank_reference_reused_with_another_amount_or_company_is_a_conflict(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, _ = buyer
    other, _ = api.register("13800000002")
    pay(api, finance, company, "1000.00", "REF-1")
    head = api.services.ledger.head()
    for target, amount in ((company, "999.00"), (other, "1000.00")):
        body = {"amount": amount, "bank_reference": "REF-1"}
        problem(
            api.post(f"/funds/{target}/payments", finance, json=body),
            409,
            "bank_reference_conflict",
        )
    assert api.services.ledger.head() == head


def test_a_payment_can_go_straight_to_a_category_or_the_deposit(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "500.00", "REF-1", category="PLATE")
    pay(api, finance, company, "3000.00", "REF-2", purpose="deposit")
    seen = statement(api, admin, company)
    assert seen["balances"] == {
        "category:PLATE": "500.00",
        "deposit.free": "3000.00",
        "seller.bank": "-3500.00",
    }
    assert seen["available_to_order"] == "500.00"


def test_racing_requests_with_one_bank_reference_record_one_payment(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    answers: list[dict[str, Any]] = []
    start = threading.Barrier(6)

    def record() -> None:
        start.wait()
        body = {"amount": "700.00", "bank_reference": "RACE-1"}
        answers.append(api.post(f"/funds/{company}/payments", finance, json=body).json())

    threads = [threading.Thread(target=record) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({a.get("entry_id") for a in answers}) == 1, answers
    assert balances(api, admin, company)["unallocated"] == "700.00"


# ---- allocation and transfers ------------------------------------------------------------


def test_allocation_gives_unallocated_money_a_category(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    body = {"amount": "600.00", "category": "HRC"}
    allocated = ok(api.post(f"/funds/{company}/allocations", finance, json=body), 201)
    assert allocated["kind"] == "allocation"
    assert allocated["balances"]["category:HRC"] == "600.00"
    seen = statement(api, admin, company)
    assert seen["balances"]["unallocated"] == "400.00"
    assert seen["available_to_order"] == "600.00"
    assert seen["financial_balance"] == "1000.00"


def test_a_transfer_between_categories_waits_for_finance_then_moves(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1", category="HRC")
    body = {"amount": "250.00", "from_category": "HRC", "to_category": "PLATE", "memo": "re-plan"}
    requested = ok(api.post(f"/funds/{company}/transfers", admin, json=body), 201)
    assert requested["status"] == "requested" and requested["amount"] == "250.00"
    transfer = requested["transfer_id"]
    held = balances(api, admin, company)
    assert held["category:HRC"] == "750.00" and held[f"held:transfer:{transfer}"] == "250.00"

    approved = ok(api.post(f"/funds/{company}/transfers/{transfer}/approve", finance))
    assert approved["status"] == "approved"
    assert without_holds(balances(api, admin, company)) == {
        "category:HRC": "750.00",
        "category:PLATE": "250.00",
        "seller.bank": "-1000.00",
    }
    again = api.post(f"/funds/{company}/transfers/{transfer}/approve", finance)
    problem(again, 409, "invalid_transition")


def test_a_transfer_to_another_company_changes_both_statements_in_one_write(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    source, source_admin = buyer
    target, target_admin = api.register("13800000002")
    pay(api, finance, source, "1000.00", "REF-1", category="HRC")
    body = {"amount": "400.00", "from_category": "HRC", "to_company_id": str(target)}
    transfer = ok(api.post(f"/funds/{source}/transfers", source_admin, json=body), 201)
    head = api.services.ledger.head()

    approved = ok(api.post(f"/funds/{source}/transfers/{transfer['transfer_id']}/approve", finance))

    written = api.services.ledger.recorder.select_notifications(start=head + 1, limit=10)
    assert [n.topic.rsplit(".", 1)[-1] for n in written] == [
        "TransferApproved",
        "Made",  # the decided transfer's claim (domain/funds/spent.py)
        "Opened",
        "TransferReceived",
    ]
    assert approved["position"] == written[-1].id == api.services.ledger.head()
    assert balances(api, source_admin, source)["category:HRC"] == "600.00"
    assert balances(api, target_admin, target) == {
        "seller.transfers": "-400.00",
        "unallocated": "400.00",
    }


def test_unallocated_money_cannot_be_transferred(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    head = api.services.ledger.head()
    body = {"amount": "100.00", "from_category": "unallocated", "to_category": "HRC"}
    problem(api.post(f"/funds/{company}/transfers", admin, json=body), 422, "not_allocated")
    assert api.services.ledger.head() == head


def test_a_rejected_transfer_gives_the_money_back_and_needs_a_reason(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1", category="HRC")
    body = {"amount": "300.00", "from_category": "HRC", "to_category": "WIRE"}
    transfer = ok(api.post(f"/funds/{company}/transfers", admin, json=body), 201)["transfer_id"]
    path = f"/funds/{company}/transfers/{transfer}/reject"
    problem(api.post(path, finance, json={"reason": "  "}), 422, "reason_required")
    rejected = ok(api.post(path, finance, json={"reason": "WIRE is not on your contract"}))
    assert rejected["status"] == "rejected"
    assert without_holds(balances(api, admin, company))["category:HRC"] == "1000.00"


# ---- refunds and deposits ----------------------------------------------------------------


def test_a_refund_is_requested_approved_and_paid(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    body = {
        "amount": "300.00",
        "bank_name": "Bank of Qingdao",
        "bank_account": "6222000000000001",
        "memo": "overpaid",
    }
    requested = ok(api.post(f"/funds/{company}/refunds", admin, json=body), 201)
    assert requested["status"] == "requested" and requested["source"] == "unallocated"
    assert "Bank of Qingdao 6222000000000001" in requested["memo"]
    refund = requested["refund_id"]
    assert balances(api, admin, company)["unallocated"] == "700.00"

    approved = ok(api.post(f"/funds/{company}/refunds/{refund}/approve", finance))
    assert approved["status"] == "approved"
    body = {"bank_reference": "OUT-20261126-1"}
    paid = ok(api.post(f"/funds/{company}/refunds/{refund}/paid", finance, json=body))
    assert paid["status"] == "paid" and paid["bank_reference"] == "OUT-20261126-1"
    seen = statement(api, admin, company)
    assert seen["balances"] == {"seller.bank": "-700.00", "unallocated": "700.00"}
    assert seen["financial_balance"] == "700.00"


def test_a_rejected_refund_returns_the_money(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    body = {"amount": "1000.00"}
    refund = ok(api.post(f"/funds/{company}/refunds", admin, json=body), 201)["refund_id"]
    path = f"/funds/{company}/refunds/{refund}/reject"
    assert ok(api.post(path, finance, json={"reason": "no bank details"}))["status"] == "rejected"
    assert without_holds(balances(api, admin, company))["unallocated"] == "1000.00"
    problem(
        api.post(f"/funds/{company}/refunds/{refund}/paid", finance, json={"bank_reference": "X"}),
        409,
        "invalid_transition",
    )


def test_a_refund_above_the_free_money_is_refused_and_writes_nothing(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    ok(api.post(f"/funds/{company}/deposits", admin, json={"amount": "400.00"}), 201)
    head = api.services.ledger.head()
    refused = api.post(f"/funds/{company}/refunds", admin, json={"amount": "600.01"})
    body = problem(refused, 409, "insufficient_funds")
    assert body["available"] == "600.00" and body["needed"] == "600.01"
    assert api.services.ledger.head() == head


def test_racing_refunds_never_take_more_than_the_free_money(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    codes: list[int] = []
    start = threading.Barrier(8)

    def request() -> None:
        start.wait()
        body = {"amount": "300.00"}
        codes.append(api.post(f"/funds/{company}/refunds", admin, json=body).status_code)

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201] * 3 + [409] * 5
    assert balances(api, admin, company)["unallocated"] == "100.00"


def test_a_deposit_top_up_moves_unallocated_money_to_the_free_deposit(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "5000.00", "REF-1")
    topped = ok(api.post(f"/funds/{company}/deposits", admin, json={"amount": "3000"}), 201)
    assert topped["kind"] == "deposit_top_up"
    seen = statement(api, admin, company)
    assert seen["balances"]["deposit.free"] == "3000.00"
    assert seen["balances"]["unallocated"] == "2000.00"
    assert seen["financial_balance"] == "5000.00"


def test_an_idempotency_key_makes_a_repeated_request_one_refund(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    headers = {"Idempotency-Key": "refund-2026-11-26"}
    body = {"amount": "100.00"}
    first = api.post(f"/funds/{company}/refunds", admin, json=body, headers=headers)
    head = api.services.ledger.head()
    again = api.post(f"/funds/{company}/refunds", admin, json=body, headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["refund_id"] == first.json()["refund_id"]
    assert api.services.ledger.head() == head
    assert balances(api, admin, company)["unallocated"] == "900.00"


# ---- rebates, penalties, credit ----------------------------------------------------------


def test_rebate_credit_and_breach_penalty_are_each_charged_once(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "5000.00", "REF-1", purpose="deposit")
    rebate = {"amount": "120.00", "reference": "VIP-2026-Q4"}
    first = ok(api.post(f"/funds/{company}/rebate-credits", finance, json=rebate), 201)
    again = ok(api.post(f"/funds/{company}/rebate-credits", finance, json=rebate), 201)
    assert again["entry_id"] == first["entry_id"]
    penalty = {"amount": "3000.00", "breach_notice": "BN-2026-0007"}
    charged = ok(api.post(f"/funds/{company}/breach-penalties", finance, json=penalty), 201)
    assert charged["kind"] == "breach_penalty"
    twice = api.post(f"/funds/{company}/breach-penalties", finance, json=penalty)
    problem(twice, 409, "breach_notice_conflict")
    assert balances(api, admin, company) == {
        "deposit.free": "2000.00",
        "rebate": "120.00",
        "seller.bank": "-5000.00",
        "seller.penalties": "3000.00",
        "seller.rebates": "-120.00",
    }


CREDIT_LINE = {
    "limit": "500000.00",
    "billing_day": 25,
    "repayment_day": 10,
    "grace_days": 5,
    "late_fee_rate": "0.0005",
}


def draw_on_credit(api: Api, company: UUID, amount: str) -> None:
    """A contract drawing on the line, as checkout does (its routes are not part of funds)."""
    funds = api.services.funds
    ctx = CommandContext(actor=Actor.system(), clock=api.clock)
    with context.acting(ctx):
        funds.runner.run(
            lambda uow: funds.reserve_in(uow, company, uuid4(), "HRC", Money.parse(amount))
        )


def run_scheduler_on(api: Api, at: datetime) -> dict[str, Any]:
    api.clock.at = at
    assert api.services.projections.wait(api.services.ledger.head(), 10)
    return run_due(api.services)


def test_the_scheduler_bills_then_freezes_an_overdue_line_and_repayment_unfreezes_it(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    line = ok(api.post(f"/funds/{company}/credit-line", finance, json=CREDIT_LINE))
    assert line["credit_limit"] == "500000.00" and line["credit_open"] is True
    pay(api, finance, company, "3000.00", "REF-1")
    draw_on_credit(api, company, "2000.00")  # on 26 November
    assert statement(api, admin, company)["credit_available"] == "498000.00"

    billed = run_scheduler_on(api, datetime(2026, 12, 25, 2, tzinfo=UTC))  # billing day
    assert billed["issue_credit_bills"] == {"lines": 1, "billed": 1, "failed": []}
    assert billed["assess_credit_lines"]["frozen"] == 0

    # due on 10 January, 5 days' grace: overdue from the 16th
    assessed = run_scheduler_on(api, datetime(2027, 1, 16, 2, tzinfo=UTC))
    assert assessed["assess_credit_lines"] == {"frozen": 1, "late_fees": 1, "failed": []}
    admin = api.login("13800000001")  # a month later: a fresh sign-in
    frozen = statement(api, admin, company)
    assert frozen["credit_frozen"] is True and frozen["credit_available"] == "0.00"
    assert frozen["credit_used"] == "2001.00"  # 2,000.00 x 0.05 % for one day
    head = api.services.ledger.head()
    run_due(api.services)  # again the same day: nothing twice
    assert api.services.ledger.head() == head
    with pytest.raises(ConflictError) as refused:
        draw_on_credit(api, company, "10.00")
    assert refused.value.code == "credit_frozen"

    repaid = ok(api.post(f"/funds/{company}/repayments", admin, json={"amount": "2001.00"}), 201)
    assert repaid["credit_frozen"] is False and repaid["credit_used"] == "0.00"
    assert statement(api, admin, company)["credit_available"] == "500000.00"


def test_a_closed_line_lends_no_more(api: Api, finance: str, buyer: tuple[UUID, str]) -> None:
    company, admin = buyer
    ok(api.post(f"/funds/{company}/credit-line", finance, json=CREDIT_LINE))
    closed = ok(api.post(f"/funds/{company}/credit-line/close", finance))
    assert closed["credit_open"] is False and closed["credit_available"] == "0.00"
    problem(api.post(f"/funds/{company}/credit-line/close", finance), 409, "credit_line_not_open")
    seen = statement(api, admin, company)
    assert seen["credit_limit"] == "500000.00" and seen["credit_open"] is False


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"limit": "-1.00"}, "invalid_amount"),
        ({"billing_day": 29}, "invalid_billing_day"),
        ({"grace_days": 91}, "invalid_grace_days"),
        ({"late_fee_rate": "0.5"}, "invalid_late_fee_rate"),
        ({"late_fee_rate": "5e-4"}, "invalid_late_fee_rate"),
        ({"late_fee_rate": 0.0005}, "validation_error"),
        ({"limit": 500000}, "validation_error"),
    ],
)
def test_bad_credit_terms_are_refused(
    api: Api, finance: str, buyer: tuple[UUID, str], change: dict[str, Any], code: str
) -> None:
    company, _ = buyer
    head = api.services.ledger.head()
    response = api.post(f"/funds/{company}/credit-line", finance, json=CREDIT_LINE | change)
    problem(response, 422, code)
    assert api.services.ledger.head() == head


# ---- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": "-5.00"}, "invalid_amount"),
        ({"amount": "0"}, "invalid_amount"),
        ({"amount": "0.00"}, "invalid_amount"),
        ({"amount": "1.005"}, "invalid_amount"),
        ({"amount": "12,50"}, "invalid_amount"),
        ({"amount": "1e3"}, "invalid_amount"),
        ({"amount": "NaN"}, "invalid_amount"),
        ({"category": "GOLD"}, "unknown_category"),
        ({"category": "hrc"}, "invalid_category"),
        ({"purpose": "cash"}, "validation_error"),
        ({"bank_reference": " "}, "validation_error"),
        ({"paid_by": "cash"}, "validation_error"),
    ],
)
def test_a_bad_payment_is_refused_and_writes_nothing(
    api: Api, finance: str, buyer: tuple[UUID, str], change: dict[str, Any], code: str
) -> None:
    company, _ = buyer
    head = api.services.ledger.head()
    body = {"amount": "100.00", "bank_reference": "REF-1"} | change
    problem(api.post(f"/funds/{company}/payments", finance, json=body), 422, code)
    assert api.services.ledger.head() == head


MONEY_BODIES = [
    ("payments", {"bank_reference": "REF-1"}),
    ("allocations", {"category": "HRC"}),
    ("transfers", {"from_category": "HRC", "to_category": "PLATE"}),
    ("refunds", {}),
    ("deposits", {}),
    ("repayments", {}),
    ("rebate-credits", {"reference": "R-1"}),
    ("breach-penalties", {"breach_notice": "BN-1"}),
]


def test_money_as_a_json_number_is_refused(api: Api, finance: str, buyer: tuple[UUID, str]) -> None:
    company, admin = buyer
    head = api.services.ledger.head()
    for path, body in MONEY_BODIES:
        token = admin if path in ("transfers", "refunds", "deposits", "repayments") else finance
        for amount in (100.5, 100, True, None):
            sent = {"amount": amount, **body}
            response = api.post(f"/funds/{company}/{path}", token, json=sent)
            errors = problem(response, 422, "validation_error")["errors"]
            assert errors[0]["loc"] == ["body", "amount"], (path, amount)
            assert "decimal string" in errors[0]["msg"], (path, amount)
    assert api.services.ledger.head() == head


# ---- who may do what ---------------------------------------------------------------------


FINANCE_ONLY = [
    ("payments", {"amount": "10.00", "bank_reference": "REF-9"}),
    ("allocations", {"amount": "10.00", "category": "HRC"}),
    # fixed ids (no such request exists): test ids must be the same in every pytest-xdist worker
    ("transfers/3f0c7f52-0d7e-4a36-9a51-0b6c1a2e9d01/approve", None),
    ("refunds/3f0c7f52-0d7e-4a36-9a51-0b6c1a2e9d02/approve", None),
    ("refunds/3f0c7f52-0d7e-4a36-9a51-0b6c1a2e9d03/paid", {"bank_reference": "OUT-1"}),
    ("credit-line", CREDIT_LINE),
    ("rebate-credits", {"amount": "10.00", "reference": "R-1"}),
    ("breach-penalties", {"amount": "10.00", "breach_notice": "BN-1"}),
]


@pytest.mark.parametrize(("path", "body"), FINANCE_ONLY)
def test_a_buyer_may_not_call_a_finance_endpoint(
    api: Api, finance: str, buyer: tuple[UUID, str], path: str, body: dict[str, Any] | None
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    head = api.services.ledger.head()
    problem(api.post(f"/funds/{company}/{path}", admin, json=body), 403, "forbidden")
    assert api.services.ledger.head() == head


def test_another_company_funds_are_not_found(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, _ = buyer
    _, stranger = api.register("13800000002")
    pay(api, finance, company, "1000.00", "REF-1", category="HRC")
    head = api.services.ledger.head()
    problem(api.get(f"/funds/{company}", stranger), 404, "not_found")
    attempts = [
        ("refunds", {"amount": "10.00"}),
        ("transfers", {"amount": "10.00", "from_category": "HRC", "to_category": "PLATE"}),
        ("deposits", {"amount": "10.00"}),
        ("repayments", {"amount": "10.00"}),
        ("payments", {"amount": "10.00", "bank_reference": "REF-2"}),
    ]
    for path, body in attempts:
        problem(api.post(f"/funds/{company}/{path}", stranger, json=body), 404, "not_found")
    problem(api.get(f"/funds/{uuid4()}", finance), 404, "not_found")
    assert api.services.ledger.head() == head


def test_managers_see_bound_customers_funds_only_and_record_no_payments(
    api: Api, operator: str, finance: str
) -> None:
    api.import_registry(operator, (1, "east"))
    api.enroll("13900000004", Role.MANAGER, "east")
    api.enroll("13900000005", Role.MANAGER, "north")
    company, admin = api.register("13800000001")
    ok(api.post(f"/accounts/{company}/company", admin, json=api.company(1, "east")))
    pay(api, finance, company, "1000.00", "REF-1")
    bound, unbound = api.login("13900000004"), api.login("13900000005")
    head = api.services.ledger.head()

    assert statement(api, bound, company)["financial_balance"] == "1000.00"
    problem(api.get(f"/funds/{company}", unbound), 404, "not_found")
    body = {"amount": "10.00", "bank_reference": "REF-2"}
    problem(api.post(f"/funds/{company}/payments", unbound, json=body), 404, "not_found")
    problem(api.post(f"/funds/{company}/payments", bound, json=body), 403, "forbidden")
    assert api.services.ledger.head() == head


def test_a_member_sees_funds_but_requests_only_what_its_role_allows(
    api: Api, finance: str, buyer: tuple[UUID, str]
) -> None:
    company, admin = buyer
    pay(api, finance, company, "1000.00", "REF-1")
    role = {"name": "Viewer", "permissions": ["funds.view"]}
    role_id = ok(api.post(f"/accounts/{company}/roles", admin, json=role), 201)["role_id"]
    member = {"phone": "13800000011", "name": "Li", "password": PASSWORD, "role_ids": [role_id]}
    ok(api.post(f"/accounts/{company}/members", admin, json=member), 201)
    viewer = api.login("13800000011")
    head = api.services.ledger.head()

    assert statement(api, viewer, company)["financial_balance"] == "1000.00"
    for path in ("refunds", "deposits"):
        refused = api.post(f"/funds/{company}/{path}", viewer, json={"amount": "10.00"})
        problem(refused, 403, "forbidden")
    assert api.services.ledger.head() == head


def test_the_funds_endpoints_are_documented_with_money_as_strings(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    for path in ("", "/payments", "/transfers", "/refunds/{refund_id}/paid", "/credit-line"):
        assert f"/api/v1/funds/{{company_id}}{path}" in schema["paths"]
    payment = schema["components"]["schemas"]["PaymentCreate"]["properties"]["amount"]
    assert payment["type"] == "string"
