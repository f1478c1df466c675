"""Events come back from the real store (PostgreSQL in CI, SQLite otherwise) exactly as they
were written: decimals with their places, ids, times, enums, tuples and our value types."""

from __future__ import annotations

from uuid import uuid4

from domain.accounts.account import Account, CompanyInfo, Contact
from domain.funds.account import FundsAccount
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings


def test_events_round_trip_through_the_configured_store(settings: Settings) -> None:
    ledger = Ledger(env=settings.eventsourcing_env())
    try:
        account = Account(
            admin_id=uuid4(), phone="13800000001", name="Admin", password_hash="h",
            email=None, rules_version="2026-01",
        )  # fmt: skip
        contacts = (Contact("Li", "13800000002"),)
        account.bind_company(
            CompanyInfo("Acme Steel", "91350100M000100Y43", "1 Road", "east", contacts)
        )
        account.define_role("Buyer", frozenset({"orders.place"}))
        funds = FundsAccount(company_id=account.id)
        funds.record_payment(Money.parse("1234.50"), "REF-1", "HRC")
        written = [vars(e) for e in (*account.pending_events, *funds.pending_events)]
        ledger.save(account, funds)

        read = [vars(e) for e in (*ledger.events.get(account.id), *ledger.events.get(funds.id))]
        assert read == written
        assert str(ledger.repository.get(funds.id).balance("category:HRC")) == "1234.50"
    finally:
        ledger.close()
