"""Rebates (返利): finance sets policies (with versions) and closes periods; the customer, its
manager and staff read the statement, entries, accounts and tier progress from the ``rebates``
read model. A company you may not see is 404 (``company_id=``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from domain.access import require_role, scope_of
from domain.rebates.service import READERS
from domain.rebates.values import Period, RebateKind
from interfaces.api.deps import ReadsFrom, SignedIn, Svc
from interfaces.api.paging import Limit, Offset
from interfaces.api.responses import (
    COMMANDS,
    READS,
    SIGNED_IN,
    OrjsonResponse,
    command_response,
    problems,
)
from interfaces.api.schemas.rebates import (
    EntriesPublic,
    PeriodClosed,
    PeriodsPublic,
    PoliciesPublic,
    PolicyAnswer,
    PolicyCreate,
    PolicyPublic,
    PolicyRevise,
    RebateAccountsPublic,
    StatementPublic,
    TiersPublic,
)
from interfaces.wiring import Services

router = APIRouter(
    prefix="/rebates", tags=["rebates"], responses=problems(*SIGNED_IN, *COMMANDS, *READS)
)
FromRebates = Annotated[None, Depends(ReadsFrom("rebates"))]
CompanyQuery = Annotated[UUID | None, Query(description="Only this company")]
PeriodQuery = Annotated[
    str | None, Query(max_length=7, description="A month YYYY-MM or a year YYYY")
]


# ---- policies (finance) ------------------------------------------------------------------------
@router.post("/policies", status_code=201, response_model=PolicyAnswer)
def create_policy(body: PolicyCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """返利政策: kind ``order_total`` (by ``level`` or ``customer_id``), ``category`` (with
    ``category``), ``special`` (global, with ``product_id``), ``monthly_tier`` / ``annual_tier``
    (for one ``customer_id``, ``tiers`` on ``measure`` tonnes or amount, ``whole_period``).
    422 ``invalid_rate``, ``overlapping_tiers``, ``tier_gap``, ``invalid_scope``; 409
    ``duplicate_policy``, ``period_closed``."""
    outcome = services.rebates.create_policy(
        body.policy_no,
        body.name,
        RebateKind(body.kind),
        body.terms(),
        level=body.level,
        customer_id=body.customer_id,
        category=body.category,
        product_id=body.product_id,
    )
    return command_response(outcome, PolicyAnswer, 201)


@router.post("/policies/{policy_id}/versions", status_code=201, response_model=PolicyAnswer)
def revise_policy(
    policy_id: UUID, body: PolicyRevise, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """A new version from ``valid_from`` (after the current one's start); the current one
    ends the day before. 409 ``period_closed`` if it would reach into a closed period."""
    outcome = services.rebates.revise_policy(policy_id, body.terms())
    return command_response(outcome, PolicyAnswer, 201)


@router.get("/policies", response_model=PoliciesPublic)
def policies(
    services: Svc, ctx: SignedIn, _: FromRebates, kind: RebateKind | None = None
) -> PoliciesPublic:
    """Every policy with its versions (staff)."""
    require_role(ctx.actor, *READERS)
    rows = services.rebate_views.policies(kind.value if kind else None)
    return PoliciesPublic.model_validate({"data": rows, "count": len(rows)})


@router.get("/policies/{policy_id}", response_model=PolicyPublic)
def policy(policy_id: UUID, services: Svc, ctx: SignedIn) -> PolicyPublic:
    """One policy as its history says now (staff)."""
    return PolicyPublic.model_validate(services.rebates.get_policy(policy_id))


# ---- periods (finance) -------------------------------------------------------------------------
@router.post("/periods/{period}/close", response_model=PeriodClosed)
def close_period(period: str, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Close a month (``2026-11``) or a year (``2026``) once over: each customer's balance in
    it is credited to its funds' rebate bucket (返利调账, reference ``rebate:<period>``), once.
    409 ``period_closed`` (closed already), ``period_not_over``; 422 ``invalid_period``."""
    return command_response(services.rebates.close_period(period), PeriodClosed)


@router.get("/periods", response_model=PeriodsPublic)
def periods(services: Svc, ctx: SignedIn, _: FromRebates) -> PeriodsPublic:
    """Periods with accruals, and whether (and when) they were closed (staff)."""
    require_role(ctx.actor, *READERS)
    rows = services.rebate_views.periods()
    return PeriodsPublic.model_validate({"data": rows, "count": len(rows)})


# ---- the customer's rebates (the customer, its manager, staff) ----------------------------------
@router.get("/statement", response_model=StatementPublic)
def statement(
    services: Svc,
    ctx: SignedIn,
    _: FromRebates,
    company_id: CompanyQuery = None,
    period: PeriodQuery = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> StatementPublic:
    """返利对账: per company, period, policy and version, accrued and credited."""
    scope = scope_of(ctx.actor)
    _visible(services, company_id)
    key = Period.parse(period).key if period else None
    count, rows = services.rebate_views.statement(scope, company_id, key, limit, offset)
    return StatementPublic.model_validate({"data": rows, "count": count})


@router.get("/entries", response_model=EntriesPublic)
def entries(
    services: Svc,
    ctx: SignedIn,
    _: FromRebates,
    company_id: CompanyQuery = None,
    period: PeriodQuery = None,
    contract_id: UUID | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> EntriesPublic:
    """Every accrual (计提), correction (冲正) and carried balance (结转), newest first."""
    scope = scope_of(ctx.actor)
    _visible(services, company_id)
    filters = {
        "company_id": company_id,
        "period": Period.parse(period).key if period else None,
        "contract_id": contract_id,
    }
    count, rows = services.rebate_views.entries(scope, filters, limit, offset)
    return EntriesPublic.model_validate({"data": rows, "count": count})


@router.get("/accounts", response_model=RebateAccountsPublic)
def accounts(
    services: Svc,
    ctx: SignedIn,
    _: FromRebates,
    company_id: CompanyQuery = None,
    period: PeriodQuery = None,
) -> RebateAccountsPublic:
    """Per company and period: accrued, credited, carried, closed."""
    scope = scope_of(ctx.actor)
    _visible(services, company_id)
    filters = {"company_id": company_id, "period": Period.parse(period).key if period else None}
    rows = services.rebate_views.accounts(scope, filters)
    return RebateAccountsPublic.model_validate({"data": rows, "count": len(rows)})


@router.get("/tiers", response_model=TiersPublic)
def tiers(
    services: Svc,
    ctx: SignedIn,
    _: FromRebates,
    company_id: CompanyQuery = None,
    period: PeriodQuery = None,
) -> TiersPublic:
    """阶梯进度: per tiered policy and period, the figures, the rate reached, the next tier and
    the tonnes or CNY to go."""
    scope = scope_of(ctx.actor)
    _visible(services, company_id)
    filters = {"company_id": company_id, "period": Period.parse(period).key if period else None}
    rows = services.rebate_views.tiers(scope, filters)
    return TiersPublic.model_validate({"data": rows, "count": len(rows)})


def _visible(services: Services, company_id: UUID | None) -> None:
    if company_id is not None:
        services.accounts.get_account(company_id)  # 404 unless visible to this actor
