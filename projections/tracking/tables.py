"""The tracking read model's tables, and the small row helpers its handlers share.

  tracking_companies        company → name and bound manager (for the managers' scope)
  tracking_orders           each order: number, company, who placed it (and the manager who
                            ordered on its behalf), when (and its business date), total,
                            status / payment status / shipping status, payment deadline,
                            cancel reason
  tracking_order_contracts  the order's contracts in order, and which are paid / fully shipped
  tracking_returns(_lines)  returns after receipt: state, reason, note, lines, amount
  tracking_contracts        each contract: number, order, company, total, paid, credit drawn,
                            state, payment due date, settled and invoiced amounts, despatch
                            release and hold, number of shipments, shipping note, void reason
  tracking_contract_lines   per line: category, description, unit price, and contracted,
                            scheduled, produced and shipped tonnes
  tracking_shipments(_lines)  each shipment: warehouse, time, vehicle/vessel, actual weights
  tracking_certificates     number, batch, shipment (never the verification code)
  tracking_invoices         each contract's share of an invoice: number, kind, amount
  tracking_objections       kind, shipment, claimed, status, compensation, rejection reason

Decimals are added in Python (on SQLite they are TEXT), never in SQL. Timestamps are stored in
UTC, so their text form on SQLite sorts and compares as time does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.context import SHANGHAI
from projections.database import Transaction, to_decimal

TABLES = (
    "tracking_companies",
    "tracking_orders",
    "tracking_order_contracts",
    "tracking_returns",
    "tracking_return_lines",
    "tracking_contracts",
    "tracking_contract_lines",
    "tracking_shipments",
    "tracking_shipment_lines",
    "tracking_certificates",
    "tracking_invoices",
    "tracking_objections",
)

DDL = (
    "CREATE TABLE IF NOT EXISTS tracking_companies (company_id {uuid} PRIMARY KEY, "
    "company_name TEXT, manager_id {uuid})",
    "CREATE INDEX IF NOT EXISTS tracking_companies_manager ON tracking_companies (manager_id)",
    "CREATE TABLE IF NOT EXISTS tracking_orders (order_id {uuid} PRIMARY KEY, "
    "order_no TEXT NOT NULL, company_id {uuid} NOT NULL, placed_by {uuid} NOT NULL, "
    "on_behalf_by {uuid}, placed_at {timestamp} NOT NULL, placed_on TEXT NOT NULL, "
    "delivery_region TEXT NOT NULL, total {money} NOT NULL, status TEXT NOT NULL, "
    "payment_status TEXT NOT NULL, shipping_status TEXT NOT NULL, "
    "payment_due_at {timestamp} NOT NULL, cancel_reason TEXT, updated_at {timestamp} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tracking_orders_company ON tracking_orders (company_id, placed_at)",
    "CREATE INDEX IF NOT EXISTS tracking_orders_due ON tracking_orders (status, payment_due_at)",
    "CREATE TABLE IF NOT EXISTS tracking_order_contracts (order_id {uuid} NOT NULL, "
    "contract_id {uuid} NOT NULL, seq INTEGER NOT NULL, paid BOOLEAN NOT NULL, "
    "shipped BOOLEAN NOT NULL, PRIMARY KEY (order_id, contract_id))",
    "CREATE TABLE IF NOT EXISTS tracking_returns (return_id {uuid} PRIMARY KEY, "
    "order_id {uuid} NOT NULL, company_id {uuid} NOT NULL, state TEXT NOT NULL, "
    "reason TEXT NOT NULL, note TEXT NOT NULL, amount {money} NOT NULL, "
    "requested_at {timestamp} NOT NULL, updated_at {timestamp} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tracking_returns_company ON tracking_returns (company_id)",
    "CREATE TABLE IF NOT EXISTS tracking_return_lines (return_id {uuid} NOT NULL, "
    "line_no INTEGER NOT NULL, quantity {quantity} NOT NULL, amount {money} NOT NULL, "
    "PRIMARY KEY (return_id, line_no))",
    "CREATE TABLE IF NOT EXISTS tracking_contracts (contract_id {uuid} PRIMARY KEY, "
    "contract_no TEXT NOT NULL, company_id {uuid} NOT NULL, order_id {uuid}, "
    "source_kind TEXT NOT NULL, source_reference TEXT NOT NULL, warehouse TEXT NOT NULL, "
    "generated_at {timestamp} NOT NULL, total {money} NOT NULL, paid {money} NOT NULL, "
    "credit_drawn {money} NOT NULL, state TEXT NOT NULL, payment_due_on TEXT, "
    "settled_amount {money} NOT NULL, invoiced_amount {money} NOT NULL, "
    "despatch_released BOOLEAN NOT NULL, despatch_held BOOLEAN NOT NULL, "
    "shipment_count INTEGER NOT NULL, shipping_note TEXT NOT NULL, void_reason TEXT, "
    "updated_at {timestamp} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS tracking_contracts_company "
    "ON tracking_contracts (company_id, generated_at)",
    "CREATE INDEX IF NOT EXISTS tracking_contracts_order ON tracking_contracts (order_id)",
    "CREATE TABLE IF NOT EXISTS tracking_contract_lines (contract_id {uuid} NOT NULL, "
    "line_no INTEGER NOT NULL, company_id {uuid} NOT NULL, category TEXT NOT NULL, "
    "description TEXT NOT NULL, unit_price {price} NOT NULL, contracted {quantity} NOT NULL, "
    "scheduled {quantity} NOT NULL, produced {quantity} NOT NULL, shipped {quantity} NOT NULL, "
    "PRIMARY KEY (contract_id, line_no))",
    "CREATE INDEX IF NOT EXISTS tracking_contract_lines_company "
    "ON tracking_contract_lines (company_id)",
    "CREATE TABLE IF NOT EXISTS tracking_shipments (contract_id {uuid} NOT NULL, "
    "shipment_id TEXT NOT NULL, company_id {uuid} NOT NULL, warehouse TEXT NOT NULL, "
    "shipped_at {timestamp} NOT NULL, vehicle_plate TEXT NOT NULL, vessel_name TEXT NOT NULL, "
    "weight {quantity} NOT NULL, recorded_at {timestamp} NOT NULL, "
    "PRIMARY KEY (contract_id, shipment_id))",
    "CREATE INDEX IF NOT EXISTS tracking_shipments_company ON tracking_shipments (company_id)",
    "CREATE TABLE IF NOT EXISTS tracking_shipment_lines (contract_id {uuid} NOT NULL, "
    "shipment_id TEXT NOT NULL, line_no INTEGER NOT NULL, actual_weight {quantity} NOT NULL, "
    "PRIMARY KEY (contract_id, shipment_id, line_no))",
    "CREATE TABLE IF NOT EXISTS tracking_certificates (contract_id {uuid} NOT NULL, "
    "certificate_no TEXT NOT NULL, company_id {uuid} NOT NULL, batch_no TEXT NOT NULL, "
    "shipment_id TEXT NOT NULL, issued_at {timestamp} NOT NULL, "
    "PRIMARY KEY (contract_id, certificate_no))",
    "CREATE INDEX IF NOT EXISTS tracking_certificates_company "
    "ON tracking_certificates (company_id)",
    "CREATE TABLE IF NOT EXISTS tracking_invoices (invoice_no TEXT NOT NULL, "
    "contract_id {uuid} NOT NULL, company_id {uuid} NOT NULL, kind TEXT NOT NULL, "
    "amount {money} NOT NULL, recorded_at {timestamp} NOT NULL, "
    "PRIMARY KEY (invoice_no, contract_id))",
    "CREATE INDEX IF NOT EXISTS tracking_invoices_company ON tracking_invoices (company_id)",
    "CREATE TABLE IF NOT EXISTS tracking_objections (objection_id {uuid} PRIMARY KEY, "
    "contract_id {uuid} NOT NULL, company_id {uuid} NOT NULL, kind TEXT NOT NULL, "
    "shipment_id TEXT, claimed {money} NOT NULL, description TEXT NOT NULL, "
    "status TEXT NOT NULL, compensation {money} NOT NULL, rejection_reason TEXT NOT NULL, "
    "filed_at {timestamp} NOT NULL, resolved_at {timestamp})",
    "CREATE INDEX IF NOT EXISTS tracking_objections_company ON tracking_objections (company_id)",
)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def business_date(moment: datetime) -> str:
    """The Asia/Shanghai calendar date of a moment: what the orders' date filters compare."""
    return moment.astimezone(SHANGHAI).date().isoformat()


