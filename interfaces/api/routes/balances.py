"""Queries on the funds read models: balances (我的资金), journal, payment and refund/transfer
tracking, and the reconciliation audit. Every GET accepts ``wait_for`` (read your own writes).

Who sees what: a buyer its own company (members need ``funds.view``); a manager its bound
customers; finance, operators, auditors and supervisors every company. Anything else is 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from domain.access import (
    require_buyer_permission,
    require_company_visible,
    require_role,
    scope_of,
)
from domain.accounts.account import Account
from domain.context import Actor, Role
from domain.errors import NotFoundError
from domain.unit_of_work import UnitOfWork
from interfaces.api.category_names import category_names
from interfaces.api.deps import ReadsFrom, SignedIn, Svc
from interfaces.api.paging import Limit, Offset
from interfaces.api.responses import READS, SIGNED_IN, problems
from interfaces.api.schemas.balances import (
    AllocationPublic,
    AllocationsPublic,
    BalancesPublic,
    ContractFundsListPublic,
    ContractFundsPublic,
    JournalEntryPublic,
    JournalPublic,
    PaymentPublic,
    PaymentsPublic,
    ReconciliationPublic,
    RequestPublic,
    RequestsPublic,
)
from interfaces.reconcile import reconciler
from interfaces.wiring import Services
from projections.funds_tracking.projection import CompanyScope

READ_PROBLEMS = problems(*SIGNED_IN, *READS)
me = APIRouter(prefix="/me", tags=["balances"], responses=READ_PROBLEMS)
router = APIRouter(prefix="/funds/{company_id}", tags=["balances"], responses=READ_PROBLEMS)
tracking = APIRouter(prefix="/tracking", tags=["tracking"], responses=READ_PROBLEMS)
audit = APIRouter(prefix="/audit", tags=["audit"], responses=READ_PROBLEMS)
FromBalances = Annotated[None, Depends(ReadsFrom("balances"))]
FromDashboard = Annotated[None, Depends(ReadsFrom("balances", "tracking", "category_tree"))]
FromFundsTracking = Annotated[None, Depends(ReadsFrom("funds_tracking"))]

STAFF_VIEWERS = (
    Role.FINANCE, Role.OPERATOR, Role.AUDITOR, Role.SUPERVISOR, Role.DIRECTOR, Role.MANAGER,
)  # fmt: skip
FUNDS_VIEW = "funds.view"

CompanyFilter = Annotated[UUID | None, Query(description="Only this company")]


def require_funds_visible(services: Services, actor: Actor, company_id: UUID) -> None:
    """404 unless this actor may see the company's funds (403 for a member without funds.view)."""
    if actor.role.is_buyer:
        require_buyer_permission(actor, company_id, FUNDS_VIEW)
        return
    require_role(actor, *STAFF_VIEWERS)
    account = UnitOfWork(services.ledger).find(Account, company_id)
    if account is None:
        raise NotFoundError("account")
    require_company_visible(actor, company_id, account.manager_id)


def tracking_scope(services: Services, actor: Actor, company_id: UUID | None) -> CompanyScope:
    """The companies a tracking list shows: the buyer's own, a manager's bound ones, or all
    (optionally narrowed to one visible company)."""
    if actor.role.is_buyer:
        own = scope_of(actor).account_id
        if company_id is not None and company_id != own:
            raise NotFoundError("account")
        require_buyer_permission(actor, own, FUNDS_VIEW)  # type: ignore[arg-type]
        return CompanyScope(company_id=own)
    require_role(actor, *STAFF_VIEWERS)
    if company_id is not None:
        require_funds_visible(services, actor, company_id)
    scope = scope_of(actor)  # a sales lead: its team's customers only
    return CompanyScope(company_id=company_id, manager_id=scope.manager_id, team=scope.team)


def _balances(services: Services, company_id: UUID, today: date) -> BalancesPublic:
    categories = sorted(services.funds.known_categories)
    return BalancesPublic.of(
        services.balances.figures(company_id, today, categories),
        services.tracking.company_figures(company_id),
        category_names(services),
    )


