"""The commission schedule (提成): a global rate on the order total and per-product rates.

Every change is a new version (``RatesSet`` with the whole table and when it took effect), so a
past commission is explained by the version in force when its order was placed. A product's own
rate replaces the global rate on that product's lines; the others earn the global rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate
from domain.errors import ValidationError
from domain.ledger import stable_id

RATE_PLACES = 4
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ProductRate:
    product_id: UUID
    rate: Decimal  # per cent of the line's amount


def check_rate(value: Decimal) -> Decimal:
    """A rate in per cent: 0 to 100, at most 4 places; anything else is 422 ``invalid_rate``."""
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValidationError("invalid_rate", "A commission rate is a decimal per cent.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > RATE_PLACES:
        raise ValidationError("invalid_rate", f"A rate has at most {RATE_PLACES} places.")
    if value < 0 or value > HUNDRED:
        raise ValidationError("invalid_rate", f"Rate {value} must be from 0 to 100 per cent.")
    return value


class CommissionSchedule(Aggregate):
    ID = stable_id("commissions", "schedule")

    @staticmethod
    def create_id() -> UUID:
        return CommissionSchedule.ID

    @event("Opened")
    def __init__(self) -> None:
        self.rate_version = 0
        self.global_rate = Decimal(0)
        self.product_rates: dict[UUID, Decimal] = {}
        self.effective_at: datetime | None = None

    def set_rates(
        self,
        global_rate: Decimal | None,
        products: tuple[tuple[UUID, Decimal | None], ...],
        now: datetime,
    ) -> int:
        """A new version: the global rate (None: unchanged) and product rates (None: removed,
        so the product earns the global rate again). Returns the version in force."""
        new_global = self.global_rate if global_rate is None else check_rate(global_rate)
        table = dict(self.product_rates)
        for product_id, rate in products:
            if rate is None:
                table.pop(product_id, None)
            else:
                table[product_id] = check_rate(rate)
        if new_global == self.global_rate and table == self.product_rates:
            return self.rate_version  # nothing changes: no new version
        rates = tuple(ProductRate(p, r) for p, r in sorted(table.items(), key=lambda i: str(i[0])))
        self._rates_set(
            rate_version=self.rate_version + 1,
            global_rate=new_global,
            product_rates=rates,
            effective_at=now,
        )
        return self.rate_version

    @event("RatesSet")
    def _rates_set(
        self,
        rate_version: int,
        global_rate: Decimal,
        product_rates: tuple[ProductRate, ...],
        effective_at: datetime,
    ) -> None:
        self.rate_version = rate_version
        self.global_rate = global_rate
        self.product_rates = {r.product_id: r.rate for r in product_rates}
        self.effective_at = effective_at

    def rate_for(self, product_id: UUID) -> Decimal:
        return self.product_rates.get(product_id, self.global_rate)
