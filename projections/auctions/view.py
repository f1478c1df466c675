"""Queries over the auction tables: the public board, a bidder's own bids, auction history
(抢购历史), breach notices (违约通知), and what the scheduler must close or forfeit.

The board never names a bidder. History and notices take a ``Scope`` (``domain.access.scope_of``):
a buyer's own company, a manager's bound customers (through ``account_directory``), or everyone.
A lot's state before its close follows from the clock: pass ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from domain.access import Scope
from domain.auctions import STATE_LABELS, LotState
from projections.database import Row, ViewDatabase, to_decimal, to_uuid

OUTCOME_LABELS = {
    "leading": "领先",
    "outbid": "被超越",
    "won": "中标",
    "lost": "未中标",
    "unsold": "流拍",
    "cancelled": "已取消",
}
_UUIDS = ("lot_id", "session_id", "listing_id", "product_id", "winner_id", "contract_id",
          "bidder_id", "company_id")  # fmt: skip
_DECIMALS = ("quantity", "starting_price", "increment", "highest_price", "winning_price",
             "amount", "best_price", "price", "penalty", "deposit")  # fmt: skip
_TIMES = ("starts_at", "scheduled_end", "ends_at", "closed_at", "created_at", "updated_at",
          "placed_at", "first_bid_at", "last_bid_at", "issued_at")  # fmt: skip
BOARD = (
    "SELECT l.*, s.name AS session_name FROM auction_lots l "
    "JOIN auction_sessions s ON s.session_id = l.session_id"
)
PUBLIC = (
    "lot_id", "session_id", "session_name", "lot_no", "listing_id", "category", "description",
    "warehouse", "quantity", "starting_price", "increment", "min_bidders", "starts_at",
    "scheduled_end", "ends_at", "extensions", "highest_price", "bid_count", "bidder_count",
    "winning_price", "closed_at", "cancel_reason",
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict[str, Any]]


class AuctionsView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    # ---- the board (everyone signed in) ------------------------------------------------
    def board(
        self,
        now: datetime,
        session_id: UUID | None = None,
        state: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        clauses, params = _state_clause(state, now)
        if session_id is not None:
            clauses.append("l.session_id = %s")
            params.append(session_id)
        where = " AND ".join(clauses) or "1 = 1"
        count = self.db.query(f"SELECT COUNT(*) AS n FROM auction_lots l WHERE {where}", params)
        rows = self.db.query(
            f"{BOARD} WHERE {where} ORDER BY l.ends_at, l.lot_id LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return Page(int(count[0]["n"]), [_public(_plain(row), now) for row in rows])

    def lot(self, lot_id: UUID, now: datetime) -> dict[str, Any] | None:
        rows = self.db.query(f"{BOARD} WHERE l.lot_id = %s", (lot_id,))
        return _public(_plain(rows[0]), now) if rows else None

    def bids_of(self, lot_id: UUID, bidder_id: UUID) -> list[dict[str, Any]]:
        """One bidder's own accepted bids on a lot, in order."""
        rows = self.db.query(
            "SELECT sequence, price, placed_at, extended FROM auction_bids "
            "WHERE lot_id = %s AND bidder_id = %s ORDER BY sequence",
            (lot_id, bidder_id),
        )
        return [{**_plain(row), "extended": bool(row["extended"])} for row in rows]

    def standing(self, lot_id: UUID, bidder_id: UUID) -> dict[str, Any] | None:
        rows = self.db.query(
            "SELECT b.*, l.highest_price, l.decided, l.winner_id FROM auction_lot_bidders b "
            "JOIN auction_lots l ON l.lot_id = b.lot_id WHERE b.lot_id = %s AND b.bidder_id = %s",
            (lot_id, bidder_id),
        )
        return _standing(_plain(rows[0])) if rows else None

    # ---- history and breach notices (scoped) -------------------------------------------
    def history(self, scope: Scope, limit: int = 50, offset: int = 0) -> Page:
        """抢购历史: per lot and bidder in scope, the bidder's bids and how the lot ended for it."""
        where, params = _scope_where(scope, "b.bidder_id")
        count = self.db.query(
            f"SELECT COUNT(*) AS n FROM auction_lot_bidders b WHERE {where}", params
        )
        rows = self.db.query(
            "SELECT b.*, l.session_id, l.lot_no, l.description, l.quantity, l.ends_at, "
            "l.highest_price, l.decided, l.winner_id, l.winning_price, l.closed_at, "
            "l.contract_id, l.breach_notice, s.name AS session_name FROM auction_lot_bidders b "
            "JOIN auction_lots l ON l.lot_id = b.lot_id "
            f"JOIN auction_sessions s ON s.session_id = l.session_id WHERE {where} "
            "ORDER BY b.last_bid_at DESC, b.lot_id, b.bidder_id LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return Page(int(count[0]["n"]), [_history(_plain(row)) for row in rows])

    def breach_notices(self, scope: Scope, limit: int = 50, offset: int = 0) -> Page:
        where, params = _scope_where(scope, "company_id")
        count = self.db.query(f"SELECT COUNT(*) AS n FROM breach_notices WHERE {where}", params)
        rows = self.db.query(
            f"SELECT * FROM breach_notices WHERE {where} "
            "ORDER BY issued_at DESC, notice_no LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return Page(int(count[0]["n"]), [_plain(row) for row in rows])

    # ---- for the scheduler -------------------------------------------------------------
    def due_to_close(self, now: datetime, limit: int = 500) -> list[UUID]:
        """Lots past their (extended) end and not yet closed or cancelled, earliest end first."""
        rows = self.db.query(
            "SELECT lot_id FROM auction_lots WHERE decided IS NULL AND ends_at <= %s "
            "ORDER BY ends_at, lot_id LIMIT %s",
            (now.astimezone(UTC), limit),
        )
        return [lot for row in rows if (lot := to_uuid(row["lot_id"])) is not None]

    def overdue_awards(self, today: date, limit: int = 500) -> list[UUID]:
        """Awarded lots whose payment day (a business date) is before ``today``."""
        rows = self.db.query(
            "SELECT lot_id FROM auction_lots WHERE decided = 'awarded' AND payment_due_on < %s "
            "ORDER BY payment_due_on, lot_id LIMIT %s",
            (today.isoformat(), limit),
        )
        return [lot for row in rows if (lot := to_uuid(row["lot_id"])) is not None]


def _state_clause(state: str | None, now: datetime) -> tuple[list[str], list[Any]]:
    at = now.astimezone(UTC)
    if state is None:
        return [], []
    if state == LotState.SCHEDULED.value:
        return ["l.decided IS NULL AND l.starts_at > %s"], [at]
    if state == LotState.OPEN.value:
        return ["l.decided IS NULL AND l.starts_at <= %s AND l.ends_at > %s"], [at, at]
    if state == LotState.ENDED.value:
        return ["l.decided IS NULL AND l.ends_at <= %s"], [at]
    return ["l.decided = %s"], [state]


def _scope_where(scope: Scope, column: str) -> tuple[str, list[Any]]:
    if scope.account_id is not None:
        return f"{column} = %s", [scope.account_id]
    managers = scope.managers()
    if managers is not None:  # a manager's customers, or a sales team's
        marks = ", ".join(["%s"] * len(managers)) or "NULL"
        managed = f"SELECT account_id FROM account_directory WHERE manager_id IN ({marks})"
        return f"CAST({column} AS TEXT) IN ({managed})", [str(m) for m in sorted(managers)]
    return "1 = 1", []


def state_at(row: Row, now: datetime) -> LotState:
    if row["decided"]:
        return LotState(row["decided"])
    if now < row["starts_at"]:
        return LotState.SCHEDULED
    return LotState.OPEN if now < row["ends_at"] else LotState.ENDED


def _public(row: Row, now: datetime) -> dict[str, Any]:
    state = state_at(row, now)
    result = {name: row.get(name) for name in PUBLIC}
    biddable = state in (LotState.SCHEDULED, LotState.OPEN)
    highest, step = row["highest_price"], row["increment"]
    minimum = row["starting_price"] if highest is None else highest + step
    unsold = row["unsold_reasons"]
    return {
        **result,
        "state": state.value,
        "state_label": STATE_LABELS[state],
        "next_minimum_bid": minimum if biddable else None,
        "unsold_reasons": unsold.split(",") if unsold else [],
    }


def _outcome(row: Row) -> str:
    decided, mine = row["decided"], row["bidder_id"]
    if decided in ("awarded", "paid", "forfeited"):
        return "won" if row["winner_id"] == mine else "lost"
    if decided in ("unsold", "cancelled"):
        return str(decided)
    return "leading" if row["best_price"] == row["highest_price"] else "outbid"


def _standing(row: Row) -> dict[str, Any]:
    outcome = _outcome(row)
    return {
        "bids": int(row["bids"]),
        "best_price": row["best_price"],
        "last_bid_at": row["last_bid_at"],
        "leading": outcome in ("leading", "won"),
        "outcome": outcome,
        "outcome_label": OUTCOME_LABELS[outcome],
    }


def _history(row: Row) -> dict[str, Any]:
    state = LotState(row["decided"]) if row["decided"] else None
    return {
        "lot_id": row["lot_id"],
        "session_id": row["session_id"],
        "session_name": row["session_name"],
        "lot_no": row["lot_no"],
        "description": row["description"],
        "quantity": row["quantity"],
        "company_id": row["bidder_id"],
        "ends_at": row["ends_at"],
        "lot_state": state.value if state else None,
        "lot_state_label": STATE_LABELS[state] if state else None,
        "winning_price": row["winning_price"],
        "closed_at": row["closed_at"],
        "first_bid_at": row["first_bid_at"],
        **_standing(row),
        "contract_id": row["contract_id"] if _outcome(row) == "won" else None,
        "breach_notice": row["breach_notice"] if _outcome(row) == "won" else None,
    }


def _plain(row: Row) -> Row:
    """Stored values as Python values, whichever back end stored them."""
    for name, value in row.items():
        if name in _UUIDS:
            row[name] = to_uuid(value)
        elif name in _DECIMALS:
            row[name] = to_decimal(value)
        elif name in _TIMES and value is not None and not isinstance(value, datetime):
            row[name] = datetime.fromisoformat(value).astimezone(UTC)
    return row
