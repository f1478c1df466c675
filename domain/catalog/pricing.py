"""Listing prices: the price book a listing carries, and the quote a buyer gets from it.

Precedence, highest first:

1. **customer price** (一客一价) for this account, when its effective window contains ``now``. It is
   the all-in price agreed with that customer, so **no regional difference is added on top**;
2. **level price** for the account's member level: a fixed price, or a ratio of the list price
   (list × ratio, rounded half-up to cents);
3. the **list price**.

A level or list price then gets the regional difference for the delivery region (may be
negative; a region without an entry has none). A ratio applies to the list price alone and the
difference is added after it, never scaled by the ratio. Line amount = unit price × tonnes,
rounded half-up to cents (``UnitPrice.times``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol
from uuid import UUID

from domain.accounts.customers import MEMBER_LEVELS
from domain.errors import ConflictError, ValidationError
from domain.values import CENT, PRICE_BOUND, Money, Quantity, UnitPrice


@dataclass(frozen=True)
class RegionalDelta:
    """区域价: added to level and list prices for deliveries into ``region``."""

    region: str
    delta: Money  # CNY per tonne, may be negative

    def as_dict(self) -> dict[str, Any]:
        return {"region": self.region, "delta": str(self.delta)}


@dataclass(frozen=True)
class LevelPrice:
    """A member level's price: exactly one of a fixed price or a ratio of the list price."""

    level: str
    fixed: UnitPrice | None = None
    ratio: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        fixed, ratio = self.fixed, self.ratio
        return {
            "level": self.level,
            "fixed": None if fixed is None else str(fixed),
            "ratio": None if ratio is None else str(ratio),
        }


@dataclass(frozen=True)
class CustomerPrice:
    """一客一价: an all-in price for one customer, optionally within [valid_from, valid_until)."""

    account_id: UUID
    price: UnitPrice
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "price": str(self.price),
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
        }

    def effective_at(self, now: datetime) -> bool:
        started = self.valid_from is None or self.valid_from <= now
        return started and (self.valid_until is None or now < self.valid_until)


@dataclass(frozen=True)
class PriceRules:
    """A listing's public prices: list price, regional differences, member-level prices."""

    list_price: UnitPrice
    regional: tuple[RegionalDelta, ...] = ()
    levels: tuple[LevelPrice, ...] = ()

    def changed(
        self,
        list_price: UnitPrice | None = None,
        regional: tuple[RegionalDelta, ...] | None = None,
        levels: tuple[LevelPrice, ...] | None = None,
    ) -> PriceRules:
        """These rules with the given parts replaced (None keeps a part)."""
        return PriceRules(
            list_price if list_price is not None else self.list_price,
            regional if regional is not None else self.regional,
            levels if levels is not None else self.levels,
        )

    def check(self) -> None:
        """Refuse rules that could ever quote zero or less, or that name a thing twice."""
        check_price(self.list_price, "list price")
        for level in self.levels:
            check_level_price(level)
        _check_unique([r.region for r in self.regional], "region")
        _check_unique([lp.level for lp in self.levels], "level")
        if any(not r.region.strip() for r in self.regional):
            raise ValidationError("invalid_region", "A regional difference needs a region.")
        bases = [self.list_price] + [_level_base(lp, self.list_price) for lp in self.levels]
        lowest = min(b.per_tonne for b in bases)
        if lowest + min((r.delta.amount for r in self.regional), default=0) <= 0:
            raise ValidationError(
                "invalid_price", "A regional difference would bring a price to zero or below."
            )
        highest = max(b.per_tonne for b in bases)
        if highest + max((r.delta.amount for r in self.regional), default=0) >= PRICE_BOUND:
            raise ValidationError(
                "invalid_price",
                f"A regional difference would bring a price to {PRICE_BOUND:,} CNY/t or above.",
            )

    def as_dict(self) -> dict[str, Any]:
        return {
            "list_price": str(self.list_price),
            "regional": [r.as_dict() for r in self.regional],
            "levels": [lp.as_dict() for lp in self.levels],
        }

    def regional_delta(self, region: str | None) -> Money:
        found = next((r.delta for r in self.regional if r.region == region), None)
        return found if found is not None else Money.zero()

    def member_base(self, level: str) -> tuple[UnitPrice, str, str]:
        """The level's price before any regional difference: (price, rule, explanation)."""
        found = next((lp for lp in self.levels if lp.level == level), None)
        if found is not None and found.fixed is not None:
            return found.fixed, f"level_fixed:{level}", f"{level} level price {found.fixed}"
        if found is not None and found.ratio is not None:
            base = _level_base(found, self.list_price)
            why = f"{level} level ratio {found.ratio} x list {self.list_price} = {base}"
            return base, f"level_ratio:{level}", why
        return self.list_price, "list", f"list price {self.list_price}"


