"""Staff enrolment, the customer registry import (ERP), and who-am-I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import UploadFile as StarletteUpload

from domain import access
from domain.context import Role
from domain.errors import ValidationError
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import COMMANDS, SIGNED_IN, OrjsonResponse, command_response, problems
from interfaces.api.schemas.accounts import (
    CustomerNamed,
    MePublic,
    NotificationPublic,
    StaffCreate,
)
from interfaces.api.schemas.answers import RegistryImported, StaffEnrolled
from interfaces.registry_csv import decode_registry, parse_registry_csv

router = APIRouter(tags=["staff"], responses=problems(*SIGNED_IN, *COMMANDS))


@router.post("/staff", status_code=201, response_model=StaffEnrolled)
def enroll_staff(body: StaffCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """An operator enrols seller staff: managers (with a region), finance, auditors …"""
    outcome = services.identity.enroll_staff(
        body.phone, body.name, body.role, body.region, body.password
    )
    return command_response(outcome, StaffEnrolled, 201)


REGISTRY_UPLOAD = {
    "description": "The export as the request body (text/csv), or as a file upload "
    "(multipart/form-data, field `file`); UTF-8 with or without BOM, or GBK/GB18030.",
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
    },
}


async def registry_upload(request: Request) -> bytes:
    """The uploaded export's bytes: the whole body, or the multipart form's `file` part."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()  # a malformed body is Starlette's 400
        upload = form.get("file")
        if not isinstance(upload, StarletteUpload):
            raise ValidationError("invalid_upload", "The multipart form needs a `file` part.")
        return await upload.read()
    return await request.body()


@router.post(
    "/integration/customer-registry",
    response_model=RegistryImported,
    openapi_extra={"requestBody": REGISTRY_UPLOAD},
)
def import_customer_registry(
    data: Annotated[bytes, Depends(registry_upload)], services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """The ERP's customer export as CSV: credit_code,name,customer_no[,region] with a header.
    Every bad row is named with its line (`errors`: line and detail), and nothing is imported."""
    access.require_role(ctx.actor, Role.OPERATOR, Role.INTEGRATION)
    entries = parse_registry_csv(decode_registry(data))
    return command_response(services.identity.import_registry(entries, "api"), RegistryImported)


@router.get("/me", response_model=MePublic)
def who_am_i(services: Svc, ctx: SignedIn) -> MePublic:
    """Who am I: name, role, permissions; a buyer's company by name; a manager's customers
    (ids, and by name) and notifications."""
    actor = ctx.actor
    if actor.user_id is None:
        raise ValidationError("no_user", "No user behind this token.")
    me = MePublic(
        user_id=actor.user_id,
        role=actor.role,
        account_id=actor.account_id,
        permissions=sorted(actor.permissions),
    )
    if actor.account_id is not None:
        account = services.accounts.get_account(actor.account_id)
        member = account.members.get(actor.user_id)
        me.name = member.name if member else None
        me.company_name = account.company.name if account.company else None
    elif actor.role.is_staff:
        me.name = services.identity.staff(actor.user_id).name
    if actor.role is Role.MANAGER:
        manager = services.identity.staff(actor.user_id)
        me.customers = list(manager.customers)
        me.customer_companies = [
            CustomerNamed.of(services.accounts.get_account(c)) for c in manager.customers
        ]
        me.notifications = [NotificationPublic(at=at, text=t) for at, t in manager.notices]
    return me
