"""The queries over the rebates tables. For other read models and reports (the "rebate
statement per customer" report reads ``statement``):

``RebatesView.statement(scope, company_id=None, period=None, limit, offset)`` → ``(count,
rows)``; one row per company, period, policy (number) and policy version, newest period first:
``company_id``, ``company_name``, ``period`` (``2026-11`` or ``2026``), ``period_kind``,
``closed``, ``policy_id`` (None for a balance carried over), ``policy_no``, ``policy_name``,
``policy_kind``, ``kind_label``, ``policy_version``, ``accrued`` (the sum of its entries),
``credited`` (what the period's close credited to funds), ``outstanding`` (accrued −
credited). Money is Decimal with 2 places. ``scope`` is ``domain.access.Scope``: a buyer its
own company, a manager its bound customers, a supervisor or director its team's
managers' customers, other staff everyone.

``entries`` lists the entries themselves (accruals, corrections, carried balances),
``accounts`` the per company and period totals, ``tiers`` the tier progress, ``policies`` and
``periods`` what finance set up and closed.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from domain.access import Scope
from domain.rebates.values import ENTRY_LABELS, KIND_LABELS
from projections.database import Row, ViewDatabase, to_decimal
from projections.tracking.rows import shape, tonnes

STATEMENT = (
    "SELECT s.*, c.company_name, p.name AS policy_name, a.closed, a.period_kind "
    "FROM rebate_summary s "
    "LEFT JOIN rebate_companies c ON c.company_id = s.company_id "
    "LEFT JOIN rebate_policies p ON p.policy_id = s.policy_id "
    "LEFT JOIN rebate_accounts a ON a.company_id = s.company_id AND a.period = s.period"
)


class RebatesView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def statement(
        self,
        scope: Scope,
        company_id: Any = None,
        period: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[int, list[Row]]:
        where, params = _where("s", scope, {"company_id": company_id, "period": period})
        count = self.db.query(f"SELECT COUNT(*) AS n FROM rebate_summary s WHERE {where}", params)
        rows = self.db.query(
            f"{STATEMENT} WHERE {where} ORDER BY s.period DESC, s.company_id, s.policy_no, "
            "s.policy_version LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return int(count[0]["n"]), [_statement_row(row) for row in rows]

    def entries(
        self, scope: Scope, filters: dict[str, Any], limit: int = 100, offset: int = 0
    ) -> tuple[int, list[Row]]:
        """Entries newest first; filters are equalities on rebate_entries' columns."""
        where, params = _where("e", scope, filters)
        count = self.db.query(f"SELECT COUNT(*) AS n FROM rebate_entries e WHERE {where}", params)
        rows = self.db.query(
            "SELECT e.*, c.company_name FROM rebate_entries e "
            "LEFT JOIN rebate_companies c ON c.company_id = e.company_id "
            f"WHERE {where} ORDER BY e.posted_at DESC, e.position DESC, e.entry_id "
            "LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return int(count[0]["n"]), [_entry_row(row) for row in rows]

    def accounts(self, scope: Scope, filters: dict[str, Any]) -> list[Row]:
        """Per company and period: accrued, credited, carried, closed, funds reference."""
        where, params = _where("a", scope, filters)
        rows = self.db.query(
            "SELECT a.*, c.company_name FROM rebate_accounts a "
            "LEFT JOIN rebate_companies c ON c.company_id = a.company_id "
            f"WHERE {where} ORDER BY a.period DESC, a.company_id",
            params,
        )
        return [_account_row(row) for row in rows]

    def tiers(self, scope: Scope, filters: dict[str, Any]) -> list[Row]:
        """Tier progress: the period's figures, the rate reached, the next tier and the tonnes
        or amount to go (None at the top tier)."""
        where, params = _where("t", scope, filters)
        rows = self.db.query(
            "SELECT t.*, c.company_name, p.policy_no, p.name AS policy_name, p.kind "
            "FROM rebate_tiers t "
            "LEFT JOIN rebate_companies c ON c.company_id = t.company_id "
            "LEFT JOIN rebate_policies p ON p.policy_id = t.policy_id "
            f"WHERE {where} ORDER BY t.period DESC, t.company_id, p.policy_no",
            params,
        )
        return [_tier_row(row) for row in rows]

    def policies(self, kind: str | None = None) -> list[Row]:
        where, params = ("p.kind = %s", [kind]) if kind else ("1 = 1", [])
        rows = self.db.query(
            f"SELECT p.* FROM rebate_policies p WHERE {where} ORDER BY p.policy_no", params
        )
        versions = self.db.query("SELECT * FROM rebate_policy_versions ORDER BY version")
        return [_policy_row(row, versions) for row in rows]

    def periods(self) -> list[Row]:
        rows = self.db.query("SELECT * FROM rebate_periods ORDER BY period DESC")
        return [shape(r, ("period_id",), ("closed_at",), ("credited",)) for r in rows]


def _where(alias: str, scope: Scope, filters: dict[str, Any]) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if scope.account_id is not None:
        where.append(f"{alias}.company_id = %s")
        params.append(scope.account_id)
    managers = scope.managers()
    if managers is not None:  # a manager's customers, or a sales team's (issue 11)
        marks = ", ".join(["%s"] * len(managers)) or "NULL"
        where.append(
            f"{alias}.company_id IN "
            f"(SELECT company_id FROM rebate_companies WHERE manager_id IN ({marks}))"
        )
        params.extend(sorted(managers))
    for column, value in filters.items():
        if value is not None:
            where.append(f"{alias}.{column} = %s")
            params.append(value)
    return " AND ".join(where) or "1 = 1", params


def _rate(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _statement_row(row: Row) -> Row:
    shape(row, ("company_id", "policy_id"), amounts=("accrued", "credited"))
    row["outstanding"] = row["accrued"] - row["credited"]
    row["kind_label"] = KIND_LABELS.get(row["policy_kind"], "结转")
    row["closed"] = bool(row["closed"])
    return row


def _entry_row(row: Row) -> Row:
    shape(row, ("entry_id", "company_id", "contract_id", "policy_id"), ("posted_at",))
    shape(row, amounts=("base_amount", "amount"), weights=("base_tonnes",))
    row["rate"] = _rate(row["rate"])
    row["kind_label"] = ENTRY_LABELS[row["kind"]]
    row["policy_kind_label"] = KIND_LABELS.get(row["policy_kind"])
    row.pop("position", None)
    return row


def _account_row(row: Row) -> Row:
    shape(row, ("company_id",), ("closed_at",), ("accrued", "credited", "carried"))
    row.pop("account_id", None)
    row["closed"] = bool(row["closed"])
    return row


def _tier_row(row: Row) -> Row:
    shape(row, ("company_id", "policy_id"), ("updated_at",), ("amount", "accrued"))
    row["tonnes"] = tonnes(row["tonnes"])
    for column in ("tier_rate", "next_lower", "to_go"):
        row[column] = _rate(row[column])
    row["kind_label"] = KIND_LABELS.get(row["kind"] or "")
    row.pop("tier_id", None)
    return row


def _policy_row(row: Row, versions: list[Row]) -> Row:
    shape(row, ("policy_id", "customer_id", "product_id"), ("created_at",))
    row["kind_label"] = KIND_LABELS[row["kind"]]
    row["versions"] = [
        {
            "version": v["version"],
            "valid_from": v["valid_from"],
            "valid_to": v["valid_to"],
            "rate": _rate(v["rate"]),
            "measure": v["measure"],
            "whole_period": bool(v["whole_period"]),
            "tiers": json.loads(v["tiers"]),
        }
        for v in versions
        if str(v["policy_id"]) == str(row["policy_id"])
    ]
    return row
