"""Sales teams (总监 → 销售主管 → 一线销售): who reports to whom, and whom a lead oversees."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain import context
from domain.access import require_role
from domain.accounts.staff import SalesTeams, StaffEntry, StaffMember
from domain.commands import CommandRunner, Outcome
from domain.context import Role
from domain.errors import ValidationError
from domain.unit_of_work import UnitOfWork


class TeamService:
    def __init__(self, runner: CommandRunner) -> None:
        self.runner = runner

    def assign_lead(self, staff_id: UUID, lead_id: UUID) -> Outcome[dict[str, Any]]:
        """An operator or a director puts a manager under a supervisor, or a supervisor under
        a director (moving it from the team it was in)."""
        require_role(context.current().actor, Role.OPERATOR, Role.DIRECTOR, Role.SYSTEM)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            member = _entry(uow.get(StaffMember, staff_id, "staff member"))
            lead = _entry(uow.get(StaffMember, lead_id, "staff member"))
            teams = uow.find(SalesTeams, SalesTeams.ID) or SalesTeams()
            previous = teams.leads.get(staff_id)
            moved = teams.assign(member, lead)
            uow.add(teams)
            return {
                "staff_id": staff_id,
                "lead_id": lead_id,
                "previous_lead_id": previous,
                "moved": moved,
            }

        return self.runner.run(decide)

    def team_of(self, lead_id: UUID) -> frozenset[UUID]:
        """Everyone under ``lead_id`` now (empty for a lead without a team)."""
        teams = UnitOfWork(self.runner.app).find(SalesTeams, SalesTeams.ID)
        return teams.under(lead_id) if teams else frozenset()

    def leads(self) -> dict[UUID, UUID]:
        teams = UnitOfWork(self.runner.app).find(SalesTeams, SalesTeams.ID)
        return dict(teams.leads) if teams else {}


def _entry(staff: StaffMember) -> StaffEntry:
    if not staff.active:
        raise ValidationError("inactive_staff", "This staff member is no longer active.")
    return StaffEntry(staff.id, staff.role, staff.region, staff.name)
