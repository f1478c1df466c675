"""Checkouts per second, through the application and through HTTP, against the raw commit rate
measured on the same PostgreSQL in the same run.

    STEELYARD_PERSISTENCE=postgres POSTGRES_PORT=… .venv/bin/python -m bench.checkout

A checkout prices the line, reserves stock and funds, generates the contract and places the order
in one transaction (about six events). Each client buys from its own listing (no conflicts
between clients), and once more all from one hot listing (every checkout contends for it).
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any
from uuid import UUID

import httpx
import uvicorn

from bench.common import postgres_settings, raw_commit_rate, table, throwaway_schema, timed
from domain import context
from domain.accounts.identity import credit_code_check_digit
from domain.accounts.staff import RegistryEntry
from domain.catalog.catalog import ProductAttributes
from domain.context import CommandContext, Role
from domain.values import Money, Quantity, UnitPrice
from interfaces.api.app import create_app
from interfaces.wiring import Services

SECONDS = 3.0
CLIENTS = 16
PASSWORD = "Bench-pass-1"


def _code(n: int) -> str:
    first17 = f"91370200MB{n:07d}"
    return first17 + credit_code_check_digit(first17)


def _as(services: Services, user_id: UUID, role: Role, account: UUID | None = None) -> Any:
    actor = services.identity.actor_for(user_id, role, account)
    return context.acting(CommandContext(actor=actor, request_id="bench"))


def prepare(services: Services) -> tuple[list[tuple[UUID, UUID]], list[UUID], UUID]:
    """CLIENTS funded, certified customers; a listing each, and one hot listing for all."""
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
            tuple(RegistryEntry(_code(n), f"Bench {n}", f"C{n}", "east") for n in range(CLIENTS)),
            "bench",
        )
    buyers = []
    for n in range(CLIENTS):
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
        for _ in range(CLIENTS + 1):
            listing = services.catalog.create_listing(
                product,
                "Rizhao",
                Quantity.parse("1000000"),
                UnitPrice.parse("4000.00"),
                min_quantity=Quantity.parse("0.001"),
            ).result["listing_id"]
            services.catalog.publish_listing(listing)
            listings.append(listing)
    return buyers, listings[:CLIENTS], listings[CLIENTS]


def application_rate(
    services: Services, buyers: list[tuple[UUID, UUID]], listing_of: Any, workers: int
) -> float:
    def checkout(i: int) -> None:
        account, admin = buyers[i]
        with _as(services, admin, Role.BUYER_ADMIN, account):
            services.orders.checkout(account, "Dock", None, ((listing_of(i), Quantity.parse("1")),))

    return timed(workers, SECONDS, checkout)[0]


def http_rate(base: str, tokens: list[str], listing_of: Any, workers: int) -> float:
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
        return timed(workers, SECONDS, checkout)[0]
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
    with throwaway_schema(postgres_settings()) as settings:
        services = Services.build(settings)
        try:
            buyers, own, hot = prepare(services)
            raw = {n: raw_commit_rate(settings, n, SECONDS) for n in (1, CLIENTS)}
            app = {n: application_rate(services, buyers, lambda i: own[i], n) for n in (1, CLIENTS)}
            hot_app = application_rate(services, buyers, lambda i: hot, CLIENTS)
            base, server = serve(services)
            tokens = [
                httpx.post(
                    f"{base}/api/v1/auth/token",
                    data={"username": f"1380000{n:04d}", "password": PASSWORD},
                ).json()["access_token"]
                for n in range(CLIENTS)
            ]
            web = {n: http_rate(base, tokens, lambda i: own[i], n) for n in (1, CLIENTS)}
            server.should_exit = True
        finally:
            services.close()
    rows = [("measure", "clients", "per second", "vs raw commits")]
    for n in (1, CLIENTS):
        rows.append(("raw INSERT+COMMIT (baseline)", str(n), f"{raw[n]:,.0f}", "1.00"))
        rows.append(("checkout, application", str(n), f"{app[n]:,.0f}", f"{app[n] / raw[n]:.2f}"))
        rows.append(("checkout, HTTP", str(n), f"{web[n]:,.0f}", f"{web[n] / raw[n]:.2f}"))
    rows.append(
        (
            "checkout, application, one hot listing",
            str(CLIENTS),
            f"{hot_app:,.0f}",
            f"{hot_app / raw[CLIENTS]:.2f}",
        )
    )
    print(table(rows))


if __name__ == "__main__":
    main()
