"""The catalog's commands and lookups on a unit of work, over its small aggregates.

``StoredTree`` is the ``CategoryTree`` the rules read (domain/catalog/catalog.py): categories
loaded one by one as the rules ask for them. The root categories are the children of a hidden
root node (code ""), so the tree can be walked from the store alone; listing it is the read
model's job (projections/catalog/).

A store written before the split holds one ``Catalog`` aggregate. ``split_legacy_in`` copies it,
once, into the small aggregates in one atomic write and records ``Split`` on it (events are only
added, never changed; a second run finds it split and adds nothing). Until then lookups read the
old aggregate, so nothing is refused meanwhile; commands split it first (``CatalogService``).
"""

from __future__ import annotations

from uuid import UUID

from domain.catalog.catalog import (
    Catalog,
    Category,
    Product,
    ProductAttributes,
    new_category,
    new_product,
    template_of,
)
from domain.catalog.entries import CatalogCategory, CatalogProduct
from domain.errors import ConflictError, NotFoundError
from domain.unit_of_work import UnitOfWork

ROOT = ""  # the hidden root node's code: no category code can be empty


class StoredTree:
    def __init__(self, uow: UnitOfWork, legacy: bool = True) -> None:
        """``legacy=False`` when the old ``Catalog`` is known to be split or absent."""
        self.uow = uow
        self._legacy: Catalog | None = None
        self._legacy_checked = not legacy

    def node(self, code: str) -> CatalogCategory | None:
        return self.uow.find(CatalogCategory, CatalogCategory.create_id(code))

    def legacy(self) -> Catalog | None:
        """The old one-aggregate catalog while it is not split yet, else None."""
        if not self._legacy_checked:
            found = self.uow.find(Catalog, Catalog.ID)
            self._legacy = found if found is not None and not found.split else None
            self._legacy_checked = True
        return self._legacy

    # ---- CategoryTree ------------------------------------------------------------------
    def find_category(self, code: str) -> Category | None:
        if code == ROOT:
            return None
        if (node := self.node(code)) is not None:
            return node.category
        legacy = self.legacy()
        return legacy.find_category(code) if legacy is not None else None

    def has_children(self, code: str) -> bool:
        if (node := self.node(code)) is not None:
            return bool(node.children)
        legacy = self.legacy()
        return legacy is not None and legacy.has_children(code)

    def holds_products(self, code: str) -> bool:
        if (node := self.node(code)) is not None:
            return node.holds_products
        legacy = self.legacy()
        return legacy is not None and legacy.holds_products(code)

    # ---- queries -----------------------------------------------------------------------
    def template(self, code: str) -> tuple[str, ...]:
        return template_of(self, code)

    def categories(self) -> list[Category]:
        """Every category, parents before children (each level in the order defined)."""
        legacy = self.legacy()
        if legacy is not None:
            return list(legacy.categories.values())
        found: list[Category] = []
        level = list(root.children) if (root := self.node(ROOT)) is not None else []
        while level:
            nodes = [n for code in level if (n := self.node(code)) is not None]
            found += [n.category for n in nodes]
            level = [child for n in nodes for child in n.children]
        return found

    def product(self, product_id: UUID) -> Product:
        entry = self.uow.find(CatalogProduct, product_id)
        if entry is not None:
            return entry.product
        legacy = self.legacy()
        if legacy is None:
            raise NotFoundError("product")
        return legacy.product(product_id)


def define_category_in(
    uow: UnitOfWork, code: str, name: str, parent: str | None, required: tuple[str, ...]
) -> Category:
    tree = StoredTree(uow, legacy=False)
    category = new_category(tree, code, name, parent, required)
    _parent_node(uow, tree, category.parent).add_child(category.code)
    uow.add(CatalogCategory.of(category))
    return category


def define_missing_in(uow: UnitOfWork, categories: tuple[Category, ...]) -> list[str]:
    """Define those of ``categories`` (parents first) not yet defined; their codes."""
    tree = StoredTree(uow, legacy=False)
    missing = [c for c in categories if tree.find_category(c.code) is None]
    for c in missing:
        define_category_in(uow, c.code, c.name, c.parent, c.required_attributes)
    return [c.code for c in missing]


def add_product_in(
    uow: UnitOfWork, product_id: UUID, category: str, name: str, attributes: ProductAttributes
) -> Product:
    """File a product: it writes its own stream, and its category's only for the first one."""
    if uow.find(CatalogProduct, product_id) is not None:
        raise ConflictError("duplicate_product", "This product already exists.")
    tree = StoredTree(uow, legacy=False)
    product = new_product(tree, product_id, category, name, attributes)
    node = tree.node(product.category)
    if node is None:  # new_product found the category, so it has its node
        raise NotFoundError("category")
    node.file_product()
    uow.add(CatalogProduct(product=product))
    return product


def split_legacy_in(uow: UnitOfWork) -> dict[str, int]:
    """Copy the old one-aggregate catalog into the small aggregates (once); what it copied."""
    legacy = uow.find(Catalog, Catalog.ID)
    if legacy is None or legacy.split:
        return {"categories": 0, "products": 0}
    root = CatalogCategory.of(Category(ROOT, "", None), imported=True)
    nodes = {ROOT: root}
    for category in legacy.categories.values():  # parents were defined before children
        nodes[category.code] = CatalogCategory.of(category, imported=True)
        nodes[category.parent or ROOT].add_child(category.code)
    entries = [CatalogProduct(product=p, imported=True) for p in legacy.products.values()]
    for entry in entries:
        nodes[entry.product.category].file_product()
    uow.add(*nodes.values(), *entries)
    legacy.mark_split(categories=len(legacy.categories), products=len(entries))
    return {"categories": len(legacy.categories), "products": len(entries)}


def _parent_node(uow: UnitOfWork, tree: StoredTree, parent: str | None) -> CatalogCategory:
    node = tree.node(parent or ROOT)
    if node is None and parent is None:
        uow.add(node := CatalogCategory.of(Category(ROOT, "", None)))
    if node is None:
        raise NotFoundError("category")
    return node
