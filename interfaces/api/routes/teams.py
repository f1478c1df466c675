"""Sales teams (总监 → 销售主管 → 一线销售) and commission rates (提成)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from domain.access import require_role
from domain.context import Role
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import COMMANDS, SIGNED_IN, OrjsonResponse, command_response, problems
from interfaces.api.schemas.reports import (
    CommissionRatesAnswer,
    CommissionRatesPublic,
    CommissionRatesSet,
    TeamAssign,
    TeamAssigned,
    TeamMemberPublic,
    TeamsPublic,
    to_percent,
)

router = APIRouter(tags=["teams"], responses=problems(*SIGNED_IN, *COMMANDS))

SALES_ROLES = (Role.MANAGER, Role.SUPERVISOR, Role.DIRECTOR)


@router.post("/staff/{staff_id}/team", response_model=TeamAssigned)
def assign_team(staff_id: UUID, body: TeamAssign, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator or a director moves a manager to a supervisor's team, or a supervisor to a
    director's (the move is an event; the previous team is in the answer)."""
    return command_response(services.teams.assign_lead(staff_id, body.lead_id), TeamAssigned)


@router.get("/teams", response_model=TeamsPublic)
def teams(services: Svc, ctx: SignedIn) -> TeamsPublic:
    """The sales hierarchy as it is now: every manager, supervisor and director with its lead.
    Staff only."""
    require_role(ctx.actor, *SALES_ROLES, Role.OPERATOR, Role.FINANCE, Role.AUDITOR)
    rows = services.reports.hierarchy()
    data = [
        TeamMemberPublic(staff_id=s, name=r["name"], role=Role(r["role"]), lead_id=r["lead_id"])
        for s, r in sorted(rows.items(), key=lambda item: (item[1]["role"], item[1]["name"]))
    ]
    return TeamsPublic(data=data, count=len(data))


@router.get("/commissions/rates", response_model=CommissionRatesPublic)
def commission_rates(services: Svc, ctx: SignedIn) -> CommissionRatesPublic:
    """The commission rates in force and their version. Staff only."""
    return CommissionRatesPublic.model_validate(services.commissions.rates())


@router.post("/commissions/rates", response_model=CommissionRatesAnswer)
def set_commission_rates(body: CommissionRatesSet, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Finance or a director sets the global rate and per-product rates (per cent, 0–100):
    a new version, in force for contracts made from now on. Negative or above 100 is 422
    ``invalid_rate``, and nothing is written."""
    global_rate = to_percent(body.global_rate) if body.global_rate is not None else None
    products = tuple(
        (p.product_id, to_percent(p.rate) if p.rate is not None else None)
        for p in body.product_rates
    )
    outcome = services.commissions.set_rates(global_rate, products)
    return command_response(outcome, CommissionRatesAnswer)
