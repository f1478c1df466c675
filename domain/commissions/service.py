"""Setting commission rates: finance or a sales director, each change a new version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import context
from domain.access import require_role
from domain.commands import CommandRunner, Outcome
from domain.commissions.schedule import CommissionSchedule
from domain.context import Role
from domain.errors import ForbiddenError
from domain.unit_of_work import UnitOfWork

SETTERS = (Role.FINANCE, Role.DIRECTOR, Role.SYSTEM)


class CommissionService:
    def __init__(self, runner: CommandRunner) -> None:
        self.runner = runner

    def set_rates(
        self, global_rate: Decimal | None, products: tuple[tuple[UUID, Decimal | None], ...]
    ) -> Outcome[dict[str, Any]]:
        require_role(context.current().actor, *SETTERS)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            schedule = uow.find(CommissionSchedule, CommissionSchedule.ID) or CommissionSchedule()
            schedule.set_rates(global_rate, products, context.current().now())
            uow.add(schedule)
            return _rates(schedule)

        return self.runner.run(decide)

    def rates(self) -> dict[str, Any]:
        """The rates in force (version 0 with a zero global rate before any is set)."""
        if not context.current().actor.role.is_staff:
            raise ForbiddenError("Commission rates are for the seller's staff.")
        schedule = UnitOfWork(self.runner.app).find(CommissionSchedule, CommissionSchedule.ID)
        return _rates(schedule or CommissionSchedule())


def _rates(schedule: CommissionSchedule) -> dict[str, Any]:
    return {
        "rate_version": schedule.rate_version,
        "global_rate": schedule.global_rate,
        "product_rates": [
            {"product_id": p, "rate": r}
            for p, r in sorted(schedule.product_rates.items(), key=lambda item: str(item[0]))
        ],
        "effective_at": schedule.effective_at,
    }
