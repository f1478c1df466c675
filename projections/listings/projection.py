"""Listing search (现货资源): one row per spot listing, searchable by category, specification,
warehouse, price and region.

Decimals for display are exact ({price}, {quantity}, or text); what SQL filters and sorts on is
kept as integers, so SQLite never compares decimal text or does float arithmetic: prices and
regional differences in cents, sizes in nanometres (mm x 10^6). The catalog's category tree is
kept here too (from the per-category aggregates' events, and the old one-aggregate catalog's),
and each listing is linked to its category and every ancestor, so a search by STEEL finds HRC
listings. A listing's category is a leaf that cannot get children while it holds
products, so the links made at creation stay right.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.catalog.catalog import Catalog, ProductAttributes
from domain.catalog.entries import CatalogCategory
from domain.catalog.listing import Listing, SaleTerms, StockLevels
from domain.catalog.pricing import PriceRules
from domain.values import Quantity
from projections.base import Projection, event_class, on
from projections.database import Row, Transaction, to_decimal
from projections.listings.search import SIZES, as_utc, cents, nanometres

CategoryDefined = event_class(Catalog, "CategoryDefined")  # stores written before the split
Defined = event_class(CatalogCategory, "Defined")
Created = event_class(Listing, "Created")
Published = event_class(Listing, "Published")
Withdrawn = event_class(Listing, "Withdrawn")
PricesChanged = event_class(Listing, "PricesChanged")
CustomerPriceSet = event_class(Listing, "CustomerPriceSet")
CustomerPriceRemoved = event_class(Listing, "CustomerPriceRemoved")
TermsChanged = event_class(Listing, "TermsChanged")
StockReserved = event_class(Listing, "StockReserved")
StockReleased = event_class(Listing, "StockReleased")
StockSold = event_class(Listing, "StockSold")
Restocked = event_class(Listing, "Restocked")


_MAX_DEPTH = 32  # a category path deeper than this is a broken tree
ZERO = Decimal(0)


class ListingSearchProjection(Projection):
    name = "listing_search"
    version = 2  # 2: NUMERIC(28,2) prices and NUMERIC(28,3) tonnes (projections/database.py)
    tables = (
        "listing_search",
        "listing_search_categories",
        "listing_search_in_category",
        "listing_search_deltas",
        "listing_search_regions",
    )

    def create_tables(self, tx: Transaction) -> None:
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS listing_search (listing_id {uuid} PRIMARY KEY, "
            "created_seq {bigint} NOT NULL, created_at {timestamp} NOT NULL, "
            "updated_at {timestamp} NOT NULL, product_id {uuid} NOT NULL, "
            "product_name TEXT NOT NULL, category TEXT NOT NULL, category_path TEXT NOT NULL, "
            "grade TEXT NOT NULL, thickness TEXT, thickness_nm {bigint}, width TEXT, "
            "width_nm {bigint}, length TEXT, length_nm {bigint}, surface TEXT NOT NULL, "
            "standard TEXT NOT NULL, mill TEXT NOT NULL, extra_attributes TEXT NOT NULL, "
            "warehouse TEXT NOT NULL, list_price {price} NOT NULL, list_cents {bigint} NOT NULL, "
            "saleable_everywhere BOOLEAN NOT NULL, min_quantity {quantity} NOT NULL, "
            "step {quantity} NOT NULL, supplied {quantity} NOT NULL, "
            "reserved {quantity} NOT NULL, sold {quantity} NOT NULL, "
            "remaining {quantity} NOT NULL, warning_line {quantity}, low_stock BOOLEAN NOT NULL, "
            "state TEXT NOT NULL, on_shelf_at {timestamp}, off_shelf_at {timestamp}, "
            "withdrawn_reason TEXT, price_version INTEGER NOT NULL)"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS listing_search_categories (code TEXT PRIMARY KEY, "
            "name TEXT NOT NULL, parent TEXT)"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS listing_search_in_category (category TEXT NOT NULL, "
            "listing_id {uuid} NOT NULL, PRIMARY KEY (category, listing_id))"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS listing_search_deltas (listing_id {uuid} NOT NULL, "
            "region TEXT NOT NULL, delta {money} NOT NULL, delta_cents {bigint} NOT NULL, "
            "PRIMARY KEY (listing_id, region))"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS listing_search_regions (listing_id {uuid} NOT NULL, "
            "region TEXT NOT NULL, PRIMARY KEY (listing_id, region))"
        )
        tx.ddl("CREATE INDEX IF NOT EXISTS listing_search_seq ON listing_search (created_seq)")
        tx.ddl("CREATE INDEX IF NOT EXISTS listing_search_price ON listing_search (list_cents)")

    @on(CategoryDefined)
    def category_defined(self, event: Any, tx: Transaction) -> None:
        c = event.category
        _insert_category(tx, c.code, c.name, c.parent)

    @on(Defined)
    def defined(self, event: Any, tx: Transaction) -> None:
        if not event.imported and event.code:  # a copy of an old CategoryDefined; the root
            _insert_category(tx, event.code, event.name, event.parent)

    @on(Created)
    def created(self, event: Any, tx: Transaction) -> None:
        product, listing_id = event.product, event.originator_id
        path = _category_path(tx, product.category)
        seq = tx.fetchone("SELECT COALESCE(MAX(created_seq), 0) + 1 AS seq FROM listing_search")
        columns = {
            "listing_id": listing_id,
            "created_seq": int(seq["seq"]) if seq else 1,
            "created_at": as_utc(event.timestamp),
            "updated_at": as_utc(event.timestamp),
            "product_id": product.product_id,
            "product_name": product.name,
            "category": product.category,
            "category_path": "/".join(path),
            **_attribute_columns(product.attributes),
            "warehouse": event.warehouse,
            "state": "draft",
            **_price_columns(event.prices, 1),
            **_terms_columns(event.terms, StockLevels.initial(event.quantity)),
        }
        names, marks = ", ".join(columns), ", ".join(f"%({n})s" for n in columns)
        tx.execute(f"INSERT INTO listing_search ({names}) VALUES ({marks})", columns)
        tx.executemany(
            "INSERT INTO listing_search_in_category (category, listing_id) VALUES (%s, %s)",
            [(code, listing_id) for code in path],
        )
        _replace_deltas(tx, listing_id, event.prices)
        _replace_regions(tx, listing_id, event.terms)

    @on(Published)
    def published(self, event: Any, tx: Transaction) -> None:
        off = event.off_shelf_at
        _update(
            tx,
            event,
            state="published",
            on_shelf_at=as_utc(event.on_shelf_at),
            off_shelf_at=None if off is None else as_utc(off),
            withdrawn_reason=None,
        )

    @on(Withdrawn)
    def withdrawn(self, event: Any, tx: Transaction) -> None:
        _update(tx, event, state="withdrawn", withdrawn_reason=event.reason)

    @on(PricesChanged)
    def prices_changed(self, event: Any, tx: Transaction) -> None:
        _update(tx, event, **_price_columns(event.prices, event.price_version))
        _replace_deltas(tx, event.originator_id, event.prices)

    @on(CustomerPriceSet, CustomerPriceRemoved)
    def customer_price(self, event: Any, tx: Transaction) -> None:
        _update(tx, event, price_version=event.price_version)

    @on(TermsChanged)
    def terms_changed(self, event: Any, tx: Transaction) -> None:
        row = _row(tx, event.originator_id, "supplied, reserved, sold, remaining")
        stock = StockLevels(**{k: Quantity(to_decimal(v) or ZERO) for k, v in row.items()})
        _update(tx, event, **_terms_columns(event.terms, stock))
        _replace_regions(tx, event.originator_id, event.terms)

    @on(StockReserved, StockReleased, StockSold, Restocked)
    def stock_moved(self, event: Any, tx: Transaction) -> None:
        line = to_decimal(_row(tx, event.originator_id, "warning_line")["warning_line"])
        stock: StockLevels = event.stock
        _update(tx, event, **_stock_columns(stock), low_stock=_low(stock, line))


def _insert_category(tx: Transaction, code: str, name: str, parent: str | None) -> None:
    tx.execute(
        "INSERT INTO listing_search_categories (code, name, parent) VALUES (%s, %s, %s)",
        (code, name, parent),
    )


def _attribute_columns(attrs: ProductAttributes) -> dict[str, Any]:
    columns: dict[str, Any] = {n: getattr(attrs, n) for n in ("grade", "surface", "standard")}
    columns["mill"] = attrs.mill
    columns["extra_attributes"] = json.dumps(dict(attrs.extra), ensure_ascii=False)
    for name in SIZES:
        size = getattr(attrs, name)
        columns[name] = None if size is None else str(size)
        columns[f"{name}_nm"] = nanometres(size)
    return columns


def _price_columns(prices: PriceRules, version: int) -> dict[str, Any]:
    price = prices.list_price.per_tonne
    return {"list_price": price, "list_cents": cents(price), "price_version": version}


def _terms_columns(terms: SaleTerms, stock: StockLevels) -> dict[str, Any]:
    line = None if terms.warning_line is None else terms.warning_line.tonnes
    return {
        **_stock_columns(stock),
        "min_quantity": terms.min_quantity.tonnes,
        "step": terms.step.tonnes,
        "warning_line": line,
        "low_stock": _low(stock, line),
        "saleable_everywhere": not terms.saleable_regions,
    }


def _stock_columns(stock: StockLevels) -> dict[str, Decimal]:
    names = ("supplied", "reserved", "sold", "remaining")
    return {name: getattr(stock, name).tonnes for name in names}


def _replace_deltas(tx: Transaction, listing_id: UUID, prices: PriceRules) -> None:
    tx.execute("DELETE FROM listing_search_deltas WHERE listing_id = %s", (listing_id,))
    tx.executemany(
        "INSERT INTO listing_search_deltas (listing_id, region, delta, delta_cents) "
        "VALUES (%s, %s, %s, %s)",
        [(listing_id, r.region, r.delta.amount, cents(r.delta.amount)) for r in prices.regional],
    )


def _replace_regions(tx: Transaction, listing_id: UUID, terms: SaleTerms) -> None:
    tx.execute("DELETE FROM listing_search_regions WHERE listing_id = %s", (listing_id,))
    tx.executemany(
        "INSERT INTO listing_search_regions (listing_id, region) VALUES (%s, %s)",
        [(listing_id, region) for region in sorted(set(terms.saleable_regions))],
    )


def _row(tx: Transaction, listing_id: UUID, columns: str) -> Row:
    row = tx.fetchone(f"SELECT {columns} FROM listing_search WHERE listing_id = %s", (listing_id,))
    if row is None:
        raise LookupError(f"listing {listing_id} is not in the view")
    return row


def _update(tx: Transaction, event: Any, **columns: Any) -> None:
    columns["updated_at"] = as_utc(event.timestamp)
    assignments = ", ".join(f"{name} = %({name})s" for name in columns)
    changed = tx.execute(
        f"UPDATE listing_search SET {assignments} WHERE listing_id = %(listing_id)s",
        {**columns, "listing_id": event.originator_id},
    )
    if changed != 1:
        raise LookupError(f"listing {event.originator_id} is not in the view")


def _category_path(tx: Transaction, code: str) -> list[str]:
    """Codes from the root down to ``code``, from the categories this view has seen."""
    path: list[str] = []
    current: str | None = code
    while current is not None:
        row = tx.fetchone(
            "SELECT parent FROM listing_search_categories WHERE code = %s", (current,)
        )
        if row is None or len(path) > _MAX_DEPTH:
            raise LookupError(f"category {current} is not in the view")
        path.append(current)
        current = row["parent"]
    return list(reversed(path))


def _low(stock: StockLevels, line: Decimal | None) -> bool:
    return line is not None and stock.remaining.tonnes <= line


def _text(value: Any) -> str | None:
    found = to_decimal(value)
    return None if found is None else str(found)
