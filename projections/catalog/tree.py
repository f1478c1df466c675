"""The category tree (商品类目): every category with its parent and its own required
attributes, in the order defined; each one's template (its own and every ancestor's required
attributes) is put together when read.

It follows both ways a category is recorded: ``CategoryDefined`` of the one-aggregate ``Catalog``
(stores written before the split) and ``Defined`` of a ``CatalogCategory``. The copies the split
makes (``imported``) restate facts the old events recorded, and the hidden root node is no
category: both are skipped.
"""

from __future__ import annotations

import json
from typing import Any

from domain.catalog.catalog import Catalog, Category
from domain.catalog.entries import CatalogCategory
from projections.base import Projection, event_class, on
from projections.database import Transaction, ViewDatabase

CategoryDefined = event_class(Catalog, "CategoryDefined")
Defined = event_class(CatalogCategory, "Defined")


class CategoryTreeProjection(Projection):
    name = "category_tree"
    tables = ("category_tree",)

    def create_tables(self, tx: Transaction) -> None:
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS category_tree (code TEXT PRIMARY KEY, "
            "seq {bigint} NOT NULL, name TEXT NOT NULL, parent TEXT, "
            "required_attributes TEXT NOT NULL)"
        )

    @on(CategoryDefined)
    def category_defined(self, event: Any, tx: Transaction) -> None:
        _insert(tx, event.category)

    @on(Defined)
    def defined(self, event: Any, tx: Transaction) -> None:
        if event.imported or not event.code:
            return
        category = Category(event.code, event.name, event.parent, event.required_attributes)
        _insert(tx, category)


def _insert(tx: Transaction, category: Category) -> None:
    seq = tx.fetchone("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM category_tree")
    tx.execute(
        "INSERT INTO category_tree (code, seq, name, parent, required_attributes) "
        "VALUES (%s, %s, %s, %s, %s)",
        (
            category.code,
            int(seq["seq"]) if seq else 1,
            category.name,
            category.parent,
            json.dumps(list(category.required_attributes), ensure_ascii=False),
        ),
    )


class CategoryTreeView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def categories(self) -> list[dict[str, Any]]:
        """Every category in the order defined: code, name, parent, required_attributes and
        template (the required attributes of its ancestors, then its own)."""
        rows = self.db.query("SELECT * FROM category_tree ORDER BY seq")
        by_code = {
            row["code"]: Category(
                row["code"],
                row["name"],
                row["parent"],
                tuple(json.loads(row["required_attributes"])),
            )
            for row in rows
        }
        return [{**c.as_dict(), "template": _template(by_code, c)} for c in by_code.values()]


def _template(by_code: dict[str, Category], category: Category) -> list[str]:
    chain: list[Category] = []
    current: Category | None = category
    while current is not None and len(chain) <= len(by_code):  # a broken tree cannot loop
        chain.append(current)
        current = by_code.get(current.parent) if current.parent else None
    names: list[str] = []
    for found in reversed(chain):
        names += [n for n in found.required_attributes if n not in names]
    return names
