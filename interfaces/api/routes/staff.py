"""Staff enrolment, the customer registry import (ERP), and who-am-I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from domain import access
from domain.context import Role
from domain.errors import ValidationError
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import (
    PROBLEM_RESPONSES,
    CommandResult,
    OrjsonResponse,
    command_response,
)
from interfaces.api.schemas.accounts import StaffCreate
from interfaces.registry_csv import parse_registry_csv

router = APIRouter(tags=["staff"], responses=PROBLEM_RESPONSES)


@router.post("/staff", status_code=201, response_model=CommandResult)
def enroll_staff(body: StaffCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator enrols seller staff: managers (with a region), finance, auditors …"""
    outcome = services.identity.enroll_staff(
        body.phone, body.name, body.role, body.region, body.password
    )
    return command_response(outcome, 201)


@router.post(
    "/integration/customer-registry",
    response_model=CommandResult,
    openapi_extra={"requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def import_customer_registry(
    csv_text: Annotated[str, Body(media_type="text/csv")], services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """The ERP's customer export as CSV: credit_code,name,customer_no[,region] with a header."""
    access.require_role(ctx.actor, Role.OPERATOR, Role.INTEGRATION)
    entries = parse_registry_csv(csv_text)
    return command_response(services.identity.import_registry(entries, "api"))


@router.get("/me")
def who_am_i(services: Svc, ctx: SignedIn) -> dict[str, Any]:
    actor = ctx.actor
    if actor.user_id is None:
        raise ValidationError("no_user", "No user behind this token.")
    me: dict[str, Any] = {
        "user_id": str(actor.user_id),
        "role": actor.role.value,
        "account_id": str(actor.account_id) if actor.account_id else None,
        "permissions": sorted(actor.permissions),
    }
    if actor.role is Role.MANAGER:
        manager = services.identity.staff(actor.user_id)
        me["customers"] = [str(c) for c in manager.customers]
        me["notifications"] = [{"at": at.isoformat(), "text": t} for at, t in manager.notices]
    return me
