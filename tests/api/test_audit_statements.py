"""Balance confirmations (对账单): issued as of a date by finance and auditors, signed; a check
recomputes every figure from the store and names what a tampered file changed; the PDF."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from domain.context import Role
from interfaces.config import Settings
from interfaces.integrity.keys import SigningKey
from interfaces.statements.check import check_document
from tests.api.conftest import Api
from tests.api.trading_support import Stage, stage


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def settings(settings: Settings, key: SigningKey, tmp_path: Path) -> Settings:
    path = tmp_path / "platform-key.pem"
    path.write_bytes(key.private_key_pem())
    return replace(settings, signing_key_file=path)


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def month_end(api: Api) -> Stage:
    """Company 1 on 2026-11-26 (Shanghai): 100,000.00 paid into HRC and a contract of 10 t at
    4,000.00 checked out (40,000.00 reserved); the next day another 5,000.00 paid."""
    s = stage(api)
    s.fund("100000.00")
    listing = s.listing(quantity="50.000", price="4000.00")
    lines = [{"listing_id": str(listing), "quantity": "10.000"}]
    ok(api.post("/cart/checkout", s.buyer, json={"delivery_address": "Dock", "lines": lines}), 201)
    api.clock.advance(days=1)
    s.fund("5000.00", reference="BANK-2")
    s.finance = api.login("13900000002")
    return s


def issue(s: Stage, as_of: str = "2026-11-26", token: str | None = None) -> dict[str, Any]:
    path = f"/audit/statements/{s.account_id}"
    return ok(s.api.get(path, token or s.finance, params={"as_of": as_of}))


def test_a_statement_as_of_a_date_counts_only_what_happened_by_its_end(
    month_end: Stage,
) -> None:
    document = issue(month_end)
    statement = document["statement"]
    assert statement["company"]["name"] == "Company 1"
    assert statement["as_of"] == "2026-11-26"
    assert statement["cutoff"] == "2026-11-26T15:59:59.999999Z"
    figures = statement["figures"]
    assert figures["financial_balance"] == "100000.00"
    assert figures["allocated"] == "60000.00" and figures["reserved"] == "40000.00"
    assert [e["kind"] for e in statement["journal"]] == ["payment", "reserved"]
    assert statement["buckets"]["category:HRC"] == "60000.00"
    (contract,) = statement["open_contracts"]
    assert contract["state"] == "generated" and contract["total_amount"] == "40000.00"
    assert contract["paid_amount"] == "0.00"  # reserved at checkout, paid when the buyer pays
    assert document["signature"]["algorithm"] == "Ed25519"
    assert statement["issued_by"]["role"] == "finance"

    today = issue(month_end, "2026-11-27")["statement"]
    assert today["figures"]["financial_balance"] == "105000.00"
    assert today["cutoff"] == "2026-11-27T02:00:00Z"  # the day is not over: the moment of issue


def test_a_statement_round_trips_through_the_check(
    api: Api, month_end: Stage, key: SigningKey
) -> None:
    document = issue(month_end)
    assert check_document(api.services.ledger, document, key.public_key_pem()) == []


def test_an_edited_figure_is_named_and_breaks_the_signature(
    api: Api, month_end: Stage, key: SigningKey
) -> None:
    document = copy.deepcopy(issue(month_end))
    document["statement"]["figures"]["financial_balance"] = "1000000.00"

    problems = check_document(api.services.ledger, document, key.public_key_pem())

    assert any(p.startswith("signature: does not match") for p in problems), problems
    assert (
        "figure financial_balance: the statement says 1000000.00, the store says 100000.00"
        in problems
    )


def test_an_edited_journal_line_is_named(api: Api, month_end: Stage, key: SigningKey) -> None:
    document = copy.deepcopy(issue(month_end))
    entry = document["statement"]["journal"][0]
    entry["lines"][0]["amount"] = "-1.00"

    problems = check_document(api.services.ledger, document, key.public_key_pem())

    assert any(p.startswith(f"journal entry {entry['entry_id']} lines:") for p in problems)


def test_an_edited_signature_or_another_key_fails_the_check_with_figures_intact(
    api: Api, month_end: Stage, key: SigningKey
) -> None:
    document = copy.deepcopy(issue(month_end))
    value = document["signature"]["value"]
    document["signature"]["value"] = ("A" if value[0] != "A" else "B") + value[1:]

    problems = check_document(api.services.ledger, document, key.public_key_pem())
    assert problems == [
        "signature: does not match the statement (the statement or the signature was "
        "changed after signing)"
    ]

    other = SigningKey.generate().public_key_pem()
    refused = check_document(api.services.ledger, issue(month_end), other)
    assert len(refused) == 1 and "not the platform's key" in refused[0]


def test_the_store_changing_what_a_statement_says_is_named(
    api: Api, month_end: Stage, key: SigningKey
) -> None:
    """A statement of today, then a payment later today: as of its cutoff nothing changed."""
    document = issue(month_end, "2026-11-27")
    api.clock.advance(minutes=5)
    month_end.fund("700.00", reference="BANK-3")
    assert check_document(api.services.ledger, document, key.public_key_pem()) == []


def test_the_pdf_is_a_pdf_naming_the_company(month_end: Stage) -> None:
    path = f"/audit/statements/{month_end.account_id}/pdf"
    response = month_end.api.get(path, month_end.finance, params={"as_of": "2026-11-26"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-") and response.content.rstrip().endswith(b"%%EOF")
    assert b"Balance confirmation Company 1 as of 2026-11-26" in response.content


def test_only_finance_and_auditors_get_statements(api: Api, month_end: Stage) -> None:
    auditor = api.enroll("13900000003", Role.AUDITOR)[1]
    assert issue(month_end, token=auditor)["statement"]["issued_by"]["role"] == "auditor"
    path = f"/audit/statements/{month_end.account_id}"
    for phone in ("13800000001", "13900000004", "13900000001"):  # buyer, manager, operator
        refused = api.get(path, api.login(phone), params={"as_of": "2026-11-26"})
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "forbidden"


def test_bad_dates_and_companies_are_refused(api: Api, month_end: Stage) -> None:
    path = f"/audit/statements/{month_end.account_id}"
    future = api.get(path, month_end.finance, params={"as_of": "2026-11-28"})
    assert future.status_code == 422 and future.json()["code"] == "as_of_in_future"
    assert api.get(path, month_end.finance).status_code == 422  # as_of is required
    unknown = f"/audit/statements/{uuid4()}"
    assert api.get(unknown, month_end.finance, params={"as_of": "2026-11-26"}).status_code == 404
