"""Customer accounts: registration, company binding, certification, manager binding, level."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from domain.access import scope_of
from domain.accounts.account import Certification, CompanyInfo, Contact
from interfaces.api.deps import Anyone, ReadsFrom, SignedIn, Svc
from interfaces.api.paging import Limit, Offset
from interfaces.api.responses import (
    COMMANDS,
    READS,
    SIGNED_IN,
    OrjsonResponse,
    command_response,
    problems,
)
from interfaces.api.schemas.accounts import (
    AccountCreate,
    AccountPublic,
    AccountsPublic,
    AccountSummary,
    CertificationDecision,
    CompanyBind,
    LevelChange,
)
from interfaces.api.schemas.answers import AccountRegistered, CertificationAnswer, LevelAnswer

router = APIRouter(
    prefix="/accounts", tags=["accounts"], responses=problems(*SIGNED_IN, *COMMANDS, *READS)
)
FromDirectory = Annotated[None, Depends(ReadsFrom("account_directory"))]


@router.post("", status_code=201, response_model=AccountRegistered)
def register(body: AccountCreate, services: Svc, ctx: Anyone) -> OrjsonResponse:
    """Register a customer company's main account (主账号)."""
    outcome = services.accounts.register(
        body.phone, body.password, body.name, body.email, body.accept_rules
    )
    return command_response(outcome, AccountRegistered, 201)


@router.get("", response_model=AccountsPublic)
def list_accounts(
    services: Svc,
    ctx: SignedIn,
    _: FromDirectory,
    certification: Annotated[Certification | None, Query()] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AccountsPublic:
    """Customer companies this user may see (operators: all, e.g. ``certification=pending``;
    managers: their bound customers; buyers: their own)."""
    scope = scope_of(ctx.actor)
    managers = scope.team if scope.team is not None else scope.manager_id  # a team: its managers'
    filters = (certification.value if certification else None, managers, scope.account_id)
    rows = services.directory.list(*filters, limit=limit, offset=offset)
    return AccountsPublic(
        data=[AccountSummary(**row) for row in rows], count=services.directory.count(*filters)
    )


@router.get("/{account_id}", response_model=AccountPublic)
def get_account(account_id: UUID, services: Svc, ctx: SignedIn) -> AccountPublic:
    """The account; its members in full for those who manage them, staff and its manager (a
    member without ``members.manage`` sees itself only)."""
    account = services.accounts.get_account(account_id)
    return AccountPublic.of(account, services.members.members_visible_to(ctx.actor, account))


@router.post("/{account_id}/company", response_model=CertificationAnswer)
def bind_company(
    account_id: UUID, body: CompanyBind, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Bind the company; certified at once when it matches the seller's customer registry,
    otherwise it waits for an operator."""
    company = CompanyInfo(
        name=body.name,
        credit_code=body.credit_code,
        address=body.address,
        region=body.region,
        contacts=tuple(Contact(c.name, c.phone) for c in body.contacts),
        invoice_title=body.invoice_title,
        invoice_address_phone=body.invoice_address_phone,
        bank_name=body.bank_name,
        bank_account=body.bank_account,
        referrer_id=body.referrer_id,
    )
    return command_response(
        services.accounts.bind_company(account_id, company), CertificationAnswer
    )


@router.post("/{account_id}/certification", response_model=CertificationAnswer)
def decide_certification(
    account_id: UUID, body: CertificationDecision, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """An operator approves, or rejects with a reason, a company that did not match."""
    if body.decision == "approve":
        outcome = services.accounts.approve_certification(account_id)
    else:
        outcome = services.accounts.reject_certification(account_id, body.reason)
    return command_response(outcome, CertificationAnswer)


@router.post("/{account_id}/manager", response_model=CertificationAnswer)
def rebind_manager(account_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """A manager takes on a customer with no manager (new, or its binding lapsed)."""
    return command_response(services.accounts.rebind_manager(account_id), CertificationAnswer)


@router.post("/{account_id}/level", response_model=LevelAnswer)
def change_level(
    account_id: UUID, body: LevelChange, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    return command_response(services.members.change_level(account_id, body.level), LevelAnswer)
