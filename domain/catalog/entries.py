"""The catalog's aggregates: one per category, one per product.

A command on the catalog writes one or two of these small streams, never one stream for the
whole catalog. A category's id is derived from its code, so the store itself keeps codes unique
(a second ``Defined`` for the same code collides in the same write, like a ``Claim``). A category
knows its children's codes and whether it holds products (set by its first product only), which
is all the tree's rules need; the tree as a whole is served by a read model
(projections/catalog/).

``imported`` marks the aggregates copied from the one-aggregate ``Catalog`` of an older store:
their facts were first recorded by its events, which read models have already seen.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate, CopiesCheaply
from domain.catalog.catalog import Category, Product
from domain.errors import ConflictError, ValidationError
from domain.ledger import stable_id


class CatalogCategory(CopiesCheaply, Aggregate):
    @staticmethod
    def create_id(code: str) -> UUID:
        return stable_id("category", code)

    @event("Defined")
    def __init__(
        self,
        code: str,
        name: str,
        parent: str | None,
        required_attributes: tuple[str, ...],
        imported: bool = False,
    ) -> None:
        self.code = code
        self.name = name
        self.parent = parent
        self.required_attributes = tuple(required_attributes)
        self.children: tuple[str, ...] = ()
        self.holds_products = False

    @classmethod
    def of(cls, category: Category, imported: bool = False) -> CatalogCategory:
        return cls(
            code=category.code,
            name=category.name,
            parent=category.parent,
            required_attributes=category.required_attributes,
            imported=imported,
        )

    @property
    def category(self) -> Category:
        return Category(self.code, self.name, self.parent, tuple(self.required_attributes))

    def add_child(self, code: str) -> None:
        if self.holds_products:
            raise ConflictError(
                "category_has_products", f"Category {self.code} holds products; it stays a leaf."
            )
        if code not in self.children:
            self._child_added(code=code)

    @event("ChildAdded")
    def _child_added(self, code: str) -> None:
        self.children = (*self.children, code)

    def file_product(self) -> None:
        """A product is filed here: the first one makes this category a holder of products."""
        if self.children:
            raise ValidationError(
                "not_a_leaf_category", f"Products go under a leaf category, not {self.code}."
            )
        if not self.holds_products:
            self._first_product_filed()

    @event("FirstProductFiled")
    def _first_product_filed(self) -> None:
        self.holds_products = True


class CatalogProduct(CopiesCheaply, Aggregate):
    """A product of the catalog; its id is the product's id."""

    @staticmethod
    def create_id(product: Product) -> UUID:
        return product.product_id

    @event("Added")
    def __init__(self, product: Product, imported: bool = False) -> None:
        self.product = product