@me.get("/balances", response_model=BalancesPublic)
def my_balances(services: Svc, ctx: SignedIn, _: FromDashboard) -> BalancesPublic:
    """我的资金: the signed-in buyer's company."""
    company_id = scope_of(ctx.actor).account_id
    if not ctx.actor.role.is_buyer or company_id is None:
        raise NotFoundError("account")
    require_buyer_permission(ctx.actor, company_id, FUNDS_VIEW)
    return _balances(services, company_id, ctx.today())


@router.get("/balances", response_model=BalancesPublic)
def company_balances(
    company_id: UUID, services: Svc, ctx: SignedIn, _: FromDashboard
) -> BalancesPublic:
    """A company's dashboard: financial balance, available to order (total and per category),
    deposits, rebate, credit line, held and reserved money."""
    require_funds_visible(services, ctx.actor, company_id)
    return _balances(services, company_id, ctx.today())


@router.get("/journal", response_model=JournalPublic)
def company_journal(
    company_id: UUID,
    services: Svc,
    ctx: SignedIn,
    _: FromBalances,
    kind: Annotated[str | None, Query(max_length=40, examples=["payment"])] = None,
    posted_from: Annotated[date | None, Query(alias="from")] = None,
    posted_to: Annotated[date | None, Query(alias="to")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JournalPublic:
    """Every journal entry with its lines, newest first; ``from``/``to`` are business dates."""
    require_funds_visible(services, ctx.actor, company_id)
    page = services.balances.journal(company_id, kind, posted_from, posted_to, limit, offset)
    return JournalPublic(data=[JournalEntryPublic.of(e) for e in page.entries], count=page.total)


@tracking.get("/payments", response_model=PaymentsPublic)
def payments(
    services: Svc,
    ctx: SignedIn,
    _: FromFundsTracking,
    company_id: CompanyFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PaymentsPublic:
    """货款跟踪: payments received, newest first."""
    scope = tracking_scope(services, ctx.actor, company_id)
    page = services.funds_tracking.payments(scope, limit, offset)
    return PaymentsPublic(data=[PaymentPublic(**r) for r in page.rows], count=page.total)


@tracking.get("/allocations", response_model=AllocationsPublic)
def allocations(
    services: Svc,
    ctx: SignedIn,
    _: FromFundsTracking,
    company_id: CompanyFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AllocationsPublic:
    """Unallocated money given a product category, newest first."""
    scope = tracking_scope(services, ctx.actor, company_id)
    page = services.funds_tracking.allocations(scope, limit, offset)
    return AllocationsPublic(data=[AllocationPublic(**r) for r in page.rows], count=page.total)


@tracking.get("/contract-funds", response_model=ContractFundsListPublic)
def contract_funds(
    services: Svc,
    ctx: SignedIn,
    _: FromFundsTracking,
    company_id: CompanyFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ContractFundsListPublic:
    """Per contract: money reserved (cash, credit, rebate), settled, post-settled."""
    scope = tracking_scope(services, ctx.actor, company_id)
    page = services.funds_tracking.contract_funds(scope, limit, offset)
    rows = [ContractFundsPublic(**r) for r in page.rows]
    return ContractFundsListPublic(data=rows, count=page.total)


@tracking.get("/refunds-transfers", response_model=RequestsPublic)
def refunds_transfers(
    services: Svc,
    ctx: SignedIn,
    _: FromFundsTracking,
    company_id: CompanyFilter = None,
    kind: Annotated[str | None, Query(pattern="^(transfer|refund)$")] = None,
    status: Annotated[str | None, Query(pattern="^(requested|approved|rejected|paid)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RequestsPublic:
    """退转款跟踪: transfer and refund requests with their state, newest first (a company also
    sees transfers sent to it)."""
    scope = tracking_scope(services, ctx.actor, company_id)
    page = services.funds_tracking.requests(scope, kind, status, limit, offset)
    return RequestsPublic(data=[RequestPublic(**r) for r in page.rows], count=page.total)


@audit.get("/reconcile", response_model=ReconciliationPublic)
def reconcile(services: Svc, ctx: SignedIn, _: FromBalances) -> ReconciliationPublic:
    """Per customer, the balances read model against the journal replayed from the events, and
    every journal entry balanced; each difference is named."""
    require_role(ctx.actor, Role.AUDITOR, Role.FINANCE)
    return ReconciliationPublic.of(reconciler(services).run())
