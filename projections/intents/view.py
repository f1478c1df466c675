"""The queries over the intent tracking tables: a scoped, filtered, paged list (newest first),
and one intent. Every row has its review steps and the same shape as the intent service's
``describe`` (ids as UUIDs, times in UTC, money with 2 places and tonnes with 3, the Chinese
label beside the state)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any
from uuid import UUID

from domain.access import Scope
from domain.intents import STATE_LABELS, IntentState
from projections.database import Row, ViewDatabase
from projections.tracking.rows import money, shape, tonnes

SELECT = (
    "SELECT t.*, c.company_name FROM intent_tracking t "
    "LEFT JOIN intent_companies c ON c.company_id = t.company_id"
)
REVIEWING = (IntentState.CONFIRMED.value, IntentState.IN_REVIEW.value)


class IntentTrackingView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def intents(
        self, scope: Scope, filters: dict[str, Any], limit: int = 100, offset: int = 0
    ) -> tuple[int, list[Row]]:
        """(how many in all, this page): filters are equalities on intent_tracking's columns
        (None: not filtered)."""
        where, params = _where(scope, filters)
        count = self.db.query(f"SELECT COUNT(*) AS n FROM intent_tracking t WHERE {where}", params)
        rows = self.db.query(
            f"{SELECT} WHERE {where} ORDER BY t.submitted_at DESC, t.intent_id LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        steps = self._steps([row["intent_id"] for row in rows])
        return int(count[0]["n"]), [_intent_row(row, steps[row["intent_id"]]) for row in rows]

    def intent(self, scope: Scope, intent_id: UUID) -> Row | None:
        """One intent; None when unknown or not visible to this scope."""
        _, rows = self.intents(scope, {"intent_id": intent_id}, limit=1)
        return rows[0] if rows else None

    def _steps(self, intent_ids: list[Any]) -> dict[Any, list[Row]]:
        found: dict[Any, list[Row]] = defaultdict(list)
        if intent_ids:
            marks = ", ".join(["%s"] * len(intent_ids))
            for row in self.db.query(
                f"SELECT * FROM intent_review_steps WHERE intent_id IN ({marks}) "
                "ORDER BY intent_id, level",
                intent_ids,
            ):
                found[row["intent_id"]].append(row)
        return found


def _where(scope: Scope, filters: dict[str, Any]) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if scope.account_id is not None:
        where.append("t.company_id = %s")
        params.append(scope.account_id)
    managers = scope.managers()
    if managers is not None:  # a manager's customers, or a sales team's
        marks = ", ".join(["%s"] * len(managers)) or "NULL"
        where.append(
            "t.company_id IN "
            f"(SELECT company_id FROM intent_companies WHERE manager_id IN ({marks}))"
        )
        params.extend(sorted(managers))
    for column, value in filters.items():
        if value is not None:
            where.append(f"t.{column} = %s")
            params.append(value)
    return " AND ".join(where) or "1 = 1", params


def _intent_row(row: Row, steps: list[Row]) -> Row:
    shape(row, ("intent_id", "company_id", "submitted_by", "contract_id"))
    shape(row, times=("submitted_at", "updated_at"))
    row["quantity"] = tonnes(row["quantity"])
    for column in ("unit_price", "amount"):
        row[column] = None if row[column] is None else money(row[column])
    row["specifications"] = dict(json.loads(row["specifications"]))
    row["state_label"] = STATE_LABELS[IntentState(row["state"])]
    row["reviews"] = [_step(step) for step in steps]
    awaited = next((s for s in row["reviews"] if s["decision"] == "pending"), None)
    reviewing = row["state"] in REVIEWING and awaited is not None
    row["next_level"] = awaited["level"] if reviewing and awaited else None
    row["next_role"] = awaited["role"] if reviewing and awaited else None
    return row


def _step(row: Row) -> Row:
    shape(row, ("intent_id", "reviewer_id"), ("decided_at",))
    return {key: row[key] for key in (
        "level", "role", "decision", "reviewer_id", "score", "comment", "decided_at"
    )}  # fmt: skip
