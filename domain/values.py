"""Money, quantities and prices: small frozen value types over Decimal.

CNY amounts have 2 places, tonnes 3 places, prices CNY/tonne 2 places. Rounding is
ROUND_HALF_UP.

Parsing (``parse``) is one rule for every field that takes money, a price or tonnes, and it is
strict, so a client with a bug hears about it instead of having its value silently changed:

- text is a plain decimal: an optional sign, digits, and optionally a point and digits
  (``"1250.00"``, ``"-30"``, ``"27.125"``); no exponent (``"1e3"``), no spaces, no grouping
  (``"1_000"``, ``"12,50"``), no NaN or infinity. ``Decimal`` and ``int`` are taken as they are;
  a float or a bool never;
- never more places than the field allows, not even zeros (``"100.000"`` is not an amount);
  fewer are filled in (``"1250.5"`` is 1250.50);
- its size is below the field's bound: amounts below 10^13 CNY, unit prices below 10^7 CNY per
  tonne, quantities below 10^7 tonnes. Each bound is far beyond anything a steel platform sees
  (a price bound a thousand times any steel price today), and keeps every value and the sums
  built from them within what the read models hold (``projections/database.py``).

Anything else is refused with the field's code (``invalid_amount``, ``invalid_price``,
``invalid_quantity``). Whether zero or a negative value is allowed is each field's own rule,
checked where it is used. Values computed in the domain (sums, line amounts) are not bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import ValidationError

CENT = Decimal("0.01")
KILOGRAM = Decimal("0.001")

AMOUNT_BOUND = Decimal(10) ** 13  # CNY: amounts must be below this (in magnitude)
PRICE_BOUND = Decimal(10) ** 7  # CNY per tonne
QUANTITY_BOUND = Decimal(10) ** 7  # tonnes

_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_LONGEST_TEXT = 40  # more characters than any value within the bounds needs


def _parse(value: object, places: int, bound: Decimal, what: str) -> Decimal:
    """``value`` as a Decimal with exactly ``places`` places, or ValidationError(invalid_<what>)."""
    code = f"invalid_{what}"
    dec = _decimal(value, code, what)
    if not dec.is_finite():
        raise ValidationError(code, f"{what} {value!r} is not a finite number")
    if abs(dec) >= bound:
        raise ValidationError(code, f"{what} {value} is too large: it must be below {bound:,}")
    exponent = dec.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(code, f"{what} {value} has more than {places} decimal places")
    return dec.quantize(Decimal(1).scaleb(-places))


def _decimal(value: object, code: str, what: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str) and len(value) <= _LONGEST_TEXT and _PLAIN_DECIMAL.fullmatch(value):
        return Decimal(value)
    if isinstance(value, str):
        raise ValidationError(
            code, f'{what} {value[:_LONGEST_TEXT]!r} is not a decimal like "12.50"'
        )
    raise ValidationError(code, f"{what} must be a decimal string, not {value!r}")


@dataclass(frozen=True, order=True)
class Money:
    """An amount of CNY, exactly 2 places."""

    amount: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", self.amount.quantize(CENT, ROUND_HALF_UP))

    @classmethod
    def parse(cls, value: object) -> Money:
        return cls(_parse(value, 2, AMOUNT_BOUND, "amount"))

    @classmethod
    def zero(cls) -> Money:
        return cls(Decimal("0.00"))

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - other.amount)

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def is_positive(self) -> bool:
        return self.amount > 0

    def is_negative(self) -> bool:
        return self.amount < 0

    def __str__(self) -> str:
        return str(self.amount)


@dataclass(frozen=True, order=True)
class Quantity:
    """Tonnes, exactly 3 places (kilogram precision)."""

    tonnes: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "tonnes", self.tonnes.quantize(KILOGRAM, ROUND_HALF_UP))

    @classmethod
    def parse(cls, value: object) -> Quantity:
        return cls(_parse(value, 3, QUANTITY_BOUND, "quantity"))

    @classmethod
    def zero(cls) -> Quantity:
        return cls(Decimal("0.000"))

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.tonnes + other.tonnes)

    def __sub__(self, other: Quantity) -> Quantity:
        return Quantity(self.tonnes - other.tonnes)

    def __str__(self) -> str:
        return str(self.tonnes)


@dataclass(frozen=True, order=True)
class UnitPrice:
    """CNY per tonne, exactly 2 places."""

    per_tonne: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_tonne", self.per_tonne.quantize(CENT, ROUND_HALF_UP))

    @classmethod
    def parse(cls, value: object) -> UnitPrice:
        return cls(_parse(value, 2, PRICE_BOUND, "price"))

    def times(self, quantity: Quantity) -> Money:
        """Line amount = round(quantity x unit price, 2), ROUND_HALF_UP."""
        return Money((quantity.tonnes * self.per_tonne).quantize(CENT, ROUND_HALF_UP))

    def __str__(self) -> str:
        return str(self.per_tonne)


PERCENT_PLACES = 4  # a rate in per cent: "1.25" is 1.25 %, "0.0050" a half of a hundredth
HUNDRED_PERCENT = Decimal(100)


def parse_percent(value: object) -> Decimal:
    """A rate in per cent, 0 to 100 inclusive, at most 4 places (a rebate's rate): the same
    plain-decimal rule as every other field; anything else is ``invalid_rate``."""
    rate = _parse(value, PERCENT_PLACES, Decimal(1000), "rate")
    if rate < 0 or rate > HUNDRED_PERCENT:
        raise ValidationError("invalid_rate", f"rate {value} must be from 0 to 100 per cent")
    return rate
