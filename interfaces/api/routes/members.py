"""A company's departments, roles (permission sets) and sub-accounts (子账号)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter

from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import COMMANDS, SIGNED_IN, OrjsonResponse, command_response, problems
from interfaces.api.schemas.accounts import (
    DepartmentCreate,
    MemberAssign,
    MemberCreate,
    MemberPublic,
    MembersPublic,
    PhoneChange,
    RoleCreate,
    RoleUpdate,
)
from interfaces.api.schemas.answers import (
    DepartmentAnswer,
    MemberAdded,
    MemberAssigned,
    MemberDisabled,
    PhoneChanged,
    RoleAnswer,
)

router = APIRouter(
    prefix="/accounts/{account_id}", tags=["members"], responses=problems(*SIGNED_IN, *COMMANDS)
)


@router.get("/permissions", response_model=dict[str, str])
def list_permissions(account_id: UUID, services: Svc, ctx: SignedIn) -> dict[str, str]:
    """The permissions a role can grant (the company's admin, members with
    ``members.manage``, its manager and staff)."""
    return services.members.grantable_permissions(account_id)


@router.post("/departments", status_code=201, response_model=DepartmentAnswer)
def create_department(
    account_id: UUID, body: DepartmentCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.members.create_department(account_id, body.name)
    return command_response(outcome, DepartmentAnswer, 201)


@router.post("/roles", status_code=201, response_model=RoleAnswer)
def define_role(account_id: UUID, body: RoleCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    outcome = services.members.define_role(account_id, body.name, frozenset(body.permissions))
    return command_response(outcome, RoleAnswer, 201)


@router.post("/roles/{role_id}", response_model=RoleAnswer)
def change_role(
    account_id: UUID, role_id: UUID, body: RoleUpdate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.members.change_role_permissions(
        account_id, role_id, frozenset(body.permissions)
    )
    return command_response(outcome, RoleAnswer)


@router.get("/members", response_model=MembersPublic)
def list_members(account_id: UUID, services: Svc, ctx: SignedIn) -> MembersPublic:
    """Every member with its phone: the company's admin and members with ``members.manage``
    (other members 403), its manager and staff."""
    members = [MemberPublic.of(m) for m in services.members.members(account_id)]
    return MembersPublic(data=members, count=len(members))


@router.post("/members", status_code=201, response_model=MemberAdded)
def add_member(
    account_id: UUID, body: MemberCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.members.add_member(
        account_id,
        body.phone,
        body.name,
        body.password,
        body.department_id,
        tuple(body.role_ids),
    )
    return command_response(outcome, MemberAdded, 201)


@router.post("/members/{user_id}", response_model=MemberAssigned)
def assign_member(
    account_id: UUID, user_id: UUID, body: MemberAssign, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.members.assign_member(
        account_id, user_id, body.department_id, tuple(body.role_ids)
    )
    return command_response(outcome, MemberAssigned)


@router.post("/members/{user_id}/phone", response_model=PhoneChanged)
def change_phone(
    account_id: UUID, user_id: UUID, body: PhoneChange, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """An operator moves a user to a new phone (the sign-in name) on recorded evidence; the old
    number is free again."""
    outcome = services.members.change_phone(account_id, user_id, body.phone, body.evidence)
    return command_response(outcome, PhoneChanged)


@router.post("/members/{user_id}/disable", response_model=MemberDisabled)
def disable_member(account_id: UUID, user_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    outcome = services.members.disable_member(account_id, user_id)
    return command_response(outcome, MemberDisabled)
