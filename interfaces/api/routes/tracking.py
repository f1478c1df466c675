"""Tracking queries (采购跟踪, 生产跟踪, 发运跟踪, 质保书, 发票, 异议, 退货): read from the tracking
view, every one accepting ``wait_for`` (read your own writes), ``limit`` and ``offset``.

Who sees what: any user of a buyer company its own company; a manager its bound customers;
other staff every company. ``company_id`` narrows a list to one company the caller may see (404
otherwise); an order or contract the caller may not see is 404, like an unknown one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from domain.access import Scope, scope_of
from domain.context import Actor, CommandContext
from domain.errors import NotFoundError, ValidationError
from domain.trading.contract import STATE_LABELS, ContractState
from domain.trading.order import LABELS, OrderStatus, PaymentStatus, ShippingStatus
from domain.trading.settlement import InvoiceKind, ObjectionStatus
from interfaces.api.deps import ReadsFrom, SignedIn, Svc
from interfaces.api.paging import Limit, Offset
from interfaces.api.responses import READS, SIGNED_IN, problems
from interfaces.api.schemas.tracking import (
    CertificatesPublic,
    InvoicesPublic,
    ObjectionsPublic,
    ProductionPublic,
    ReturnsPublic,
    ShipmentsPublic,
    StatusCountPublic,
    TrackedContractDetail,
    TrackedContractsPublic,
    TrackedOrderDetail,
    TrackedOrdersPublic,
    TrackingSummaryPublic,
    TradeFiguresPublic,
)
from interfaces.wiring import Services

M = TypeVar("M", bound=BaseModel)
Lister = Callable[[Scope, dict[str, Any], int, int], Any]

READ_PROBLEMS = problems(*SIGNED_IN, *READS)
router = APIRouter(prefix="/tracking", tags=["tracking"], responses=READ_PROBLEMS)
FromTracking = Annotated[None, Depends(ReadsFrom("tracking"))]

CompanyFilter = Annotated[UUID | None, Query(description="Only this company (one you may see)")]
ContractFilter = Annotated[UUID | None, Query(description="Only this contract")]
ReturnState = Annotated[
    str | None, Query(pattern="^(requested|approved|rejected|received|refunded)$")
]


def scope_for(services: Services, actor: Actor, company_id: UUID | None) -> Scope:
    """The caller's scope; a ``company_id`` it may not see is 404 (never an empty list)."""
    scope = scope_of(actor)
    if company_id is not None:
        services.accounts.get_account(company_id)  # 404 unless visible to this actor
    return scope


def _page(
    model: type[M],
    lister: Lister,
    services: Services,
    ctx: CommandContext,
    filters: dict[str, Any],
    limit: int,
    offset: int,
) -> M:
    """One page of a tracking list, for the companies this caller may see."""
    page = lister(scope_for(services, ctx.actor, filters["company_id"]), filters, limit, offset)
    return model.model_validate({"data": page.items, "count": page.total})


