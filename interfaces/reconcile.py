"""Reconciliation of the running system (``steelyard reconcile`` and ``GET /audit/reconcile``):
the balances read model against the journal replayed from the events
(``projections.balances.reconcile``).
"""

from __future__ import annotations

from interfaces.wiring import Services
from projections.balances.reconcile import Reconciler


def reconciler(services: Services) -> Reconciler:
    """Compares with the services' clock (overdue bills depend on the day) and every known
    category; each company at the version its view row has applied, so it needs no catch-up."""
    return Reconciler(
        services.ledger,
        services.balances,
        services.clock,
        categories=services.funds.known_categories,
    )
