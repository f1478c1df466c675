"""Searching the listing view (现货资源): filters, region pricing and paging over the tables the
ListingSearchProjection keeps (projections/listings/projection.py). SQL compares and sorts only
integers (cents, nanometres), never decimal text. A filter's bound is turned into an integer
exactly, however large it is, and one beyond what a 64-bit column can hold is narrowed to the
largest it can (every stored value is far inside that range), so any ListingSearch is answered,
never refused with an overflow."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from projections.database import Row, ViewDatabase, to_decimal, to_uuid

STATUSES = ("draft", "scheduled", "on_shelf", "expired", "withdrawn")
SORTS = ("newest", "price_asc", "price_desc")
SIZES = ("thickness", "width", "length")


@dataclass(frozen=True)
class ListingSearch:
    """What to look for. ``region`` prices every row for that region (list + its difference);
    with ``saleable_only`` only listings sold into it are found (a region of None then matches
    only listings sold everywhere, at list price). Price bounds and the price sort apply to the
    price in the region, or to the list price when no region is given."""

    now: datetime
    category: str | None = None
    grade: str | None = None
    thickness_min: Decimal | None = None
    thickness_max: Decimal | None = None
    width: Decimal | None = None
    warehouse: str | None = None
    mill: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    region: str | None = None
    saleable_only: bool = False
    status: str | None = None
    low_stock: bool | None = None
    q: str | None = None
    sort: str = "newest"
    limit: int = 50
    offset: int = 0


class ListingSearchView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def search(self, s: ListingSearch) -> tuple[list[Row], int]:
        """One page of matching listings, and how many match in all."""
        where, params = _conditions(s)
        body = (
            "FROM listing_search l LEFT JOIN listing_search_deltas d "
            f"ON d.listing_id = l.listing_id AND d.region = %(region)s WHERE {where}"
        )
        total = self.db.query(f"SELECT COUNT(*) AS n {body}", params)[0]["n"]
        rows = self.db.query(
            f"SELECT l.*, {_PRICE} AS price_cents {body} "
            f"ORDER BY {_ORDER[s.sort]} LIMIT %(limit)s OFFSET %(offset)s",
            {**params, "limit": s.limit, "offset": s.offset},
        )
        ids = [row["listing_id"] for row in rows]
        deltas = self._children("listing_search_deltas", ids)
        regions = self._children("listing_search_regions", ids)
        return [_shape(row, s, deltas, regions) for row in rows], int(total)

    def _children(self, table: str, ids: list[Any]) -> dict[UUID | None, list[Row]]:
        found: dict[UUID | None, list[Row]] = {to_uuid(i): [] for i in ids}
        if ids:
            marks = ", ".join(["%s"] * len(ids))
            statement = f"SELECT * FROM {table} WHERE listing_id IN ({marks}) ORDER BY region"
            for row in self.db.query(statement, ids):
                found[to_uuid(row["listing_id"])].append(row)
        return found


_PRICE = "(l.list_cents + COALESCE(d.delta_cents, 0))"
_ORDER = {
    "newest": "l.created_seq DESC",
    "price_asc": "price_cents ASC, l.created_seq DESC",
    "price_desc": "price_cents DESC, l.created_seq DESC",
}
_FILTERS = {
    "category": "l.listing_id IN (SELECT listing_id FROM listing_search_in_category WHERE "
    "category IN (SELECT code FROM listing_search_categories "
    "WHERE code = %(category)s OR name = %(category_name)s))",
    "grade": "UPPER(l.grade) = %(grade)s",
    "thickness_min": "l.thickness_nm >= %(thickness_min)s",
    "thickness_max": "l.thickness_nm <= %(thickness_max)s",
    "width": "l.width_nm = %(width)s",
    "warehouse": "LOWER(l.warehouse) LIKE %(warehouse)s ESCAPE '!'",
    "mill": "l.mill = %(mill)s",
    "price_min": f"{_PRICE} >= %(price_min)s",
    "price_max": f"{_PRICE} <= %(price_max)s",
    "low_stock": "l.low_stock = %(low_stock)s",
    "q": "(LOWER(l.product_name) LIKE %(q)s ESCAPE '!' OR LOWER(l.grade) LIKE %(q)s ESCAPE '!')",
    "saleable_only": "(l.saleable_everywhere OR EXISTS (SELECT 1 FROM listing_search_regions r "
    "WHERE r.listing_id = l.listing_id AND r.region = %(region)s))",
}
_STATUS = {
    "draft": "l.state = 'draft'",
    "withdrawn": "l.state = 'withdrawn'",
    "scheduled": "l.state = 'published' AND l.on_shelf_at > %(now)s",
    "on_shelf": "l.state = 'published' AND l.on_shelf_at <= %(now)s "
    "AND (l.off_shelf_at IS NULL OR l.off_shelf_at > %(now)s)",
    "expired": "l.state = 'published' AND l.off_shelf_at <= %(now)s",
}


def _conditions(s: ListingSearch) -> tuple[str, dict[str, Any]]:
    """The WHERE clause and its parameters (every filter given; integers where it compares)."""
    params: dict[str, Any] = {
        "region": s.region,
        "now": as_utc(s.now),
        "category": s.category.strip().upper() if s.category else None,
        "category_name": s.category.strip() if s.category else None,
        "grade": s.grade.upper() if s.grade else None,
        "thickness_min": _bound(nanometres, s.thickness_min),
        "thickness_max": _bound(nanometres, s.thickness_max),
        "width": _bound(nanometres, s.width),
        "warehouse": None if s.warehouse is None else f"%{_like(s.warehouse.strip())}%",
        "mill": s.mill,
        "price_min": _bound(cents, s.price_min),
        "price_max": _bound(cents, s.price_max),
        "low_stock": s.low_stock,
        "q": None if s.q is None else f"%{_like(s.q)}%",
        "saleable_only": s.saleable_only or None,
    }
    where = [sql for name, sql in _FILTERS.items() if params[name] is not None]
    if s.status is not None:
        where.append(f"({_STATUS[s.status]})")
    return " AND ".join(where) or "1 = 1", params


def _shape(
    row: Row,
    s: ListingSearch,
    deltas: dict[UUID | None, list[Row]],
    regions: dict[UUID | None, list[Row]],
) -> Row:
    listing_id = to_uuid(row["listing_id"])
    on_shelf_at, off_shelf_at = _when(row["on_shelf_at"]), _when(row["off_shelf_at"])
    price_in_region = Decimal(int(row["price_cents"])).scaleb(-2)
    return {
        "listing_id": listing_id,
        "product_id": to_uuid(row["product_id"]),
        "product_name": row["product_name"],
        "category": row["category"],
        "category_path": row["category_path"].split("/"),
        "warehouse": row["warehouse"],
        "attributes": {
            **{n: row[n] for n in ("grade", *SIZES, "surface", "standard", "mill")},
            "extra": json.loads(row["extra_attributes"]),
        },
        "list_price": _text(row["list_price"]),
        "regional": [
            {"region": d["region"], "delta": _text(d["delta"])} for d in deltas[listing_id]
        ],
        "region": s.region,
        "price_in_region": str(price_in_region) if s.region or s.saleable_only else None,
        "saleable_regions": [r["region"] for r in regions[listing_id]],
        "min_quantity": _text(row["min_quantity"]),
        "step": _text(row["step"]),
        "stock": {n: _text(row[n]) for n in ("supplied", "reserved", "sold", "remaining")},
        "warning_line": _text(row["warning_line"]),
        "low_stock": bool(row["low_stock"]),
        "state": row["state"],
        "status": _status(row["state"], on_shelf_at, off_shelf_at, s.now),
        "on_shelf_at": on_shelf_at,
        "off_shelf_at": off_shelf_at,
        "price_version": int(row["price_version"]),
        "created_at": _when(row["created_at"]),
    }


def _status(state: str, start: datetime | None, end: datetime | None, now: datetime) -> str:
    """As ``Listing.shelf_status``: draft, scheduled, on_shelf, expired or withdrawn."""
    if state != "published" or start is None:
        return state
    if now < start:
        return "scheduled"
    return "expired" if end is not None and now >= end else "on_shelf"


def _like(text: str) -> str:
    """Lower case, with LIKE's wildcards escaped by ``!``."""
    return text.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_")


def as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def cents(value: Decimal | None) -> int | None:
    """CNY as whole cents (half up), exactly, whatever the value's size."""
    return None if value is None else _whole(value.scaleb(2))


def nanometres(size: Decimal | None) -> int | None:
    """A size in mm as whole nanometres (mm x 10^6), for exact range filters."""
    return None if size is None else _whole(size.scaleb(6))


def _whole(value: Decimal) -> int:
    # to_integral_value, unlike quantize, works at any size (no 28-digit context limit)
    return int(value.to_integral_value(ROUND_HALF_UP))


_INT64 = 2**63 - 1


def _bound(as_integer: Callable[[Decimal | None], int | None], value: Decimal | None) -> Any:
    """A filter's bound as an integer a BIGINT/INTEGER parameter can carry."""
    found = as_integer(value)
    return None if found is None else max(-_INT64, min(_INT64, found))


def _text(value: Any) -> str | None:
    found = to_decimal(value)
    return None if found is None else str(found)
