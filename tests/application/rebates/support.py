"""A customer with settled contracts: finance's policies, contracts settled on chosen days, and
the rebates read model caught up."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from tests.api.trading_support import Stage


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def policy(s: Stage, **body: Any) -> dict[str, Any]:
    body.setdefault("valid_from", "2026-11-01")
    body.setdefault("name", body["policy_no"])
    return ok(s.api.post("/rebates/policies", s.finance, json=body), 201)


def at(s: Stage, when: str, buyer_phone: str = "13800000001") -> None:
    """Move the clock to a UTC moment ("2026-11-27T02:00"); everyone signs in again."""
    api = s.api
    api.clock.at = datetime.fromisoformat(when).replace(tzinfo=UTC)
    s.operator, s.finance = api.login("13900000001"), api.login("13900000002")
    s.manager, s.integration = api.login("13900000004"), api.login("13900000007")
    s.buyer = api.login(buyer_phone)


def settle(
    s: Stage, listings: list[tuple[UUID, str]], actual: str | None = None
) -> list[dict[str, Any]]:
    """Order ``listings`` (id, tonnes), pay, ship (``actual`` weight for a one-line order) and
    post-settle every contract; the settlement answers."""
    for listing, quantity in listings:
        ok(
            s.api.post(
                "/cart/items", s.buyer, json={"listing_id": str(listing), "quantity": quantity}
            )
        )
    placed = ok(s.api.post("/cart/checkout", s.buyer, json={"delivery_address": "Dock 3"}), 201)
    settled = []
    for contract in placed["contracts"]:
        contract_id = contract["contract_id"]
        ok(s.api.post(f"/contracts/{contract_id}/effect", s.manager))
        digest = ok(s.api.get(f"/contracts/{contract_id}", s.buyer))["digest"]
        ok(s.api.post(f"/contracts/{contract_id}/confirm", s.buyer, json={"digest": digest}))
        ok(s.api.post(f"/contracts/{contract_id}/pay", s.buyer))
        lines = ok(s.api.get(f"/contracts/{contract_id}", s.buyer))["lines"]
        shipped = [
            {"line_no": ln["line_no"], "actual_weight": actual or ln["quantity"]} for ln in lines
        ]
        ok(
            s.api.post(
                f"/contracts/{contract_id}/shipments",
                s.integration,
                json={
                    "shipment_id": f"DS-{contract_id[:8]}",
                    "warehouse": "Rizhao",
                    "shipped_at": "2026-11-20T00:00:00Z",
                    "vehicle_plate": "鲁L00001",
                    "lines": shipped,
                },
            ),
            201,
        )
        state = ok(s.api.get(f"/contracts/{contract_id}", s.buyer))["state"]
        if state != "shipped":
            ok(
                s.api.post(
                    f"/contracts/{contract_id}/shipping-complete",
                    s.integration,
                    json={"reason": "short"},
                )
            )
        answer = ok(s.api.post(f"/contracts/{contract_id}/settlement", s.finance))
        settled.append({**answer, "order_id": placed["order_id"]})
    return settled


def entries(s: Stage, **query: Any) -> list[dict[str, Any]]:
    s.api.services.projections.catch_up()
    found = ok(s.api.get("/rebates/entries", s.finance, params={"limit": 500, **query}))
    return list(reversed(found["data"]))  # oldest first


def amounts(rows: list[dict[str, Any]]) -> list[tuple[str, str, Decimal]]:
    return [(r["policy_no"], r["kind"], Decimal(r["amount"])) for r in rows]


def rebate_bucket(s: Stage) -> Decimal:
    buckets = s.statement()["balances"]
    return Decimal(str(buckets.get("rebate", "0.00")))


def read(s: Stage, path: str, token: str, **query: Any) -> list[dict[str, Any]]:
    """A rebates list once the read model has caught up."""
    s.api.services.projections.catch_up()
    return list(ok(s.api.get(path, token, params=query))["data"])