def insert_row(tx: Transaction, table: str, **values: Any) -> None:
    names = ", ".join(values)
    marks = ", ".join(f"%({name})s" for name in values)
    tx.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def update_row(tx: Transaction, table: str, keys: dict[str, Any], **columns: Any) -> None:
    """Set ``columns`` on the one row ``keys`` names; a missing row stops the projection."""
    assignments = ", ".join(f"{name} = %(set_{name})s" for name in columns)
    where = " AND ".join(f"{name} = %(key_{name})s" for name in keys)
    params = {f"set_{k}": v for k, v in columns.items()} | {f"key_{k}": v for k, v in keys.items()}
    if tx.execute(f"UPDATE {table} SET {assignments} WHERE {where}", params) != 1:
        raise LookupError(f"{table}: no row {keys}")


def add_to_row(
    tx: Transaction, table: str, keys: dict[str, Any], column: str, amount: Decimal, **also: Any
) -> None:
    """Add ``amount`` to a decimal column (in Python), and set ``also``."""
    where = " AND ".join(f"{name} = %s" for name in keys)
    row = tx.fetchone(f"SELECT {column} FROM {table} WHERE {where}", tuple(keys.values()))
    if row is None:
        raise LookupError(f"{table}: no row {keys}")
    update_row(tx, table, keys, **{column: (to_decimal(row[column]) or 0) + amount}, **also)


def company_of(tx: Transaction, table: str, key: str, value: UUID) -> Any:
    """The company of a tracked contract or order (stops the projection if it is unknown)."""
    row = tx.fetchone(f"SELECT company_id FROM {table} WHERE {key} = %s", (value,))
    if row is None:
        raise LookupError(f"{table}: no row {key} = {value}")
    return row["company_id"]
