"""Checkouts per second, through the application and through HTTP, against the raw commit rate
measured on the same PostgreSQL in the same run.

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.checkout \\
        [--seconds 3] [--clients 1,16,64] [--hot 16] [--http]

A checkout prices the line, reserves stock and funds, generates the contract and places the order
in one transaction (about six events). Each client buys from its own listing (no conflicts
between clients), and --hot clients all from ONE listing (every checkout contends for it), printed
÷ the same clients on their own listings; "gave up" counts ConcurrencyError (target 0). --http adds
checkouts through uvicorn served in this process (its clients share the server's interpreter:
``bench.http_load`` is the HTTP bench, load from another process).
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from typing import Any
from uuid import UUID

import httpx
import uvicorn

from bench.common import (
    client_counts,
    loaded_machine_note,
    postgres_settings,
    ratio,
    raw_commit_rate,
    table,
    throwaway_schema,
    timed,
)
from domain import context
from domain.accounts.identity import credit_code_check_digit
from domain.accounts.staff import RegistryEntry
from domain.catalog.catalog import ProductAttributes
from domain.context import CommandContext, Role
from domain.errors import ConcurrencyError
from domain.values import Money, Quantity, UnitPrice
from interfaces.api.app import create_app
from interfaces.wiring import Services

PASSWORD = "Bench-pass-1"


def _code(n: int) -> str:
    first17 = f"91370200MB{n:07d}"
    return first17 + credit_code_check_digit(first17)


def _as(services: Services, user_id: UUID, role: Role, account: UUID | None = None) -> Any:
    actor = services.identity.actor_for(user_id, role, account)
    return context.acting(CommandContext(actor=actor, request_id="bench"))


def prepare(services: Services, clients: int) -> tuple[list[tuple[UUID, UUID]], list[UUID], UUID]:
    """``clients`` funded, certified customers; a listing each, and one hot listing for all."""
    with context.acting(CommandContext(request_id="bench")):
        ids = {
            role: services.identity.enroll_staff(phone, role.value, role, "east", PASSWORD).result[
                "staff_id"
            ]
            for phone, role in (
                ("13900000001", Role.OPERATOR),
                ("13900000002", Role.FINANCE),
                ("13900000004", Role.MANAGER),
            )
        }
        services.identity.import_registry(
            tuple(RegistryEntry(_code(n), f"Bench {n}", f"C{n}", "east") for n in range(clients)),
            "bench",
        )
    buyers = []
    for n in range(clients):
        with context.acting(CommandContext(request_id="bench")):
            got = services.accounts.register(f"1380000{n:04d}", PASSWORD, "", None, True).result
        account, admin = got["account_id"], got["user_id"]
        with _as(services, admin, Role.BUYER_ADMIN, account):
            from domain.accounts.account import CompanyInfo

            services.accounts.bind_company(
                account, CompanyInfo(f"Bench {n}", _code(n), "-", "east")
            )
        with _as(services, ids[Role.FINANCE], Role.FINANCE):
            services.funds.record_payment(account, Money.parse("100000000.00"), f"B{n}", "HRC")
        buyers.append((account, admin))
    with _as(services, ids[Role.OPERATOR], Role.OPERATOR):
        services.catalog.define_default_categories()
        product = services.catalog.add_product(
            "HRC",
            "coil",
            ProductAttributes(
                grade="Q235B",
                thickness=Quantity.parse("3").tonnes,
                width=Quantity.parse("1500").tonnes,
                standard="GB/T 3274",
            ),
        ).result["product_id"]
        listings = []
        for _ in range(clients + 1):
            listing = services.catalog.create_listing(
                product,
                "Rizhao",
                Quantity.parse("1000000"),
                UnitPrice.parse("4000.00"),
                min_quantity=Quantity.parse("0.001"),
            ).result["listing_id"]
            services.catalog.publish_listing(listing)
            listings.append(listing)
    return buyers, listings[:clients], listings[clients]


def application_rate(
    services: Services,
    buyers: list[tuple[UUID, UUID]],
    listing_of: Any,
    workers: int,
    seconds: float,
) -> tuple[float, int]:
    """Checkouts/s, and how many gave up (ConcurrencyError after the runner's retries)."""

    def checkout(i: int) -> bool:
        account, admin = buyers[i]
        with _as(services, admin, Role.BUYER_ADMIN, account):
            try:
                services.orders.checkout(
                    account, "Dock", None, ((listing_of(i), Quantity.parse("1")),)
                )
            except ConcurrencyError:
                return False
        return True

    return timed(workers, seconds, checkout)


def http_rate(base: str, tokens: list[str], listing_of: Any, workers: int, seconds: float) -> float:
    clients = [httpx.Client(base_url=base, timeout=30) for _ in range(workers)]

    def checkout(i: int) -> None:
        response = clients[i].post(
            "/api/v1/cart/checkout",
            headers={"Authorization": f"Bearer {tokens[i]}"},
            json={
                "delivery_address": "Dock",
                "lines": [{"listing_id": str(listing_of(i)), "quantity": "1"}],
            },
        )
        if response.status_code != 201:
            raise RuntimeError(response.text)

    try:
        return timed(workers, seconds, checkout)[0]
    finally:
        for client in clients:
            client.close()


def serve(services: Services) -> tuple[str, uvicorn.Server]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(services.settings, services), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def main() -> None:
    parser = argparse.ArgumentParser(description="checkouts/s against raw one-row commits")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement (3)")
    parser.add_argument("--clients", default="1,16,64", help="client counts (1,16,64)")
    parser.add_argument("--hot", type=int, default=16, help="clients on the one listing (16)")
    parser.add_argument(
        "--http",
        action="store_true",
        help="also over HTTP, uvicorn IN this process (see http_load)",
    )
    args = parser.parse_args()
    counts, seconds = client_counts(args.clients), args.seconds
    most = max([*counts, args.hot])
    app: dict[int, tuple[float, int]] = {}
    web: dict[int, float] = {}
    with throwaway_schema(postgres_settings(pool_size=most + 4)) as settings:
        services = Services.build(settings)
        try:
            buyers, own, hot = prepare(services, most)
            application_rate(services, buyers, lambda i: own[i], most, 0.5)  # warm up
            raw = {}
            for n in sorted({*counts, args.hot}):
                app[n] = application_rate(services, buyers, lambda i: own[i], n, seconds)
                raw[n] = raw_commit_rate(settings, n, seconds)
            hot_app = application_rate(services, buyers, lambda i: hot, args.hot, seconds)
            if args.http:
                base, server = serve(services)
                tokens = [
                    httpx.post(
                        f"{base}/api/v1/auth/token",
                        data={"username": f"1380000{n:04d}", "password": PASSWORD},
                    ).json()["access_token"]
                    for n in range(most)
                ]
                web = {n: http_rate(base, tokens, lambda i: own[i], n, seconds) for n in counts}
                server.should_exit = True
        finally:
            services.close()
    print(loaded_machine_note(seconds))
    print("\ncheckout (prices, reserves stock and funds, contract, order: one write of ~6 events)")
    rows = [("clients", "checkouts/s", "raw commits/s", "app/raw", "target", "gave up")]
    for n in counts:
        rate, gave_up = app[n]
        rows.append(
            (f"{n}, own listing each", f"{rate:,.0f}", f"{raw[n]:,.0f}", ratio(rate, raw[n]),
             "≥ 0.3" if n == 16 else "", str(gave_up))
        )  # fmt: skip
        if n in web:
            rows.append(
                (f"{n}, HTTP in-process", f"{web[n]:,.0f}", f"{raw[n]:,.0f}",
                 ratio(web[n], raw[n]), "", "")
            )  # fmt: skip
    print(table(rows))
    distinct = app[args.hot][0]
    hot_rows = [("hot spot", "checkouts/s", "same clients, distinct", "hot/distinct", "gave up",
                 "target")]  # fmt: skip
    hot_rows.append(
        (f"{args.hot} clients, ONE listing", f"{hot_app[0]:,.0f}", f"{distinct:,.0f}",
         ratio(hot_app[0], distinct), str(hot_app[1]), "≥ 0.8, 0 gave up")
    )  # fmt: skip
    print()
    print(table(hot_rows))


if __name__ == "__main__":
    main()
