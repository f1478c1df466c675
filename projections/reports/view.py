"""Report queries over ``report_sales`` (and the auctions read model's lots): each takes a
``Scope`` (``domain.access.scope_of``; a line is in a manager's scope when it is credited to
that manager) and filters, and answers one page, the count of every row on all pages, and the
totals of every row on all pages.

Ordered figures count a line on the day its contract was made (void contracts not at all);
settled figures on the day it was post-settled, with its actual weight and final amount.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.access import Scope
from domain.context import SHANGHAI
from projections.database import Row, ViewDatabase, to_decimal, to_uuid
from projections.reports.tables import amount_of, tonnes_of

DIMENSIONS = {  # how sales can be broken down: its column, and how its rows are named
    "category": "category",
    "product": "product_id",
    "region": "region",
    "customer": "company_id",
    "manager": "manager_id",
}
GRAINS = {"day": ("ordered_on", "settled_on"), "month": ("ordered_month", "settled_month")}
FIGURES = ("ordered_tonnes", "ordered_amount", "settled_tonnes", "settled_amount", "commission")
_SUMS = ("ok", "oc", "sk", "sc", "cm")


@dataclass(frozen=True)
class SalesFilters:
    start: date | None = None  # business dates, inclusive
    end: date | None = None
    category: str | None = None
    product_id: UUID | None = None
    region: str | None = None
    company_id: UUID | None = None
    managers: frozenset[UUID] | None = None  # credited to one of these (a manager, a team)


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict[str, Any]]
    totals: dict[str, Decimal] = field(default_factory=dict)


def _figures(row: Row) -> dict[str, Decimal]:
    ok, oc, sk, sc, cm = (row.get(name) for name in _SUMS)
    return {
        "ordered_tonnes": tonnes_of(ok),
        "ordered_amount": amount_of(oc),
        "settled_tonnes": tonnes_of(sk),
        "settled_amount": amount_of(sc),
        "commission": amount_of(cm),
    }


def _in(column: str, values: Iterable[Any]) -> tuple[str, list[Any]]:
    ordered = sorted(values, key=str)
    return f"{column} IN ({', '.join(['%s'] * len(ordered)) or 'NULL'})", ordered


def _where(scope: Scope, filters: SalesFilters, on: str = "") -> tuple[list[str], list[Any]]:
    """The scope and filters over report_sales (``on``: its alias and a dot, in a join)."""
    where: list[str] = []
    params: list[Any] = []
    if scope.account_id is not None:
        where.append(f"{on}company_id = %s")
        params.append(scope.account_id)
    for managers in (scope.managers(), filters.managers):
        if managers is not None:
            clause, values = _in(f"{on}manager_id", managers)
            where.append(clause)
            params.extend(values)
    for column in ("category", "product_id", "region", "company_id"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"{on}{column} = %s")
            params.append(value)
    return where, params


def _dated(column: str, filters: SalesFilters) -> tuple[list[str], list[Any]]:
    where, params = [f"{column} IS NOT NULL"], []
    if filters.start is not None:
        where.append(f"{column} >= %s")
        params.append(filters.start.isoformat())
    if filters.end is not None:
        where.append(f"{column} <= %s")
        params.append(filters.end.isoformat())
    return where, params


class ReportsView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    # ---- sales by period × dimension ---------------------------------------------------
    def _union(
        self, scope: Scope, filters: SalesFilters, period: tuple[str, str], key: str
    ) -> tuple[str, list[Any]]:
        """Every line twice: its ordered figures on its order date, its settled ones on its
        settlement date; ``p`` the period, ``k`` the dimension's key."""
        where, params = _where(scope, filters)
        halves, all_params = [], []
        for side, (column, sums) in enumerate(
            (
                (period[0], "ordered_kg, ordered_cents, 0, 0, 0"),
                (period[1], "0, 0, settled_kg, settled_cents, commission_cents"),
            )
        ):
            dated, dated_params = _dated(("ordered_on", "settled_on")[side], filters)
            clauses = [*where, *dated] + (["void = 0"] if side == 0 else [])
            halves.append(
                f"SELECT {column} AS p, {key} AS k, {sums.split(', ')[0]} AS ok, "
                f"{sums.split(', ')[1]} AS oc, {sums.split(', ')[2]} AS sk, "
                f"{sums.split(', ')[3]} AS sc, {sums.split(', ')[4]} AS cm "
                f"FROM report_sales WHERE {' AND '.join(clauses)}"
            )
            all_params += [*params, *dated_params]
        return " UNION ALL ".join(halves), all_params

    def sales(
        self,
        scope: Scope,
        filters: SalesFilters,
        by: str | None = None,
        grain: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page:
        """One row per period (day or month; none: the whole range) and dimension key."""
        period = GRAINS[grain] if grain else ("''", "''")
        key = DIMENSIONS[by] if by else "''"
        union, params = self._union(scope, filters, period, key)
        sums = ", ".join(f"SUM({name}) AS {name}" for name in _SUMS)
        grouped = f"SELECT p, k, {sums} FROM ({union}) u GROUP BY p, k"
        count = self.db.query(f"SELECT COUNT(*) AS n FROM ({grouped}) g", params)
        totals = self.db.query(f"SELECT {sums} FROM ({union}) u", params)
        rows = self.db.query(
            f"{grouped} ORDER BY p DESC, k LIMIT %s OFFSET %s", (*params, limit, offset)
        )
        names = self._names(by, [row["k"] for row in rows])
        data = []
        for row in rows:
            entry: dict[str, Any] = {"period": row["p"] or None, **_figures(row)}
            if by:
                entry["key"] = str(row["k"]) if row["k"] is not None else None
                entry["name"] = names.get(str(row["k"]), entry["key"])
            data.append(entry)
        return Page(int(count[0]["n"]), data, _figures(totals[0]) if totals else {})

    def _names(self, by: str | None, keys: list[Any]) -> dict[str, str]:
        known = [k for k in keys if k is not None]
        if not known or by not in ("product", "customer", "manager"):
            return {}
        table, column, name = {
            "product": ("report_sales", "product_id", "description"),
            "customer": ("report_customers", "company_id", "name"),
            "manager": ("report_staff", "staff_id", "name"),
        }[by]
        clause, values = _in(column, known)
        rows = self.db.query(f"SELECT {column} AS k, MAX({name}) AS n FROM {table} "
                             f"WHERE {clause} GROUP BY {column}", values)  # fmt: skip
        return {str(row["k"]): row["n"] for row in rows}

    # ---- 成交动态: the public deal feed -------------------------------------------------
    def deal_feed(self, category: str | None, limit: int = 20, offset: int = 0) -> Page:
        """Latest contract lines (void ones left out), newest first, the buyer's name masked."""
        where, params = ["void = 0"], []
        if category is not None:
            where.append("category = %s")
            params.append(category)
        clause = " AND ".join(where)
        count = self.db.query(f"SELECT COUNT(*) AS n FROM report_sales WHERE {clause}", params)
        rows = self.db.query(
            "SELECT ordered_at, buyer_masked, region, category, description, unit_price, "
            f"ordered_kg, ordered_cents, source FROM report_sales WHERE {clause} "
            "ORDER BY ordered_at DESC, contract_id, line_no LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        data = [
            {
                "dealt_at": row["ordered_at"],
                "buyer": row["buyer_masked"],
                "region": row["region"],
                "category": row["category"],
                "description": row["description"],
                "unit_price": to_decimal(row["unit_price"]),
                "tonnes": tonnes_of(row["ordered_kg"]),
                "amount": amount_of(row["ordered_cents"]),
                "source": row["source"],
            }
            for row in rows
        ]
        return Page(int(count[0]["n"]), data)

    # ---- commissions: each settled line credited to a manager --------------------------
    def commissions(
        self, scope: Scope, filters: SalesFilters, limit: int = 100, offset: int = 0
    ) -> Page:
        where, params = _where(scope, filters, "s.")
        dated, dated_params = _dated("s.settled_on", filters)
        clause = " AND ".join([*where, *dated, "s.manager_id IS NOT NULL"])
        params += dated_params
        base = (
            "FROM report_sales s LEFT JOIN report_customers c ON c.company_id = s.company_id "
            f"LEFT JOIN report_staff m ON m.staff_id = s.manager_id WHERE {clause}"
        )
        count = self.db.query(f"SELECT COUNT(*) AS n {base}", params)
        totals = self.db.query(
            f"SELECT SUM(settled_kg) AS sk, SUM(settled_cents) AS sc, "
            f"SUM(commission_cents) AS cm {base}",
            params,
        )
        rows = self.db.query(
            "SELECT s.*, c.name AS company_name, m.name AS manager_name "
            f"{base} ORDER BY settled_on DESC, contract_no, line_no LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        data = [
            {
                "settled_on": row["settled_on"],
                "ordered_on": row["ordered_on"],
                "contract_id": to_uuid(row["contract_id"]),
                "contract_no": row["contract_no"],
                "line_no": row["line_no"],
                "company_id": to_uuid(row["company_id"]),
                "company_name": row["company_name"] or "",
                "manager_id": to_uuid(row["manager_id"]),
                "manager_name": row["manager_name"] or "",
                "product_id": to_uuid(row["product_id"]),
                "description": row["description"],
                "settled_tonnes": tonnes_of(row["settled_kg"]),
                "settled_amount": amount_of(row["settled_cents"]),
                "rate": Decimal(row["commission_rate"]),
                "rate_version": row["commission_version"],
                "commission": amount_of(row["commission_cents"]),
            }
            for row in rows
        ]
        figures = _figures(totals[0]) if totals else {}
        keep = ("settled_tonnes", "settled_amount", "commission")
        return Page(int(count[0]["n"]), data, {k: v for k, v in figures.items() if k in keep})

    # ---- performance per person, rolled up the hierarchy -------------------------------
    def hierarchy(self) -> dict[UUID, Row]:
        rows = self.db.query("SELECT * FROM report_staff WHERE role IN "
                             "('manager', 'supervisor', 'director')")  # fmt: skip
        return {
            staff_id: {**row, "staff_id": staff_id, "lead_id": to_uuid(row["lead_id"])}
            for row in rows
            if (staff_id := to_uuid(row["staff_id"])) is not None
        }

    def performance(
        self, scope: Scope, filters: SalesFilters, people: frozenset[UUID] | None
    ) -> list[dict[str, Any]]:
        """Per manager its own figures; per supervisor and director the sum of everyone under
        it (the hierarchy as it is now). ``people``: the rows to show (None: all)."""
        union, params = self._union(scope, filters, ("''", "''"), "manager_id")
        sums = ", ".join(f"SUM({name}) AS {name}" for name in _SUMS)
        own = {
            to_uuid(row["k"]): _figures(row)
            for row in self.db.query(f"SELECT k, {sums} FROM ({union}) u GROUP BY k", params)
            if row["k"] is not None
        }
        staff = self.hierarchy()
        rolled: dict[UUID, dict[str, Decimal]] = defaultdict(lambda: _figures({}))
        for manager_id, figures in own.items():
            seen: set[UUID] = set()
            person: UUID | None = manager_id
            while person is not None and person not in seen:  # the manager and its leads
                seen.add(person)
                for name, value in figures.items():
                    rolled[person][name] += value
                person = staff[person]["lead_id"] if person in staff else None
        rows = []
        for staff_id, row in staff.items():
            if people is not None and staff_id not in people:
                continue
            rows.append(
                {
                    "staff_id": staff_id,
                    "name": row["name"],
                    "role": row["role"],
                    "lead_id": row["lead_id"],
                    **rolled[staff_id],
                }
            )
        order = {"director": 0, "supervisor": 1, "manager": 2}
        return sorted(rows, key=lambda r: (order[r["role"]], r["name"], str(r["staff_id"])))

    # ---- auction results (from the auctions read model) --------------------------------
    def auction_results(
        self,
        filters: SalesFilters,
        session_id: UUID | None,
        outcome: str | None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page:
        """Closed lots (awarded, paid, forfeited, unsold), latest first: the winning price and
        amount, bids and bidders; the winner by its masked name only."""
        where = ["l.decided IN ('awarded', 'paid', 'forfeited', 'unsold')"]
        params: list[Any] = []
        if outcome is not None:
            where.append("l.decided = %s")
            params.append(outcome)
        if session_id is not None:
            where.append("l.session_id = %s")
            params.append(session_id)
        if filters.category is not None:
            where.append("l.category = %s")
            params.append(filters.category)
        for bound, op in ((filters.start, ">="), (filters.end, "<=")):
            if bound is not None:  # the Asia/Shanghai day it closed on, compared as UTC
                where.append(f"l.closed_at {op} %s")
                params.append(_day_edge(bound, op))
        base = (
            "FROM auction_lots l JOIN auction_sessions s ON s.session_id = l.session_id "
            "LEFT JOIN report_customers c ON c.company_id = l.winner_id "
            f"WHERE {' AND '.join(where)}"
        )
        count = self.db.query(f"SELECT COUNT(*) AS n {base}", params)
        rows = self.db.query(
            "SELECT l.*, s.name AS session_name, c.masked_name AS winner "
            f"{base} ORDER BY l.closed_at DESC, l.lot_id LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        data = [
            {
                "lot_id": to_uuid(row["lot_id"]),
                "session_id": to_uuid(row["session_id"]),
                "session_name": row["session_name"],
                "lot_no": row["lot_no"],
                "category": row["category"],
                "description": row["description"],
                "quantity": to_decimal(row["quantity"]),
                "starting_price": to_decimal(row["starting_price"]),
                "winning_price": to_decimal(row["winning_price"]),
                "amount": to_decimal(row["amount"]),
                "bid_count": row["bid_count"],
                "bidder_count": row["bidder_count"],
                "extensions": row["extensions"],
                "closed_at": row["closed_at"],
                "outcome": row["decided"],
                "winner": row["winner"] if row["decided"] != "unsold" else None,
            }
            for row in rows
        ]
        return Page(int(count[0]["n"]), data)


def _day_edge(day: date, op: str) -> datetime:
    """The UTC instant a Shanghai business day starts (>=) or the next one starts (<=)."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    edge = start if op == ">=" else start + timedelta(days=1) - timedelta(microseconds=1)
    return edge.astimezone(UTC)