@router.get("/orders", response_model=TrackedOrdersPublic)
def orders(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    status: OrderStatus | None = None,
    payment_status: PaymentStatus | None = None,
    shipping_status: ShippingStatus | None = None,
    placed_from: Annotated[date | None, Query(description="Business date, inclusive")] = None,
    placed_to: Annotated[date | None, Query(description="Business date, inclusive")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> TrackedOrdersPublic:
    """采购跟踪: orders, newest first, with status, payment and shipping status (and labels)."""
    filters = {
        "company_id": company_id,
        "status": status.value if status else None,
        "payment_status": payment_status.value if payment_status else None,
        "shipping_status": shipping_status.value if shipping_status else None,
    }
    scope = scope_for(services, ctx.actor, company_id)
    page = services.tracking.orders(scope, filters, (placed_from, placed_to), limit, offset)
    return TrackedOrdersPublic.model_validate({"data": page.items, "count": page.total})


@router.get("/orders/{order_id}", response_model=TrackedOrderDetail)
def order(order_id: UUID, services: Svc, ctx: SignedIn, _: FromTracking) -> TrackedOrderDetail:
    """One order with its contracts and returns."""
    found = services.tracking.order(scope_of(ctx.actor), order_id)
    if found is None:
        raise NotFoundError("order")
    return TrackedOrderDetail.model_validate(found)


@router.get("/contracts", response_model=TrackedContractsPublic)
def contracts(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    state: ContractState | None = None,
    order_id: Annotated[UUID | None, Query(description="Only this order's contracts")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> TrackedContractsPublic:
    """Contracts, newest first: state (and label), paid, settled, invoiced, tonnes."""
    filters = {"company_id": company_id, "state": state.value if state else None}
    scope = scope_for(services, ctx.actor, company_id)
    page = services.tracking.contracts(scope, filters | {"order_id": order_id}, limit, offset)
    return TrackedContractsPublic.model_validate({"data": page.items, "count": page.total})


@router.get("/contracts/{contract_id}", response_model=TrackedContractDetail)
def contract(
    contract_id: UUID, services: Svc, ctx: SignedIn, _: FromTracking
) -> TrackedContractDetail:
    """One contract with its lines, shipments, certificates, invoices and objections."""
    found = services.tracking.contract(scope_of(ctx.actor), contract_id)
    if found is None:
        raise NotFoundError("contract")
    return TrackedContractDetail.model_validate(found)


@router.get("/production", response_model=ProductionPublic)
def production(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    contract_id: ContractFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ProductionPublic:
    """生产跟踪: per line of each contract released to production, tonnes contracted,
    scheduled, produced and shipped."""
    filters = {"company_id": company_id, "contract_id": contract_id}
    return _page(
        ProductionPublic, services.tracking.production, services, ctx, filters, limit, offset
    )


@router.get("/shipments", response_model=ShipmentsPublic)
def shipments(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    contract_id: ContractFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ShipmentsPublic:
    """发运跟踪: each shipment, newest first, with its lines' actual weights."""
    filters = {"company_id": company_id, "contract_id": contract_id}
    return _page(
        ShipmentsPublic, services.tracking.shipments, services, ctx, filters, limit, offset
    )


@router.get("/certificates", response_model=CertificatesPublic)
def certificates(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    contract_id: ContractFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> CertificatesPublic:
    """质保书: number, batch and shipment (never the verification code)."""
    filters = {"company_id": company_id, "contract_id": contract_id}
    return _page(
        CertificatesPublic, services.tracking.certificates, services, ctx, filters, limit, offset
    )


@router.get("/invoices", response_model=InvoicesPublic)
def invoices(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    contract_id: ContractFilter = None,
    kind: InvoiceKind | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> InvoicesPublic:
    """Invoices, newest first; one over several contracts lists each contract's share."""
    filters = {"company_id": company_id, "contract_id": contract_id, "kind": kind and kind.value}
    return _page(InvoicesPublic, services.tracking.invoices, services, ctx, filters, limit, offset)


@router.get("/objections", response_model=ObjectionsPublic)
def objections(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    contract_id: ContractFilter = None,
    status: ObjectionStatus | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ObjectionsPublic:
    """异议: claimed, status, compensation or rejection reason."""
    filters = {
        "company_id": company_id,
        "contract_id": contract_id,
        "status": status and status.value,
    }
    return _page(
        ObjectionsPublic, services.tracking.objections, services, ctx, filters, limit, offset
    )


@router.get("/returns", response_model=ReturnsPublic)
def returns(
    services: Svc,
    ctx: SignedIn,
    _: FromTracking,
    company_id: CompanyFilter = None,
    order_id: Annotated[UUID | None, Query(description="Only this order's returns")] = None,
    state: ReturnState = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ReturnsPublic:
    """Returns after receipt, per order: state, lines and amount."""
    filters = {"company_id": company_id, "order_id": order_id, "state": state}
    return _page(ReturnsPublic, services.tracking.returns, services, ctx, filters, limit, offset)


@router.get("/summary", response_model=TrackingSummaryPublic)
def summary(
    services: Svc, ctx: SignedIn, _: FromTracking, company_id: CompanyFilter = None
) -> TrackingSummaryPublic:
    """One company's trade figures (tonnes awaiting confirmation, not yet scheduled, shipped,
    awaiting post-settlement and its amount; amount invoiced) and how many orders and
    contracts are in each status. A buyer's own company unless ``company_id`` is given."""
    company = company_id or scope_of(ctx.actor).account_id
    if company is None:
        raise ValidationError("company_required", "Name the company: company_id.")
    scope_for(services, ctx.actor, company)
    counts = services.tracking.counts(company)
    return TrackingSummaryPublic(
        company_id=company,
        figures=TradeFiguresPublic.model_validate(services.tracking.company_figures(company)),
        orders=[
            StatusCountPublic(
                code=s.value, label=LABELS[s.value], count=counts["orders"].get(s.value, 0)
            )
            for s in OrderStatus
        ],
        contracts=[
            StatusCountPublic(
                code=s.value, label=STATE_LABELS[s], count=counts["contracts"].get(s.value, 0)
            )
            for s in ContractState
        ],
    )
