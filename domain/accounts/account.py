"""The customer company's account: its users, company, certification, manager binding, levels.

One Account per customer company. The admin (主账号) registers it; sub-accounts (子账号) are
members with roles (named permission sets) and departments. Events are the only state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import event

from domain import context
from domain.access import BUYER_PERMISSIONS
from domain.base import Aggregate
from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError

MEMBER_LEVELS = ("ordinary", "vip", "strategic")
LEVEL_LABELS = {"ordinary": "普通会员", "vip": "VIP会员", "strategic": "战略客户"}


class Certification(Enum):
    NONE = "none"  # no company bound yet
    PENDING = "pending"  # waiting for an operator
    CERTIFIED = "certified"
    REJECTED = "rejected"


CERTIFICATION_LABELS = {
    Certification.NONE: "未绑定企业",
    Certification.PENDING: "待审核",
    Certification.CERTIFIED: "已认证",
    Certification.REJECTED: "已驳回",
}


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str


@dataclass(frozen=True)
class CompanyInfo:
    name: str
    credit_code: str  # 统一社会信用代码 / 税号
    address: str
    region: str
    contacts: tuple[Contact, ...] = ()
    invoice_title: str = ""
    invoice_address_phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    referrer_id: UUID | None = None


@dataclass
class Member:
    user_id: UUID
    phone: str
    name: str
    password_hash: str
    is_admin: bool
    department_id: UUID | None = None
    role_ids: tuple[UUID, ...] = ()
    active: bool = True


@dataclass
class RoleDefinition:
    role_id: UUID
    name: str
    permissions: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ResetChallenge:
    code_hash: str
    expires_at: datetime
    attempts_left: int


class Account(Aggregate):
    @event("Registered")
    def __init__(
        self,
        admin_id: UUID,
        phone: str,
        name: str,
        password_hash: str,
        email: str | None,
        rules_version: str,
    ) -> None:
        self.members: dict[UUID, Member] = {
            admin_id: Member(admin_id, phone, name, password_hash, is_admin=True)
        }
        self.email = email
        self.rules_version = rules_version
        self.company: CompanyInfo | None = None
        self.certification = Certification.NONE
        self.rejection_reason: str | None = None
        self.manager_id: UUID | None = None
        self.last_activity_at: datetime | None = None
        self.departments: dict[UUID, str] = {}
        self.roles: dict[UUID, RoleDefinition] = {}
        self.level = "ordinary"
        self.resets: dict[UUID, ResetChallenge] = {}

    # ---- queries -----------------------------------------------------------------------
    @property
    def admin(self) -> Member:
        return next(m for m in self.members.values() if m.is_admin)

    def member(self, user_id: UUID) -> Member:
        found = self.members.get(user_id)
        if found is None:
            raise NotFoundError("member")
        return found

    def member_by_phone(self, phone: str) -> Member | None:
        return next((m for m in self.members.values() if m.phone == phone), None)

    def permissions_of(self, user_id: UUID) -> frozenset[str]:
        member = self.member(user_id)
        if member.is_admin:
            return frozenset(BUYER_PERMISSIONS)
        granted: set[str] = set()
        for role_id in member.role_ids:
            if role_id in self.roles:
                granted |= self.roles[role_id].permissions
        return frozenset(granted)

    def is_binding_idle(self, now: datetime, idle_days: int) -> bool:
        return (
            self.manager_id is not None
            and self.last_activity_at is not None
            and now - self.last_activity_at >= timedelta(days=idle_days)
        )

    # ---- company and certification -----------------------------------------------------
    def bind_company(self, company: CompanyInfo) -> None:
        if self.certification in (Certification.PENDING, Certification.CERTIFIED):
            raise InvalidTransitionError("company binding", self.certification.value, "rebind")
        self._company_bound(company=company)

    @event("CompanyBound")
    def _company_bound(self, company: CompanyInfo) -> None:
        self.company = company
        self.certification = Certification.PENDING
        self.rejection_reason = None

    def certify_automatically(self, registry_customer_no: str) -> None:
        self._require_pending("certify")
        self._certified_automatically(registry_customer_no=registry_customer_no)

    @event("CertifiedAutomatically")
    def _certified_automatically(self, registry_customer_no: str) -> None:
        self.certification = Certification.CERTIFIED

    def approve_certification(self) -> None:
        self._require_pending("approve")
        self._certification_approved()

    @event("CertificationApproved")
    def _certification_approved(self) -> None:
        self.certification = Certification.CERTIFIED

    def reject_certification(self, reason: str) -> None:
        self._require_pending("reject")
        if not reason.strip():
            raise ValidationError("reason_required", "A rejection needs a reason.")
        self._certification_rejected(reason=reason.strip())

    @event("CertificationRejected")
    def _certification_rejected(self, reason: str) -> None:
        self.certification = Certification.REJECTED
        self.rejection_reason = reason

    def _require_pending(self, action: str) -> None:
        if self.certification is not Certification.PENDING:
            raise InvalidTransitionError("certification", self.certification.value, action)

    # ---- manager binding ---------------------------------------------------------------
    def bind_manager(self, manager_id: UUID, how: str, now: datetime) -> None:
        if self.certification is not Certification.CERTIFIED:
            raise ConflictError("not_certified", "Only a certified company can be bound.")
        if self.manager_id is not None:
            raise ConflictError("already_bound", "This customer already has a manager.")
        self._manager_bound(manager_id=manager_id, how=how, bound_at=now)

    @event("ManagerBound")
    def _manager_bound(self, manager_id: UUID, how: str, bound_at: datetime) -> None:
        self.manager_id = manager_id
        self.last_activity_at = bound_at

    def lapse_binding(self, now: datetime, idle_days: int) -> None:
        if not self.is_binding_idle(now, idle_days):
            raise ConflictError("binding_not_idle", "The binding is not idle long enough to lapse.")
        manager_id = self.manager_id
        if manager_id is None:  # is_binding_idle already says so; this keeps the type exact
            raise ConflictError("not_bound", "This customer has no manager.")
        self._binding_lapsed(manager_id=manager_id, idle_days=idle_days)

    @event("ManagerBindingLapsed")
    def _binding_lapsed(self, manager_id: UUID, idle_days: int) -> None:
        self.manager_id = None

    def record_activity(self, now: datetime) -> None:
        """Business activity (an order, a contract) keeps the manager binding alive."""
        self._activity_recorded(at=now)

    @event("ActivityRecorded")
    def _activity_recorded(self, at: datetime) -> None:
        self.last_activity_at = at

    # ---- departments, roles, members ---------------------------------------------------
    def create_department(self, name: str) -> UUID:
        name = _required(name, "department name")
        if name in self.departments.values():
            raise ConflictError("duplicate_name", f"A department named {name!r} exists.")
        department_id = uuid4()
        self._department_created(department_id=department_id, name=name)
        return department_id

    @event("DepartmentCreated")
    def _department_created(self, department_id: UUID, name: str) -> None:
        self.departments[department_id] = name

    def define_role(self, name: str, permissions: frozenset[str]) -> UUID:
        name = _required(name, "role name")
        if any(r.name == name for r in self.roles.values()):
            raise ConflictError("duplicate_name", f"A role named {name!r} exists.")
        _check_permissions(permissions)
        role_id = uuid4()
        self._role_defined(role_id=role_id, name=name, permissions=frozenset(permissions))
        return role_id

    @event("RoleDefined")
    def _role_defined(self, role_id: UUID, name: str, permissions: frozenset[str]) -> None:
        self.roles[role_id] = RoleDefinition(role_id, name, permissions)

    def change_role_permissions(self, role_id: UUID, permissions: frozenset[str]) -> None:
        if role_id not in self.roles:
            raise NotFoundError("role")
        _check_permissions(permissions)
        self._role_permissions_changed(role_id=role_id, permissions=frozenset(permissions))

    @event("RolePermissionsChanged")
    def _role_permissions_changed(self, role_id: UUID, permissions: frozenset[str]) -> None:
        self.roles[role_id].permissions = permissions

    def add_member(
        self,
        user_id: UUID,
        phone: str,
        name: str,
        password_hash: str,
        department_id: UUID | None,
        role_ids: tuple[UUID, ...],
    ) -> None:
        self._check_placement(department_id, role_ids)
        self._member_added(
            user_id=user_id,
            phone=phone,
            name=_required(name, "member name"),
            password_hash=password_hash,
            department_id=department_id,
            role_ids=role_ids,
        )

    @event("MemberAdded")
    def _member_added(
        self,
        user_id: UUID,
        phone: str,
        name: str,
        password_hash: str,
        department_id: UUID | None,
        role_ids: tuple[UUID, ...],
    ) -> None:
        self.members[user_id] = Member(
            user_id, phone, name, password_hash, False, department_id, role_ids
        )

    def assign_member(
        self, user_id: UUID, department_id: UUID | None, role_ids: tuple[UUID, ...]
    ) -> None:
        if self.member(user_id).is_admin:
            raise ConflictError("admin_has_all_rights", "The admin's rights cannot be changed.")
        self._check_placement(department_id, role_ids)
        self._member_assigned(user_id=user_id, department_id=department_id, role_ids=role_ids)

    @event("MemberAssigned")
    def _member_assigned(
        self, user_id: UUID, department_id: UUID | None, role_ids: tuple[UUID, ...]
    ) -> None:
        member = self.members[user_id]
        member.department_id = department_id
        member.role_ids = role_ids

    def disable_member(self, user_id: UUID) -> None:
        member = self.member(user_id)
        if member.is_admin:
            raise ConflictError("cannot_disable_admin", "The admin account cannot be disabled.")
        if not member.active:
            raise InvalidTransitionError("member", "disabled", "disable")
        self._member_disabled(user_id=user_id)

    @event("MemberDisabled")
    def _member_disabled(self, user_id: UUID) -> None:
        self.members[user_id].active = False

    def _check_placement(self, department_id: UUID | None, role_ids: tuple[UUID, ...]) -> None:
        if department_id is not None and department_id not in self.departments:
            raise ValidationError("unknown_department", "No such department in this company.")
        unknown = [r for r in role_ids if r not in self.roles]
        if unknown:
            raise ValidationError("unknown_role", "No such role in this company.")

    def change_phone(self, user_id: UUID, phone: str, evidence: str) -> str:
        """An operator moves a user to a new phone on evidence (a phone is the sign-in name).
        Returns the old phone, which the service gives up."""
        member = self.member(user_id)
        if not (evidence or "").strip():
            raise ValidationError("evidence_required", "A phone change needs its evidence.")
        old = member.phone
        if old == phone:
            raise ConflictError("unchanged", "That is already the phone of this user.")
        self._phone_changed(user_id=user_id, old=old, new=phone, evidence=evidence)
        return old

    @event("PhoneChanged")
    def _phone_changed(self, user_id: UUID, old: str, new: str, evidence: str) -> None:
        self.members[user_id].phone = new

    # ---- password reset and level ------------------------------------------------------
    # ``resets`` holds only the challenges still open: a user's new code replaces its old one,
    # a new password ends it, and every start drops the challenges that have expired by then.
    def start_password_reset(self, user_id: UUID, code_hash: str, expires_at: datetime) -> None:
        self.member(user_id)
        self._reset_started(
            user_id=user_id,
            code_hash=code_hash,
            expires_at=expires_at,
            started_at=context.current().now(),
        )

    class PasswordResetStarted(Aggregate.Event):
        """Version 2 adds ``started_at``, when the code was sent, so the expired challenges
        can be dropped; events stored before it are upcast with None (nothing dropped)."""

        class_version = 2
        user_id: UUID
        code_hash: str
        expires_at: datetime
        started_at: datetime | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["started_at"] = None

    @event(PasswordResetStarted)
    def _reset_started(
        self, user_id: UUID, code_hash: str, expires_at: datetime, started_at: datetime | None
    ) -> None:
        if started_at is not None:
            self.resets = {u: c for u, c in self.resets.items() if c.expires_at > started_at}
        self.resets[user_id] = ResetChallenge(code_hash, expires_at, attempts_left=5)

    def reset_challenge(self, user_id: UUID, now: datetime) -> ResetChallenge:
        challenge = self.resets.get(user_id)
        if challenge is None or challenge.expires_at < now or challenge.attempts_left <= 0:
            raise ConflictError("reset_code_expired", "No valid reset code; request a new one.")
        return challenge

    def fail_reset_attempt(self, user_id: UUID) -> None:
        self._reset_attempt_failed(user_id=user_id)

    @event("PasswordResetAttemptFailed")
    def _reset_attempt_failed(self, user_id: UUID) -> None:
        old = self.resets[user_id]
        self.resets[user_id] = ResetChallenge(old.code_hash, old.expires_at, old.attempts_left - 1)

    def change_password(self, user_id: UUID, password_hash: str) -> None:
        self.member(user_id)
        self._password_changed(user_id=user_id, password_hash=password_hash)

    @event("PasswordChanged")
    def _password_changed(self, user_id: UUID, password_hash: str) -> None:
        self.members[user_id].password_hash = password_hash
        self.resets.pop(user_id, None)

    def change_level(self, level: str) -> None:
        if level not in MEMBER_LEVELS:
            raise ValidationError("unknown_level", f"Levels are: {', '.join(MEMBER_LEVELS)}.")
        if level == self.level:
            raise ConflictError("unchanged", f"The level is already {level}.")
        self._level_changed(level=level)

    @event("LevelChanged")
    def _level_changed(self, level: str) -> None:
        self.level = level


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError("required", f"The {what} is required.")
    return value


def _check_permissions(permissions: frozenset[str]) -> None:
    unknown = sorted(set(permissions) - set(BUYER_PERMISSIONS))
    if unknown:
        raise ValidationError("unknown_permission", f"Unknown permissions: {', '.join(unknown)}.")
