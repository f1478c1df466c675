"""Request and response bodies for the catalog and spot listings.

Money, quantities and prices travel as decimal strings and are parsed with the domain's value
types (``to_domain``), so a bad value is refused with the domain's code (``invalid_price``,
``invalid_quantity``, ``invalid_amount`` …), never rounded, never a float.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    Field,
    computed_field,
    field_validator,
    model_validator,
)

from domain.catalog.catalog import ProductAttributes
from domain.catalog.labels import LISTING_STATE_LABELS, LISTING_STATUS_LABELS
from domain.catalog.listing import SaleTerms
from domain.catalog.pricing import LevelPrice, RegionalDelta
from domain.errors import ValidationError
from domain.values import Money, Quantity, UnitPrice
from interfaces.api.paging import LIMIT_DESCRIPTION, MAX_LIMIT, MAX_OFFSET, OFFSET_DESCRIPTION
from interfaces.api.schemas.accounts import Strict
from interfaces.api.schemas.common import Instant, PriceText, TonnesText

Code = Annotated[str, Field(max_length=20, examples=["HRC"]), AfterValidator(str.upper)]
DecimalText = Annotated[str, Field(max_length=32)]
Price = Annotated[str, Field(max_length=32, examples=["4321.57"], description="CNY per tonne")]
Tonnes = Annotated[str, Field(max_length=32, examples=["120.000"], description="tonnes")]
_SIZE = re.compile(r"^\d{1,9}(\.\d{1,6})?$")
SIZE_BOUND = 10**9  # mm: a size attribute has at most 9 digits before its point (``_SIZE``)


def parse_quantity(value: str | None) -> Quantity | None:
    return None if value is None else Quantity.parse(value)


def parse_price(value: str | None) -> UnitPrice | None:
    return None if value is None else UnitPrice.parse(value)


def aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationError("invalid_window", "Times need a time zone (e.g. +08:00 or Z).")
    return value


# ---- catalog ---------------------------------------------------------------------------------
class CategoryCreate(Strict):
    code: Code
    name: str = Field(max_length=60, examples=["热轧卷板"])
    parent: Code | None = None
    required_attributes: list[str] = Field(
        default_factory=list, max_length=20, examples=[["thickness", "width"]]
    )


class CategoryNode(BaseModel):
    code: str
    name: str
    parent: str | None
    required_attributes: list[str]
    template: list[str] = Field(description="required here and by every ancestor")
    children: list[CategoryNode]

    @classmethod
    def tree(cls, flat: list[dict[str, Any]]) -> list[CategoryNode]:
        nodes = {c["code"]: cls(**c, children=[]) for c in flat}
        roots: list[CategoryNode] = []
        for node in nodes.values():
            parent = nodes.get(node.parent) if node.parent else None
            (parent.children if parent else roots).append(node)
        return roots


class CategoriesPublic(BaseModel):
    """The category tree: ``data`` holds the roots, ``count`` every category in the tree."""

    data: list[CategoryNode]
    count: int


class AttributesIn(Strict):
    grade: str = Field(default="", max_length=40, examples=["Q235B"])
    thickness: DecimalText | None = Field(default=None, examples=["3.0"], description="mm")
    width: DecimalText | None = Field(default=None, examples=["1500"], description="mm")
    length: DecimalText | None = Field(default=None, description="mm; none for coil")
    surface: str = Field(default="", max_length=40)
    standard: str = Field(default="", max_length=60, examples=["GB/T 3274"])
    mill: str = Field(default="", max_length=60)
    extra: dict[str, str] = Field(default_factory=dict, examples=[{"diameter": "12.5"}])

    def to_domain(self) -> ProductAttributes:
        return ProductAttributes(
            grade=self.grade,
            thickness=_size("thickness", self.thickness),
            width=_size("width", self.width),
            length=_size("length", self.length),
            surface=self.surface,
            standard=self.standard,
            mill=self.mill,
            extra=tuple((name.strip(), value) for name, value in self.extra.items()),
        )


def _size(name: str, value: str | None) -> Decimal | None:
    if value is None:
        return None
    if not _SIZE.match(value):
        raise ValidationError("invalid_attribute", f"The {name} is a decimal string of mm.")
    return Decimal(value)


class ProductCreate(Strict):
    category: Code
    name: str = Field(max_length=120, examples=["HRC Q235B 3.0x1500"])
    attributes: AttributesIn


class AttributesPublic(BaseModel):
    grade: str = Field(examples=["Q235B"])
    thickness: str | None = Field(examples=["3.0"], description="mm")
    width: str | None = Field(examples=["1500"], description="mm")
    length: str | None = Field(description="mm; none for coil")
    surface: str
    standard: str
    mill: str
    extra: dict[str, str]

    @field_validator("extra", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        """The domain keeps extra attributes as (name, value) pairs."""
        return dict(value) if isinstance(value, list | tuple) else value


class ProductPublic(BaseModel):
    product_id: UUID
    category: str
    name: str
    attributes: AttributesPublic

    @classmethod
    def of(cls, product: dict[str, Any]) -> ProductPublic:
        return cls.model_validate(product)


# ---- listings: commands ----------------------------------------------------------------------
class RegionalDeltaIn(Strict):
    region: str = Field(max_length=40, examples=["north"])
    delta: DecimalText = Field(examples=["50.00"], description="CNY per tonne, may be negative")


class LevelPriceIn(Strict):
    level: str = Field(max_length=20, examples=["vip"])
    fixed: Price | None = None
    ratio: DecimalText | None = Field(default=None, examples=["0.98"])


def deltas(rows: list[RegionalDeltaIn] | None) -> tuple[RegionalDelta, ...] | None:
    if rows is None:
        return None
    return tuple(RegionalDelta(r.region, Money.parse(r.delta)) for r in rows)


def levels(rows: list[LevelPriceIn] | None) -> tuple[LevelPrice, ...] | None:
    if rows is None:
        return None
    return tuple(LevelPrice(r.level, parse_price(r.fixed), _ratio(r.ratio)) for r in rows)


def _ratio(value: str | None) -> Decimal | None:
    try:
        return None if value is None else Decimal(value)
    except InvalidOperation:
        raise ValidationError("invalid_ratio", f"{value!r} is not a decimal ratio.") from None


class TermsIn(Strict):
    min_quantity: Tonnes = "1"
    step: Tonnes = "0.001"
    saleable_regions: list[str] = Field(
        default_factory=list, max_length=50, description="empty: saleable everywhere"
    )
    warning_line: Tonnes | None = None

    def to_domain(self) -> SaleTerms:
        return SaleTerms(
            Quantity.parse(self.min_quantity),
            Quantity.parse(self.step),
            tuple(sorted({r.strip() for r in self.saleable_regions})),
            parse_quantity(self.warning_line),
        )


class ListingCreate(TermsIn):
    product_id: UUID
    warehouse: str = Field(max_length=60, examples=["日照 Rizhao WH1"])
    quantity: Tonnes
    list_price: Price
    regional: list[RegionalDeltaIn] = Field(default_factory=list, max_length=50)
    levels: list[LevelPriceIn] = Field(default_factory=list, max_length=10)


class ListingPublish(Strict):
    on_shelf_at: datetime | None = Field(default=None, description="default: now")
    off_shelf_at: datetime | None = None


class ListingWithdraw(Strict):
    reason: str = Field(default="", max_length=500)


class PricesChange(Strict):
    """Give the parts to change; a part left out stays as it is."""

    list_price: Price | None = None
    regional: list[RegionalDeltaIn] | None = Field(default=None, max_length=50)
    levels: list[LevelPriceIn] | None = Field(default=None, max_length=10)

    @model_validator(mode="after")
    def needs_a_part(self) -> PricesChange:
        if self.list_price is None and self.regional is None and self.levels is None:
            raise ValueError("give list_price, regional or levels")
        return self


class Restock(Strict):
    quantity: Tonnes


class CustomerPriceIn(Strict):
    account_id: UUID
    price: Price
    valid_from: datetime | None = None
    valid_until: datetime | None = None


# ---- listings: queries -----------------------------------------------------------------------
class StockPublic(BaseModel):
    """Tonnes: supplied = reserved + sold + remaining."""

    supplied: TonnesText
    reserved: TonnesText
    sold: TonnesText
    remaining: TonnesText


class DeltaPublic(BaseModel):
    region: str = Field(examples=["north"])
    delta: str = Field(examples=["50.00"], description="CNY per tonne, may be negative")


class LevelPublic(BaseModel):
    level: str = Field(examples=["vip"])
    fixed: PriceText | None
    ratio: str | None = Field(examples=["0.98"])


class CustomerPricePublic(BaseModel):
    account_id: UUID
    price: PriceText
    valid_from: Instant | None
    valid_until: Instant | None


class QuotePublic(BaseModel):
    unit_price: PriceText
    rule: str = Field(examples=["level_ratio:vip"])
    price_version: int
    region_delta: str = Field(examples=["50.00"])
    base_price: PriceText
    explanation: str


class _ListingLabels(BaseModel):
    """``state_label`` and ``status_label`` beside the codes (Chinese)."""

    state: str = Field(examples=["published"])
    status: str = Field(examples=["on_shelf"])

    @computed_field(examples=["已发布"])  # type: ignore[prop-decorator]
    @property
    def state_label(self) -> str:
        return LISTING_STATE_LABELS.get(self.state, self.state)

    @computed_field(examples=["在售"])  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return LISTING_STATUS_LABELS.get(self.status, self.status)


class ListingPublic(_ListingLabels):
    """A buyer sees ``your_price``; staff see ``levels`` and ``customer_prices`` instead."""

    listing_id: UUID
    price_version: int
    stock: StockPublic
    low_stock: bool = Field(
        validation_alias=AliasChoices("low_stock", "low_on_stock"),
        description="Remaining stock at or below the warning line",
    )
    product: ProductPublic
    category: str
    category_name: str | None = Field(default=None, examples=["热轧卷板"])
    warehouse: str
    on_shelf_at: Instant | None
    off_shelf_at: Instant | None
    list_price: PriceText
    regional: list[DeltaPublic]
    min_quantity: TonnesText
    step: TonnesText
    saleable_regions: list[str]
    warning_line: TonnesText | None
    your_price: QuotePublic | None = None
    levels: list[LevelPublic] | None = None
    customer_prices: list[CustomerPricePublic] | None = None

    @classmethod
    def of(cls, listing: dict[str, Any]) -> ListingPublic:
        return cls.model_validate({**listing, "product": ProductPublic.of(listing["product"])})


class PriceBookPublic(BaseModel):
    price_version: int
    list_price: PriceText
    regional: list[DeltaPublic]
    levels: list[LevelPublic]
    customer_prices: list[CustomerPricePublic]


class ListingSearchParams(BaseModel):
    category: str | None = Field(
        default=None,
        description="a category's code or name (HRC, 热轧卷板); its descendants too",
        examples=["热轧卷板"],
    )
    grade: str | None = Field(default=None, max_length=40)
    thickness_min: Decimal | None = Field(default=None, gt=0, lt=SIZE_BOUND, decimal_places=6)
    thickness_max: Decimal | None = Field(default=None, gt=0, lt=SIZE_BOUND, decimal_places=6)
    width: Decimal | None = Field(default=None, gt=0, lt=SIZE_BOUND, decimal_places=6)
    warehouse: str | None = Field(
        default=None,
        description="part of the warehouse's name, any case (日照 finds 日照 Rizhao)",
        examples=["日照"],
    )
    mill: str | None = None
    price_min: str | None = Field(
        default=None, description="CNY/t, on the price shown; a price as listings take one"
    )
    price_max: str | None = Field(
        default=None, description="CNY/t, on the price shown; a price as listings take one"
    )
    region: str | None = Field(
        default=None, description="staff: price for and sold into this region (buyers: theirs)"
    )
    status: Literal["draft", "scheduled", "on_shelf", "expired", "withdrawn"] | None = Field(
        default=None, description="staff only; buyers see on-shelf listings"
    )
    low_stock: bool | None = Field(default=None, description="staff only")
    q: str | None = Field(default=None, max_length=60, description="in product name or grade")
    sort: Literal["newest", "price_asc", "price_desc"] = "newest"
    limit: int = Field(default=50, ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)
    offset: int = Field(default=0, ge=0, le=MAX_OFFSET, description=OFFSET_DESCRIPTION)


class ListingRow(_ListingLabels):
    listing_id: UUID
    product_id: UUID
    product_name: str
    category: str
    category_name: str | None = Field(default=None, examples=["热轧卷板"])
    category_path: list[str]
    warehouse: str
    attributes: AttributesPublic
    list_price: PriceText
    regional: list[DeltaPublic]
    region: str | None
    price_in_region: PriceText | None = Field(description="list price + the region's difference")
    saleable_regions: list[str]
    min_quantity: TonnesText
    step: TonnesText
    stock: StockPublic
    warning_line: TonnesText | None
    low_stock: bool
    on_shelf_at: Instant | None
    off_shelf_at: Instant | None
    price_version: int
    created_at: Instant


class ListingsPublic(BaseModel):
    """One page of a search; ``count`` is every match. The same shape as the tracking lists."""

    data: list[ListingRow]
    count: int
    limit: int
    offset: int
    region: str | None
