"""The queries over the tracking tables (``projections/tracking/tables.py``): scoped, filtered,
paged lists; one order or contract in full; a company's trade figures for the dashboards; the
orders whose payment deadline has passed, for the scheduler.

Every list takes a ``Scope`` (``domain.access.scope_of``): a buyer's own company, a manager's
bound customers (as ``tracking_companies`` knows them), or everyone. Filters are equalities on
the listed table's columns, given by name (the routes choose which). Decimals are summed in
Python: on SQLite they are TEXT.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.access import Scope
from domain.values import Quantity, UnitPrice
from projections.database import Row, ViewDatabase, to_uuid
from projections.tracking.rows import (
    contract_row,
    invoice_row,
    line_row,
    moment,
    money,
    order_row,
    return_row,
    shape,
    shipment_row,
    tonnes,
)

PRODUCING = ("established", "in_production", "shipping")  # production may still be scheduled
RELEASED = (*PRODUCING, "shipped", "settled", "invoiced", "closed")  # 订单建立 and after
COMPANY = "LEFT JOIN tracking_companies c ON c.company_id = t.company_id"
CONTRACT = "JOIN tracking_contracts k ON k.contract_id = t.contract_id"
ORDERS = f"SELECT t.*, c.company_name FROM tracking_orders t {COMPANY}"
CONTRACTS = (
    f"SELECT t.*, c.company_name, o.order_no FROM tracking_contracts t {COMPANY} "
    "LEFT JOIN tracking_orders o ON o.order_id = t.order_id"
)
LINES = f"SELECT t.*, k.contract_no, k.state FROM tracking_contract_lines t {CONTRACT}"
SHIPMENTS = f"SELECT t.*, k.contract_no FROM tracking_shipments t {CONTRACT}"
CERTIFICATES = f"SELECT t.*, k.contract_no FROM tracking_certificates t {CONTRACT}"
INVOICES = f"SELECT t.*, k.contract_no FROM tracking_invoices t {CONTRACT}"
OBJECTIONS = f"SELECT t.*, k.contract_no FROM tracking_objections t {CONTRACT}"
RETURNS = (
    "SELECT t.*, o.order_no FROM tracking_returns t "
    "JOIN tracking_orders o ON o.order_id = t.order_id"
)
ALL = 10_000  # the children of one order or contract

Filters = dict[str, Any]


@dataclass(frozen=True)
class Page:
    total: int
    items: list[Row]


class TrackingView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    # ---- purchase tracking ---------------------------------------------------------------
    def orders(
        self,
        scope: Scope,
        filters: Filters,
        placed: tuple[date | None, date | None] = (None, None),
        limit: int = 100,
        offset: int = 0,
    ) -> Page:
        """Newest first; ``placed`` is an inclusive range of business dates (Asia/Shanghai)."""
        bounds = zip(("t.placed_on >= %s", "t.placed_on <= %s"), placed, strict=True)
        extra = [(sql, (bound.isoformat(),)) for sql, bound in bounds if bound is not None]
        order = "t.placed_at DESC, t.order_id"
        page = self._page(ORDERS, scope, filters, order, limit, offset, extra)
        ids = self._children("tracking_order_contracts", "order_id", page.items, "seq")
        for row in page.items:
            order_row(row, [x["contract_id"] for x in ids[row["order_id"]]])
        return page

    def contracts(self, scope: Scope, filters: Filters, limit: int = 100, offset: int = 0) -> Page:
        order = "t.generated_at DESC, t.contract_no"
        page = self._page(CONTRACTS, scope, filters, order, limit, offset)
        lines = self._children("tracking_contract_lines", "contract_id", page.items, "line_no")
        for row in page.items:
            contract_row(row, lines[row["contract_id"]])
        return page

    def returns(self, scope: Scope, filters: Filters, limit: int = 100, offset: int = 0) -> Page:
        order = "t.requested_at DESC, t.return_id"
        page = self._page(RETURNS, scope, filters, order, limit, offset)
        lines = self._children("tracking_return_lines", "return_id", page.items, "line_no")
        for row in page.items:
            return_row(row, lines[row["return_id"]])
        return page

    def order(self, scope: Scope, order_id: UUID) -> Row | None:
        """One order with its contracts and returns; None when unknown or not visible."""
        found = self.orders(scope, {"order_id": order_id}, limit=1).items
        if not found:
            return None
        order, only = found[0], {"order_id": order_id}
        contracts = {c["contract_id"]: c for c in self.contracts(scope, only, ALL).items}
        order["contracts"] = [contracts[c] for c in order["contract_ids"] if c in contracts]
        order["returns"] = self.returns(scope, only, ALL).items
        return order

    def contract(self, scope: Scope, contract_id: UUID) -> Row | None:
        """One contract with its lines, shipments, certificates, invoices and objections."""
        found = self.contracts(scope, {"contract_id": contract_id}, limit=1).items
        if not found:
            return None
        contract, only = found[0], {"contract_id": contract_id}
        contract["lines"] = self.production(scope, only, ALL, released_only=False).items
        contract["shipments"] = self.shipments(scope, only, ALL).items
        contract["certificates"] = self.certificates(scope, only, ALL).items
        contract["invoices"] = self.invoices(scope, only, ALL).items
        contract["objections"] = self.objections(scope, only, ALL).items
        return contract

    # ---- fulfilment tracking -------------------------------------------------------------
    def production(
        self,
        scope: Scope,
        filters: Filters,
        limit: int = 100,
        offset: int = 0,
        released_only: bool = True,
    ) -> Page:
        """Contract lines (of contracts released to production, 订单建立 and after)."""
        marks = ", ".join(["%s"] * len(RELEASED))
        extra = [(f"k.state IN ({marks})", RELEASED)] if released_only else []
        order = "k.generated_at DESC, t.contract_id, t.line_no"
        page = self._page(LINES, scope, filters, order, limit, offset, extra)
        for row in page.items:
            line_row(row)
        return page

    def shipments(self, scope: Scope, filters: Filters, limit: int = 100, offset: int = 0) -> Page:
        order = "t.shipped_at DESC, t.contract_id, t.shipment_id"
        page = self._page(SHIPMENTS, scope, filters, order, limit, offset)
        lines = self._children("tracking_shipment_lines", "contract_id", page.items, "line_no")
        for row in page.items:
            shipment_row(row, lines[row["contract_id"]])
        return page

    def certificates(
        self, scope: Scope, filters: Filters, limit: int = 100, offset: int = 0
    ) -> Page:
        order = "t.issued_at DESC, t.contract_id, t.certificate_no"
        page = self._page(CERTIFICATES, scope, filters, order, limit, offset)
        for row in page.items:
            shape(row, ("contract_id", "company_id"), ("issued_at",))
        return page

    def invoices(self, scope: Scope, filters: Filters, limit: int = 100, offset: int = 0) -> Page:
        """Invoices with a share this user may see, newest first, each with all such shares
        (an invoice over several contracts lists them all)."""
        where, params = _where(scope, filters)
        numbers = (
            f"SELECT t.invoice_no FROM tracking_invoices t WHERE {where} GROUP BY t.invoice_no"
        )
        total = self.db.query(f"SELECT COUNT(*) AS n FROM ({numbers}) q", params)[0]["n"]
        picked = self.db.query(
            f"{numbers} ORDER BY MAX(t.recorded_at) DESC, t.invoice_no LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        numbers_picked = [row["invoice_no"] for row in picked]
        if not numbers_picked:
            return Page(int(total), [])
        where, params = _where(scope, {})
        marks = ", ".join(["%s"] * len(numbers_picked))
        shares = self.db.query(
            f"{INVOICES} WHERE {where} AND t.invoice_no IN ({marks}) ORDER BY k.contract_no",
            (*params, *numbers_picked),
        )
        return Page(int(total), [invoice_row(number, shares) for number in numbers_picked])

    def objections(self, scope: Scope, filters: Filters, limit: int = 100, offset: int = 0) -> Page:
        order = "t.filed_at DESC, t.objection_id"
        page = self._page(OBJECTIONS, scope, filters, order, limit, offset)
        for row in page.items:
            shape(
                row,
                ("objection_id", "contract_id", "company_id"),
                ("filed_at", "resolved_at"),
                ("claimed", "compensation"),
            )
        return page

    # ---- figures for the dashboards, and the scheduler's due orders ----------------------
    def company_figures(self, company_id: UUID) -> dict[str, Decimal]:
        """Tonnes awaiting confirmation (contracts effective, not confirmed); not yet scheduled
        (contracts established and not yet shipped: contracted − scheduled, per line); shipped
        (actual weight, all contracts); awaiting post-settlement (shipped contracts not settled:
        tonnes, and the amount on actual weight the settlement will charge); amount invoiced."""
        figures = dict.fromkeys(
            ("awaiting_confirmation", "not_scheduled", "shipped", "awaiting_settlement"),
            Decimal("0.000"),
        )
        awaiting_amount = Decimal("0.00")
        for line in self.db.query(f"{LINES} WHERE t.company_id = %s", (company_id,)):
            contracted, scheduled = tonnes(line["contracted"]), tonnes(line["scheduled"])
            shipped, state = tonnes(line["shipped"]), line["state"]
            figures["shipped"] += shipped
            if state == "effective":
                figures["awaiting_confirmation"] += contracted
            elif state in PRODUCING:
                figures["not_scheduled"] += max(contracted - scheduled, Decimal("0.000"))
            elif state == "shipped":
                figures["awaiting_settlement"] += shipped
                price = UnitPrice(money(line["unit_price"]))
                awaiting_amount += price.times(Quantity(shipped)).amount
        invoiced = self.db.query(
            "SELECT invoiced_amount FROM tracking_contracts WHERE company_id = %s", (company_id,)
        )
        return {
            **figures,
            "awaiting_settlement_amount": awaiting_amount,
            "invoiced_amount": sum(
                (money(r["invoiced_amount"]) for r in invoiced), Decimal("0.00")
            ),
        }

    def counts(self, company_id: UUID) -> dict[str, dict[str, int]]:
        """How many of the company's orders are in each status, and contracts in each state."""
        counted = {}
        for key, table, column in (
            ("orders", "tracking_orders", "status"),
            ("contracts", "tracking_contracts", "state"),
        ):
            rows = self.db.query(
                f"SELECT {column} AS code, COUNT(*) AS n FROM {table} "
                f"WHERE company_id = %s GROUP BY {column}",
                (company_id,),
            )
            counted[key] = {row["code"]: int(row["n"]) for row in rows}
        return counted

    def overdue_orders(self, now: datetime, limit: int = 500) -> list[UUID]:
        """Orders still awaiting payment whose deadline has passed, oldest deadline first."""
        rows = self.db.query(
            "SELECT order_id, payment_due_at FROM tracking_orders WHERE status = %s "
            "AND payment_due_at <= %s ORDER BY payment_due_at, order_id LIMIT %s",
            ("pending_payment", now.astimezone(UTC), limit),
        )
        due = [(to_uuid(row["order_id"]), moment(row["payment_due_at"])) for row in rows]
        return [order_id for order_id, at in due if order_id and at and at <= now]

    # ---- plumbing ------------------------------------------------------------------------
    def _page(
        self,
        select: str,
        scope: Scope,
        filters: Filters,
        order: str,
        limit: int,
        offset: int,
        extra: Iterable[tuple[str, Iterable[Any]]] = (),
    ) -> Page:
        where, params = _where(scope, filters, extra)
        total = self.db.query(f"SELECT COUNT(*) AS n FROM ({select} WHERE {where}) q", params)
        rows = self.db.query(
            f"{select} WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return Page(int(total[0]["n"]), rows)

    def _children(
        self, table: str, key: str, parents: list[Row], order: str
    ) -> dict[Any, list[Row]]:
        """The rows of ``table`` whose ``key`` is one of the parents', grouped by it."""
        found: dict[Any, list[Row]] = defaultdict(list)
        keys = list(dict.fromkeys(row[key] for row in parents))
        if keys:
            marks = ", ".join(["%s"] * len(keys))
            statement = f"SELECT * FROM {table} WHERE {key} IN ({marks}) ORDER BY {key}, {order}"
            for row in self.db.query(statement, keys):
                found[row[key]].append(row)
        return found


def _where(
    scope: Scope, filters: Filters, extra: Iterable[tuple[str, Iterable[Any]]] = ()
) -> tuple[str, list[Any]]:
    """The scope, the filters given (None: not filtered) and any extra conditions, ANDed."""
    where: list[str] = []
    params: list[Any] = []
    if scope.account_id is not None:
        where.append("t.company_id = %s")
        params.append(scope.account_id)
    managers = scope.managers()
    if managers is not None:  # a manager's customers, or a sales team's
        marks = ", ".join(["%s"] * len(managers)) or "NULL"
        managed = f"SELECT company_id FROM tracking_companies WHERE manager_id IN ({marks})"
        where.append(f"t.company_id IN ({managed})")
        params.extend(sorted(managers))
    for column, value in filters.items():
        if value is not None:
            where.append(f"t.{column} = %s")
            params.append(value)
    for clause, values in extra:
        where.append(clause)
        params.extend(values)
    return " AND ".join(where) or "1 = 1", params
