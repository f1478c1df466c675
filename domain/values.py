"""Money, quantities and prices: small frozen value types over Decimal.

CNY amounts have 2 places, tonnes 3 places, prices CNY/tonne 2 places. Rounding is
ROUND_HALF_UP. Parsing is strict: a value with more places than allowed is refused rather than
silently rounded, because a client that sends 1.005 CNY has a bug we should tell it about.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import ValidationError

CENT = Decimal("0.01")
KILOGRAM = Decimal("0.001")


def _parse(value: object, places: int, what: str) -> Decimal:
    if isinstance(value, float | bool):
        raise ValidationError(f"invalid_{what}", f"{what} must be a decimal string, not {value!r}")
    try:
        dec = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"invalid_{what}", f"{value!r} is not a number") from None
    if not dec.is_finite():
        raise ValidationError(f"invalid_{what}", f"{value!r} is not a finite number")
    exponent = dec.as_tuple().exponent
    if (
        isinstance(exponent, int)
        and -exponent > places
        and dec != dec.quantize(Decimal(1).scaleb(-places))
    ):
        raise ValidationError(
            f"invalid_{what}", f"{what} {value} has more than {places} decimal places"
        )
    return dec.quantize(Decimal(1).scaleb(-places))


@dataclass(frozen=True, order=True)
class Money:
    """An amount of CNY, exactly 2 places."""

    amount: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", self.amount.quantize(CENT, ROUND_HALF_UP))

    @classmethod
    def parse(cls, value: object) -> Money:
        return cls(_parse(value, 2, "amount"))

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
        return cls(_parse(value, 3, "quantity"))

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
        return cls(_parse(value, 2, "price"))

    def times(self, quantity: Quantity) -> Money:
        """Line amount = round(quantity x unit price, 2), ROUND_HALF_UP."""
        return Money((quantity.tonnes * self.per_tonne).quantize(CENT, ROUND_HALF_UP))

    def __str__(self) -> str:
        return str(self.per_tonne)
