"""Accepted bids per second on one hot lot against the same on many lots, and the server's raw
commit rate: all measured in one run on the same PostgreSQL server.

    STEELYARD_PERSISTENCE=postgres POSTGRES_HOST=… POSTGRES_PORT=… POSTGRES_DBNAME=… \\
    POSTGRES_USER=… POSTGRES_PASSWORD=… .venv/bin/python -m bench.auctions [SECONDS]

Everything happens in a throw-away schema, dropped afterwards.

- hot lot: 16 clients (certified, bound bidders with deposit money) bid on ONE lot through
  ``AuctionService.bid`` (the application, no HTTP) for SECONDS (default 3): each reads the lot,
  then bids its next minimum plus 0–2 increments. Most attempts lose the race (``bid_too_low``:
  someone got there first); accepted bids/s is what the lot took, attempts/s what was decided.
- many lots: the same 16 clients, each on its own lot of the same session, so no bid waits for
  another's lot; every attempt is accepted.
- raw: one-row INSERT + COMMIT on a plain table, one connection per client.

A bidder's first bid in the session also locks its deposit (funds account and session in the
same write); half a second of bidding warms up the pools (not counted) and makes those locks.
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from datetime import timedelta
from decimal import Decimal

from bench.common import postgres_settings, raw_commit_rate, throwaway_schema, timed
from domain import context
from domain.accounts.account import Account, CompanyInfo
from domain.auctions import LotTerms
from domain.auctions.service import AuctionService
from domain.catalog.catalog import ProductAttributes
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, Role
from domain.errors import DomainError
from domain.funds.account import FundsAccount, PaymentPurpose
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.trading.contract_service import ContractService
from domain.values import Money, Quantity, UnitPrice
from interfaces.config import Settings

CLIENTS = 16
INCREMENT = Decimal("10.00")


def bidders(ledger: Ledger, count: int) -> list[uuid.UUID]:
    """Certified customers bound to a manager, each with ¥100,000 of free deposit."""
    with context.acting(CommandContext(request_id="bench")):
        now = context.current().now()
        accounts, funds = [], []
        for n in range(count):
            account = Account(
                admin_id=uuid.uuid4(), phone=f"138{n:08d}", name="Bench", password_hash="-",
                email=None, rules_version="bench",
            )  # fmt: skip
            account.bind_company(CompanyInfo(f"Bench {n}", f"CODE{n}", "Rizhao", "east"))
            account.certify_automatically(f"C{n}")
            account.bind_manager(uuid.uuid4(), "bench", now)
            wallet = FundsAccount(company_id=account.id)
            deposit = Money(Decimal("100000.00"))
            wallet.record_payment(deposit, f"DEP-{n}", None, PaymentPurpose.DEPOSIT)
            accounts.append(account)
            funds.append(wallet)
        ledger.save(*accounts, *funds)
    return [a.id for a in accounts]


def lots(auctions: AuctionService, catalog: CatalogService, count: int) -> list[uuid.UUID]:
    operator = CommandContext(actor=Actor(uuid.uuid4(), Role.OPERATOR), request_id="bench")
    with context.acting(operator):
        catalog.define_default_categories()
        coil = ProductAttributes(
            grade="Q235B", thickness=Decimal("3.0"), width=Decimal("1500"), standard="GB/T 3274"
        )
        product = catalog.add_product("HRC", "Hot-rolled coil", coil)
        listing = catalog.create_listing(
            product.result["product_id"], "Rizhao", Quantity.parse("100000"),
            UnitPrice.parse("4100.00"),
        ).result["listing_id"]  # fmt: skip
        catalog.publish_listing(listing)
        session = auctions.create_session("Bench session").result["session_id"]
        now = context.current().now()
        terms = LotTerms(UnitPrice.parse("4000.00"), UnitPrice(INCREMENT), soft_close_seconds=0)
        return [
            auctions.add_lot(
                session, f"L-{n}", listing, Quantity.parse("10"), now - timedelta(seconds=1),
                now + timedelta(hours=6), terms,
            ).result["lot_id"]
            for n in range(count)
        ]  # fmt: skip


def bidding(
    auctions: AuctionService, companies: list[uuid.UUID], lot_of: list[uuid.UUID], seconds: float
) -> tuple[float, float]:
    """(accepted bids/s, attempts/s): client i bids on lot_of[i] as company i."""
    accepted, tried = [0] * len(companies), [0] * len(companies)
    contexts = [
        CommandContext(actor=Actor(uuid.uuid4(), Role.BUYER_ADMIN, company), request_id="bench")
        for company in companies
    ]
    rng = random.Random(7)

    def bid(client: int) -> None:
        tried[client] += 1
        with context.acting(contexts[client]):
            seen = auctions.get_lot(lot_of[client]).next_minimum_bid().per_tonne
            try:
                auctions.bid(lot_of[client], UnitPrice(seen + INCREMENT * rng.randint(0, 2)))
            except DomainError as refusal:
                if refusal.code != "bid_too_low":
                    raise
                return
            accepted[client] += 1

    attempts, _ = timed(len(companies), seconds, bid)  # per second of the run's own time
    return attempts * sum(accepted) / max(sum(tried), 1), attempts


def measure(settings: Settings, seconds: float) -> None:
    ledger = Ledger(env=settings.eventsourcing_env(create_table=True))
    runner = CommandRunner(ledger)
    funds, catalog = FundsService(runner), CatalogService(runner)
    auctions = AuctionService(runner, catalog, funds, ContractService(runner, catalog, funds))
    companies = bidders(ledger, CLIENTS)
    own = lots(auctions, catalog, CLIENTS + 1)
    hot = [own[-1]] * CLIENTS
    bidding(auctions, companies, own[:CLIENTS], 0.5)  # warm up; locks every deposit
    raw_commit_rate(settings, CLIENTS, 0.3)
    hot_rate, hot_attempts = bidding(auctions, companies, hot, seconds)
    many_rate, many_attempts = bidding(auctions, companies, own[:CLIENTS], seconds)
    raw = raw_commit_rate(settings, CLIENTS, seconds)
    ledger.close()
    print(f"\nPostgreSQL, {seconds:g} s per measurement, {CLIENTS} clients, {os.cpu_count()} CPUs")
    print(f"{'what':<44} {'accepted/s':>11} {'attempts/s':>11} {'vs raw':>7}")
    for what, rate, attempts in (
        ("bids on ONE hot lot", hot_rate, hot_attempts),
        (f"bids on {CLIENTS} lots, one per client", many_rate, many_attempts),
    ):
        print(f"{what:<44} {rate:>11,.0f} {attempts:>11,.0f} {rate / raw:>7.2f}")
    print(f"{'raw INSERT+COMMIT, one row, 16 connections':<44} {raw:>11,.0f}")
    print(f"hot lot / many lots: {hot_rate / many_rate:.2f}")


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    with throwaway_schema(postgres_settings(pool_size=CLIENTS + 4)) as settings:
        measure(settings, seconds)


if __name__ == "__main__":
    main()
