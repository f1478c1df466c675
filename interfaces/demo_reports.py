"""Demo sales organisation and commission rates, so every report has rows: the director
(总监) over the supervisor (销售主管), who leads both managers (一线销售); a 1 % global commission
and 1.5 % on the plate listing's product, set by finance before the demo's orders."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from uuid import UUID

from domain import context
from domain.catalog.listing import Listing
from domain.context import CommandContext, Role
from domain.unit_of_work import UnitOfWork
from interfaces.wiring import Services

Acting = Callable[..., CommandContext]  # demo._as: (services, role, user_id, account_id)


def seed_teams(services: Services, as_: Acting, staff: dict[Role, list[UUID]]) -> None:
    """Every manager under the supervisor, the supervisor under the director."""
    [operator], [supervisor], [director] = (
        staff[r] for r in (Role.OPERATOR, Role.SUPERVISOR, Role.DIRECTOR)
    )
    with context.acting(as_(services, Role.OPERATOR, operator)):
        for manager in staff[Role.MANAGER]:
            services.teams.assign_lead(manager, supervisor)
        services.teams.assign_lead(supervisor, director)


def seed_commission_rates(
    services: Services, as_: Acting, finance: UUID, plate_listing: UUID
) -> None:
    product = UnitOfWork(services.ledger).get(Listing, plate_listing).product.product_id
    with context.acting(as_(services, Role.FINANCE, finance)):
        services.commissions.set_rates(Decimal("1.00"), ((product, Decimal("1.50")),))
