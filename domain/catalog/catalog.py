"""The product catalog's values and rules: a category tree and the products filed under its
leaves. A category may require attributes (its template); a product must carry its category's
required attributes and those of every ancestor, and may only be filed under a leaf; a category
holding products gets no children.

The rules read a ``CategoryTree``. Today each category and each product is its own aggregate
(domain/catalog/tree.py), so a command writes one small stream, never one for the whole catalog.
Stores written before that hold one ``Catalog`` aggregate (below): it still loads, and is
copied into the small aggregates once (its events stay as they are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate, CopiesCheaply
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.ledger import stable_id

STANDARD_ATTRIBUTES = ("grade", "thickness", "width", "length", "surface", "standard", "mill")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,19}$")


@dataclass(frozen=True)
class Category:
    code: str  # e.g. HRC
    name: str  # e.g. 热轧卷板
    parent: str | None  # parent code; None for a root
    required_attributes: tuple[str, ...] = ()  # this level's template

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "parent": self.parent,
            "required_attributes": list(self.required_attributes),
        }


@dataclass(frozen=True)
class ProductAttributes:
    """grade 牌号, dimensions in mm (length None for coil), surface, standard, mill/origin."""

    grade: str = ""
    thickness: Decimal | None = None
    width: Decimal | None = None
    length: Decimal | None = None
    surface: str = ""
    standard: str = ""
    mill: str = ""
    extra: tuple[tuple[str, str], ...] = ()  # further (name, value) pairs

    def value(self, name: str) -> str | Decimal | None:
        if name in STANDARD_ATTRIBUTES:
            found: str | Decimal | None = getattr(self, name)
            return found if found not in ("", None) else None
        return next((v for n, v in self.extra if n == name and v.strip()), None)

    def as_dict(self) -> dict[str, Any]:
        found = {n: getattr(self, n) for n in STANDARD_ATTRIBUTES}
        sizes = {n: str(v) for n, v in found.items() if isinstance(v, Decimal)}
        return {**found, **sizes, "extra": [list(pair) for pair in self.extra]}

    def check(self) -> None:
        for name in ("thickness", "width", "length"):
            size = getattr(self, name)
            if size is not None and not (
                isinstance(size, Decimal) and size.is_finite() and size > 0
            ):
                raise ValidationError("invalid_attribute", f"The {name} must be a positive mm.")
        names = [n for n, _ in self.extra]
        if len(set(names)) != len(names) or set(names) & set(STANDARD_ATTRIBUTES):
            raise ValidationError("invalid_attribute", "Extra attribute names must be unique.")
        if any(not n.strip() for n in names):
            raise ValidationError("invalid_attribute", "An extra attribute needs a name.")


@dataclass(frozen=True)
class Product:
    product_id: UUID
    category: str  # a leaf category code
    name: str
    attributes: ProductAttributes

    def as_dict(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "category": self.category,
            "name": self.name,
            "attributes": self.attributes.as_dict(),
        }


class CategoryTree(Protocol):
    """What the catalog's rules read of a category tree: the one-aggregate ``Catalog`` below
    (stores written before the split), or the per-category aggregates a unit of work loads
    (domain/catalog/tree.py)."""

    def find_category(self, code: str) -> Category | None: ...

    def has_children(self, code: str) -> bool: ...

    def holds_products(self, code: str) -> bool: ...


def normalise_code(code: str | None) -> str:
    return (code or "").strip().upper()


def category_of(tree: CategoryTree, code: str) -> Category:
    found = tree.find_category(code)
    if found is None:
        raise ValidationError("unknown_category", f"No category with code {code!r}.")
    return found


def path_of(tree: CategoryTree, code: str) -> tuple[Category, ...]:
    """From the root down to this category."""
    chain: list[Category] = []
    current: str | None = code
    while current is not None:
        found = category_of(tree, current)
        chain.append(found)
        current = found.parent
    return tuple(reversed(chain))


def template_of(tree: CategoryTree, code: str) -> tuple[str, ...]:
    """The attributes a product in this category must have (its ancestors' too)."""
    names: list[str] = []
    for category in path_of(tree, code):
        names += [n for n in category.required_attributes if n not in names]
    return tuple(names)


def is_leaf(tree: CategoryTree, code: str) -> bool:
    category_of(tree, code)
    return not tree.has_children(code)


def new_category(
    tree: CategoryTree, code: str, name: str, parent: str | None, required: tuple[str, ...]
) -> Category:
    """The category these arguments define, every rule checked (a code not yet taken, a parent
    that exists and holds no products, a name, named required attributes)."""
    code = normalise_code(code)
    if not _CODE.match(code):
        raise ValidationError(
            "invalid_code", "A category code is 2-20 capital letters, digits or _."
        )
    if tree.find_category(code) is not None:
        raise ConflictError("duplicate_code", f"Category {code} already exists.")
    if not (name or "").strip():
        raise ValidationError("required", "A category needs a name.")
    if parent is not None:
        parent = normalise_code(parent)
        category_of(tree, parent)
        if tree.holds_products(parent):
            raise ConflictError(
                "category_has_products", f"Category {parent} holds products; it stays a leaf."
            )
    required = tuple(dict.fromkeys(n.strip() for n in required))
    if any(not n for n in required):
        raise ValidationError("invalid_attribute", "A required attribute needs a name.")
    return Category(code, name.strip(), parent, required)


def new_product(
    tree: CategoryTree, product_id: UUID, category: str, name: str, attributes: ProductAttributes
) -> Product:
    """The product these arguments file, every rule checked but its id's novelty (a leaf
    category, a name, valid attributes carrying the category's template)."""
    category = normalise_code(category)
    if not is_leaf(tree, category):
        raise ValidationError(
            "not_a_leaf_category", f"Products go under a leaf category, not {category}."
        )
    if not (name or "").strip():
        raise ValidationError("required", "A product needs a name.")
    attributes.check()
    missing = [n for n in template_of(tree, category) if attributes.value(n) is None]
    if missing:
        raise ValidationError(
            "missing_attribute",
            f"Category {category} requires: {', '.join(missing)}.",
            missing=missing,
        )
    return Product(product_id, category, name.strip(), attributes)


class Catalog(CopiesCheaply, Aggregate):
    """The whole catalog in one aggregate: how stores written before the split hold it. The
    service no longer writes to it; ``CatalogService`` copies it once into per-category and
    per-product aggregates (domain/catalog/tree.py) and records ``Split`` here.

    Version 2 of its state adds ``split``; snapshots of version 1 are upcast with False."""

    class_version = 2
    ID = stable_id("catalog", "main")

    @staticmethod
    def create_id() -> UUID:
        return Catalog.ID

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["split"] = False

    @event("Opened")
    def __init__(self) -> None:
        self.categories: dict[str, Category] = {}
        self.products: dict[UUID, Product] = {}
        self.split = False

    # ---- the tree the rules read -----------------------------------------------------
    def find_category(self, code: str) -> Category | None:
        return self.categories.get(code)

    def has_children(self, code: str) -> bool:
        return any(c.parent == code for c in self.categories.values())

    def holds_products(self, code: str) -> bool:
        return any(p.category == code for p in self.products.values())

    # ---- queries -----------------------------------------------------------------------
    def category(self, code: str) -> Category:
        return category_of(self, code)

    def children(self, code: str | None) -> list[Category]:
        return [c for c in self.categories.values() if c.parent == code]

    def is_leaf(self, code: str) -> bool:
        return is_leaf(self, code)

    def path(self, code: str) -> tuple[Category, ...]:
        """From the root down to this category."""
        return path_of(self, code)

    def template(self, code: str) -> tuple[str, ...]:
        """The attributes a product in this category must have (its ancestors' too)."""
        return template_of(self, code)

    def define_missing(self, tree: tuple[Category, ...]) -> list[str]:
        """Define those categories of ``tree`` (parents first) not yet defined; their codes."""
        missing = [c for c in tree if c.code not in self.categories]
        for c in missing:
            self.define_category(c.code, c.name, c.parent, c.required_attributes)
        return [c.code for c in missing]

    def product(self, product_id: UUID) -> Product:
        found = self.products.get(product_id)
        if found is None:
            raise NotFoundError("product")
        return found

    # ---- commands ----------------------------------------------------------------------
    def define_category(
        self, code: str, name: str, parent: str | None = None, required: tuple[str, ...] = ()
    ) -> Category:
        category = new_category(self, code, name, parent, required)
        self._category_defined(category=category)
        return category

    @event("CategoryDefined")
    def _category_defined(self, category: Category) -> None:
        self.categories[category.code] = category

    def add_product(
        self, product_id: UUID, category: str, name: str, attributes: ProductAttributes
    ) -> Product:
        if product_id in self.products:
            raise ConflictError("duplicate_product", "This product already exists.")
        product = new_product(self, product_id, category, name, attributes)
        self._product_added(product=product)
        return product

    @event("ProductAdded")
    def _product_added(self, product: Product) -> None:
        self.products[product.product_id] = product

    def mark_split(self, categories: int, products: int) -> None:
        """Its categories and products now live in their own aggregates (counted here)."""
        if not self.split:
            self._split(categories=categories, products=products)

    @event("Split")
    def _split(self, categories: int, products: int) -> None:
        self.split = True


DEFAULT_TREE: tuple[Category, ...] = (
    Category("METAL", "金属矿产", None),
    Category("STEEL", "钢材", "METAL", ("grade", "standard")),
    Category("HRC", "热轧卷板", "STEEL", ("thickness", "width")),
    Category("PLATE", "中厚板", "STEEL", ("thickness", "width", "length")),
    Category("COLD", "冷轧板卷", "STEEL", ("thickness", "width")),
    Category("WIRE", "线材", "STEEL", ("diameter",)),
    Category("REBAR", "螺纹钢", "STEEL", ("diameter",)),
    Category("SECTION", "型钢", "STEEL", ("size",)),
)
