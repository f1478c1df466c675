"""The rebates read model (返利): policies and their versions, every entry, per customer, policy,
version and period what accrued and what was credited, periods, and tier progress."""

from projections.rebates.projection import RebatesProjection
from projections.rebates.view import RebatesView

__all__ = ["RebatesProjection", "RebatesView"]
