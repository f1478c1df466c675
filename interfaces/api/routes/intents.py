"""Futures intents (期货意向): the customer submits, its manager supplements, the customer
confirms, the seller's review chain approves (the last approval makes the contract) or rejects.

Who may act: the customer's admin or a member with ``intents.manage`` (submit, confirm,
withdraw); its bound manager (supplement, reject before confirmation); a reviewer holding the
awaited level's role (review). An intent of a company you may not see is 404.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from domain.access import scope_of
from domain.errors import ValidationError
from domain.intents import IntentState
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
from interfaces.api.schemas.intents import (
    IntentAnswer,
    IntentConfirm,
    IntentCreate,
    IntentPublic,
    IntentReason,
    IntentReview,
    IntentsPublic,
    IntentSupplement,
)

router = APIRouter(
    prefix="/intents", tags=["intents"], responses=problems(*SIGNED_IN, *COMMANDS, *READS)
)
FromIntents = Annotated[None, Depends(ReadsFrom("intents"))]


@router.post("", status_code=201, response_model=IntentAnswer)
def submit(body: IntentCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """意向提报: category, specifications (checked against its template), tonnes, delivery
    address and month. 422 ``missing_specification``, ``unknown_specification``,
    ``unknown_category``; 409 ``not_certified``, ``no_manager``."""
    account_id = body.account_id or ctx.actor.account_id
    if account_id is None:
        raise ValidationError("account_required", "Name the customer: account_id.")
    outcome = services.intents.submit(
        account_id,
        body.category,
        body.specifications,
        body.tonnes(),
        body.delivery_address,
        body.delivery_month,
    )
    return command_response(outcome, IntentAnswer, 201)


@router.post("/{intent_id}/supplement", response_model=IntentAnswer)
def supplement(
    intent_id: UUID, body: IntentSupplement, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """意向补充, by the customer's manager: price, production week, terms (again to revise,
    before the customer confirms; each a new ``supplement_version``)."""
    outcome = services.intents.supplement(intent_id, body.price(), body.production_week, body.terms)
    return command_response(outcome, IntentAnswer)


@router.post("/{intent_id}/confirm", response_model=IntentAnswer)
def confirm(intent_id: UUID, body: IntentConfirm, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """客户确认: the customer accepts the supplement; the review begins. 409
    ``not_supplemented``, ``supplement_changed``."""
    outcome = services.intents.confirm(intent_id, body.supplement_version)
    return command_response(outcome, IntentAnswer)


@router.post("/{intent_id}/review", response_model=IntentAnswer)
def review(intent_id: UUID, body: IntentReview, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """评审: the awaited level approves (``score`` 0–100) or rejects (``comment`` = reason).
    The final approval generates the contract (``contract_id``). 409 ``out_of_turn``; 403
    ``wrong_reviewer``."""
    outcome = services.intents.review(
        intent_id, body.decision == "approve", body.score, body.comment, body.level
    )
    return command_response(outcome, IntentAnswer)


@router.post("/{intent_id}/reject", response_model=IntentAnswer)
def reject(intent_id: UUID, body: IntentReason, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """驳回, by the customer's manager before the customer's confirmation (a reason)."""
    outcome = services.intents.reject(intent_id, body.reason)
    return command_response(outcome, IntentAnswer)


@router.post("/{intent_id}/withdraw", response_model=IntentAnswer)
def withdraw(intent_id: UUID, body: IntentReason, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """撤回, by the customer before its confirmation."""
    outcome = services.intents.withdraw(intent_id, body.reason)
    return command_response(outcome, IntentAnswer)


@router.get("", response_model=IntentsPublic)
def intents(
    services: Svc,
    ctx: SignedIn,
    _: FromIntents,
    company_id: Annotated[UUID | None, Query(description="Only this company")] = None,
    state: IntentState | None = None,
    category: Annotated[str | None, Query(max_length=20)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> IntentsPublic:
    """期货意向跟踪: intents newest first, with state (and label), supplement, review steps
    and contract. A buyer sees its company's, a manager its bound customers', staff all."""
    scope = scope_of(ctx.actor)
    if company_id is not None:
        services.accounts.get_account(company_id)  # 404 unless visible to this actor
    filters = {
        "company_id": company_id,
        "state": state.value if state else None,
        "category": category.strip().upper() if category else None,
    }
    count, rows = services.intent_tracking.intents(scope, filters, limit, offset)
    return IntentsPublic.model_validate({"data": rows, "count": count})


@router.get("/{intent_id}", response_model=IntentPublic)
def intent(intent_id: UUID, services: Svc, ctx: SignedIn) -> IntentPublic:
    """One intent as its history says now (no waiting for a read model)."""
    return IntentPublic.model_validate(services.intents.get(intent_id))
