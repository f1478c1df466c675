"""Turning tracking rows into answers: ids as UUIDs, times in UTC, decimals quantized (money 2
places, tonnes 3), the Chinese labels beside the status codes, and the same on both back ends
(PostgreSQL returns NUMERIC/UUID/TIMESTAMPTZ; SQLite the text they were stored as)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domain.trading.contract import STATE_LABELS, ContractState
from domain.trading.order import LABELS
from projections.database import Row, to_decimal, to_uuid

QUANTITIES = ("contracted", "scheduled", "produced", "shipped")


def quantized(places: str) -> Callable[[Any], Decimal]:
    exponent = Decimal(places)
    return lambda value: (to_decimal(value) or Decimal(0)).quantize(exponent) + 0  # never -0


money, tonnes = quantized("0.01"), quantized("0.001")


def moment(value: Any) -> datetime | None:
    if value is None:
        return None
    at = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return at.astimezone(UTC)


def day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def state_label(state: str) -> str:
    return STATE_LABELS[ContractState(state)]


def shape(
    row: Row,
    ids: tuple[str, ...] = (),
    times: tuple[str, ...] = (),
    amounts: tuple[str, ...] = (),
    weights: tuple[str, ...] = (),
) -> Row:
    for column in ids:
        row[column] = to_uuid(row[column])
    for column in times:
        row[column] = moment(row[column])
    for column in amounts:
        row[column] = money(row[column])
    for column in weights:
        row[column] = tonnes(row[column])
    return row


def order_row(row: Row, contract_ids: list[Any]) -> Row:
    shape(
        row,
        ("order_id", "company_id", "placed_by", "on_behalf_by"),
        ("placed_at", "payment_due_at", "updated_at"),
        ("total",),
    )
    row["placed_on"] = day(row["placed_on"])
    for column in ("status", "payment_status", "shipping_status"):
        row[f"{column}_label"] = LABELS[row[column]]
    row["contract_ids"] = [to_uuid(x) for x in contract_ids]
    return row


def contract_row(row: Row, lines: list[Row]) -> Row:
    """The contract, with its lines' tonnes summed; despatched as ``Contract.is_despatched``."""
    shape(
        row,
        ("contract_id", "company_id", "order_id"),
        ("generated_at", "updated_at"),
        ("total", "paid", "credit_drawn", "settled_amount", "invoiced_amount"),
    )
    row["payment_due_on"] = day(row["payment_due_on"])
    row["state_label"] = state_label(row["state"])
    row["despatch_released"] = bool(row["despatch_released"])
    row["despatch_held"] = bool(row["despatch_held"])
    row["despatched"] = row["despatch_released"] or int(row["shipment_count"]) > 0
    for column in QUANTITIES:
        row[column] = sum((tonnes(line[column]) for line in lines), Decimal("0.000"))
    return row


def line_row(row: Row) -> Row:
    shape(row, ("contract_id", "company_id"), amounts=("unit_price",), weights=QUANTITIES)
    row["state_label"] = state_label(row["state"])
    return row


def shipment_row(row: Row, lines: list[Row]) -> Row:
    shape(row, ("contract_id", "company_id"), ("shipped_at", "recorded_at"), weights=("weight",))
    row["lines"] = [
        {"line_no": x["line_no"], "actual_weight": tonnes(x["actual_weight"])}
        for x in lines
        if x["shipment_id"] == row["shipment_id"]
    ]
    return row


def return_row(row: Row, lines: list[Row]) -> Row:
    shape(row, ("return_id", "order_id", "company_id"), ("requested_at", "updated_at"), ("amount",))
    row["lines"] = [
        {"line_no": x["line_no"], "quantity": tonnes(x["quantity"]), "amount": money(x["amount"])}
        for x in lines
    ]
    return row


def invoice_row(number: str, shares: list[Row]) -> Row:
    """One invoice: its kind, the sum of the shares shown, and each share."""
    mine = [
        shape(s, ("contract_id", "company_id"), ("recorded_at",), ("amount",))
        for s in shares
        if s["invoice_no"] == number
    ]
    return {
        "invoice_no": number,
        "kind": mine[0]["kind"],
        "recorded_at": max(share["recorded_at"] for share in mine),
        "amount": sum((share["amount"] for share in mine), Decimal("0.00")),
        "shares": [
            {key: share[key] for key in ("contract_id", "contract_no", "company_id", "amount")}
            for share in mine
        ],
    }
