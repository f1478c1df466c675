"""The values of rebate policies (返利政策): kinds, who a policy is for, tiers, one version's terms,
and the periods rebates accrue in (months and years of the Asia/Shanghai calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from itertools import pairwise
from uuid import UUID

from domain.rebates.errors import OverlappingTiersError, RebateInvalidError


class RebateKind(Enum):
    ORDER_TOTAL = "order_total"  # 订单总价返: a percentage of the settled total
    CATEGORY = "category"  # 商品分类返: a percentage of the lines of one category
    SPECIAL = "special"  # 叠加特殊返: a percentage of one product's lines, on top of the rest
    MONTHLY_TIER = "monthly_tier"  # 月阶梯返: tiers on the month's tonnes or amount
    ANNUAL_TIER = "annual_tier"  # 年阶梯返: tiers on the year's tonnes or amount

    @property
    def tiered(self) -> bool:
        return self in (RebateKind.MONTHLY_TIER, RebateKind.ANNUAL_TIER)

    @property
    def period_kind(self) -> str:
        """The period its accruals land in: a year for annual tiers, a month for the rest."""
        return "year" if self is RebateKind.ANNUAL_TIER else "month"


KIND_LABELS: dict[str, str] = {
    "order_total": "订单总价返",
    "category": "商品分类返",
    "special": "叠加特殊返",
    "monthly_tier": "月阶梯返",
    "annual_tier": "年阶梯返",
}
ENTRY_LABELS: dict[str, str] = {
    "accrual": "计提",
    "correction": "冲正",
    "carried": "结转",
}
MEASURES = ("tonnes", "amount")


@dataclass(frozen=True)
class PolicyScope:
    """Whom a policy is for: a member level, one customer, or everyone (special products)."""

    level: str | None = None
    customer_id: UUID | None = None

    def covers(self, customer_id: UUID, level: str) -> bool:
        if self.customer_id is not None:
            return self.customer_id == customer_id
        if self.level is not None:
            return self.level == level
        return True


@dataclass(frozen=True)
class Tier:
    """From ``lower`` (inclusive) up to ``upper`` (exclusive; None: no end), ``rate`` per cent.
    Tonnes tiers have 3 places, amount tiers 2."""

    lower: Decimal
    upper: Decimal | None
    rate: Decimal


def check_tiers(tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
    """Tiers in order, each from where the one before ends: an overlap or a gap is refused."""
    if not tiers:
        raise RebateInvalidError("tiers_required", "A tiered policy needs at least one tier.")
    ordered = tuple(sorted(tiers, key=lambda t: t.lower))
    for tier in ordered:
        if tier.lower < 0 or (tier.upper is not None and tier.upper <= tier.lower):
            raise OverlappingTiersError("Each tier ends above where it starts, from 0 up.")
    for before, after in pairwise(ordered):
        if before.upper is None or after.lower < before.upper:
            raise OverlappingTiersError(
                f"The tier from {after.lower} overlaps the one from {before.lower}."
            )
        if after.lower > before.upper:
            raise RebateInvalidError(
                "tier_gap", f"Nothing covers {before.upper} to {after.lower}: tiers must meet."
            )
    return ordered


@dataclass(frozen=True)
class PolicyTerms:
    """One version of a policy: its rate (percentage kinds) or tiers (tiered kinds), valid
    from a business date to another (inclusive; None: until revised)."""

    version: int
    valid_from: date
    valid_to: date | None
    rate: Decimal | None = None  # per cent, for order_total, category and special
    tiers: tuple[Tier, ...] = ()
    measure: str | None = None  # tonnes or amount, for tiered kinds
    whole_period: bool = True  # tiered: the rate on the whole period, or only above the tier

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the business dates a policy or a period may name


def check_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


@dataclass(frozen=True)
class Period:
    """A month (``2026-11``) or a year (``2026``) of business dates."""

    key: str

    @classmethod
    def month_of(cls, day: date) -> Period:
        return cls(f"{day.year:04d}-{day.month:02d}")

    @classmethod
    def year_of(cls, day: date) -> Period:
        return cls(f"{day.year:04d}")

    @classmethod
    def of(cls, kind: str, day: date) -> Period:
        return cls.year_of(day) if kind == "year" else cls.month_of(day)

    @classmethod
    def parse(cls, key: str) -> Period:
        """``YYYY-MM`` or ``YYYY``, from 2000 to 2100 (or 422 ``invalid_period``)."""
        text = (key or "").strip()
        if not text.isascii():
            text = ""
        try:
            if len(text) == 4 and text.isdigit() and check_year(int(text)):
                return cls(text)
            month = len(text) == 7 and text[4] == "-" and text[5:].isdigit()
            if month and check_year(int(text[:4])):
                return cls.month_of(date(int(text[:4]), int(text[5:]), 1))
        except ValueError:
            pass
        raise RebateInvalidError("invalid_period", f"A period is YYYY-MM or YYYY, not {key!r}.")

    @property
    def kind(self) -> str:
        return "year" if len(self.key) == 4 else "month"

    @property
    def start(self) -> date:
        if self.kind == "year":
            return date(int(self.key), 1, 1)
        return date(int(self.key[:4]), int(self.key[5:]), 1)

    @property
    def end(self) -> date:
        return self.following.start - timedelta(days=1)

    @property
    def following(self) -> Period:
        start = self.start
        if self.kind == "year":
            return Period(f"{start.year + 1:04d}")
        return Period.month_of(date(start.year + start.month // 12, start.month % 12 + 1, 1))