@dataclass(frozen=True)
class PriceQuote:
    unit_price: UnitPrice
    rule: str  # "customer_price", "level_fixed:<level>", "level_ratio:<level>" or "list"
    price_version: int
    region_delta: Money
    explanation: str
    base_price: UnitPrice  # the price the rule gave, before the regional difference

    def line_amount(self, quantity: Quantity) -> Money:
        return self.unit_price.times(quantity)

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_price": str(self.unit_price),
            "rule": self.rule,
            "price_version": self.price_version,
            "region_delta": str(self.region_delta),
            "base_price": str(self.base_price),
            "explanation": self.explanation,
        }


def check_price(price: UnitPrice, what: str = "price") -> None:
    if price.per_tonne <= 0:
        raise ValidationError("invalid_price", f"The {what} must be more than zero.")


def check_level_price(level: LevelPrice) -> None:
    if level.level not in MEMBER_LEVELS:
        raise ValidationError("unknown_level", f"Levels are: {', '.join(MEMBER_LEVELS)}.")
    if (level.fixed is None) == (level.ratio is None):
        raise ValidationError(
            "invalid_level_price", f"Level {level.level} needs a fixed price or a ratio, not both."
        )
    if level.fixed is not None:
        check_price(level.fixed, f"{level.level} price")
    ratio = level.ratio
    if ratio is not None and not (
        isinstance(ratio, Decimal) and ratio.is_finite() and 0 < ratio <= 1
    ):
        raise ValidationError(
            "invalid_ratio", f"A level ratio is a Decimal above 0 and at most 1, not {ratio!r}."
        )


def check_customer_price(price: CustomerPrice) -> None:
    check_price(price.price, "customer price")
    for moment in (price.valid_from, price.valid_until):
        if moment is not None and moment.utcoffset() is None:
            raise ValidationError(
                "invalid_window", "A customer price's window needs times with a time zone."
            )
    if (
        price.valid_from is not None
        and price.valid_until is not None
        and price.valid_until <= price.valid_from
    ):
        raise ValidationError("invalid_window", "A customer price must end after it starts.")


class PricedListing(Protocol):
    """What a quote reads of a listing (``Listing`` in ``domain/catalog/listing.py``, which
    imports this module: this one does not import it)."""

    @property
    def prices(self) -> PriceRules: ...

    @property
    def price_version(self) -> int: ...

    @property
    def customer_prices(self) -> Mapping[UUID, CustomerPrice]: ...

    def check_region(self, region: str | None) -> None: ...


def quote(
    listing: PricedListing,
    account_level: str,
    account_id: UUID | None,
    region: str | None,
    now: datetime,
) -> PriceQuote:
    """The price per tonne this customer pays for this listing delivered into ``region``:
    customer price (all-in, no regional difference), else level price, else list price, the
    latter two plus the region's difference.

    Refused with ``not_saleable_in_region`` when the listing is not sold there. Shelf state is
    not checked: a quote is a price, not a promise of stock (reserving stock checks the shelf).
    """
    listing.check_region(region)
    custom = listing.customer_prices.get(account_id) if account_id is not None else None
    if custom is not None and custom.effective_at(now):
        return PriceQuote(
            custom.price,
            "customer_price",
            listing.price_version,
            Money.zero(),
            f"customer price {custom.price} (all-in, no regional difference)"
            f"; price version {listing.price_version}",
            custom.price,
        )
    base, rule, why = listing.prices.member_base(account_level)
    delta = listing.prices.regional_delta(region)
    unit = UnitPrice(base.per_tonne + delta.amount)
    if unit.per_tonne <= 0:
        raise ConflictError("invalid_price", "This listing's price rules give no positive price.")
    where = f"region {region} {delta.amount:+}" if region else "no region"
    explanation = f"{why}; {where} = {unit}; price version {listing.price_version}"
    return PriceQuote(unit, rule, listing.price_version, delta, explanation, base)


def _level_base(level: LevelPrice, list_price: UnitPrice) -> UnitPrice:
    if level.fixed is not None:
        return level.fixed
    ratio = level.ratio if level.ratio is not None else Decimal(1)
    return UnitPrice((list_price.per_tonne * ratio).quantize(CENT, ROUND_HALF_UP))


def _check_unique(names: list[str], what: str) -> None:
    if len(set(names)) != len(names):
        raise ValidationError(f"duplicate_{what}", f"Each {what} may appear only once.")
