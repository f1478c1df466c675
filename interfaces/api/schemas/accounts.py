"""Request and response bodies for accounts, companies, members and staff."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, computed_field

from domain.access import BUYER_PERMISSIONS
from domain.accounts.account import (
    CERTIFICATION_LABELS,
    LEVEL_LABELS,
    Account,
    Certification,
    Member,
)
from domain.context import Role
from interfaces.api.schemas.common import Instant


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AccountCreate(Strict):
    phone: str = Field(examples=["13800138000"], max_length=20)
    password: str = Field(min_length=1, max_length=128)
    name: str = Field(default="", max_length=60, description="The admin's display name")
    email: str | None = Field(default=None, max_length=120)
    accept_rules: bool = Field(description="Acceptance of the platform rules")


class ContactIn(Strict):
    name: str = Field(max_length=60)
    phone: str = Field(max_length=20)


class CompanyBind(Strict):
    name: str = Field(min_length=1, max_length=120)
    credit_code: str = Field(description="统一社会信用代码, 18 characters", max_length=18)
    address: str = Field(default="", max_length=200)
    region: str = Field(min_length=1, max_length=40, examples=["east"])
    contacts: list[ContactIn] = Field(default_factory=list, max_length=10)
    invoice_title: str = Field(default="", max_length=120)
    invoice_address_phone: str = Field(default="", max_length=200)
    bank_name: str = Field(default="", max_length=120)
    bank_account: str = Field(default="", max_length=40)
    referrer_id: UUID | None = None


class CertificationDecision(Strict):
    decision: str = Field(pattern="^(approve|reject)$")
    reason: str = Field(default="", max_length=500)


class DepartmentCreate(Strict):
    name: str = Field(min_length=1, max_length=60)


class RoleCreate(Strict):
    name: str = Field(min_length=1, max_length=60)
    permissions: list[str] = Field(
        default_factory=list, description=f"Any of: {', '.join(BUYER_PERMISSIONS)}"
    )


class RoleUpdate(Strict):
    permissions: list[str]


class MemberCreate(Strict):
    phone: str = Field(max_length=20)
    name: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=128)
    department_id: UUID | None = None
    role_ids: list[UUID] = Field(default_factory=list, max_length=20)


class MemberAssign(Strict):
    department_id: UUID | None = None
    role_ids: list[UUID] = Field(default_factory=list, max_length=20)


class PhoneChange(Strict):
    phone: str = Field(max_length=20)
    evidence: str = Field(
        min_length=1, max_length=500, description="What proved it: documents seen, ticket no."
    )


class LevelChange(Strict):
    level: str = Field(examples=["vip"])


class StaffCreate(Strict):
    phone: str = Field(max_length=20)
    name: str = Field(min_length=1, max_length=60)
    role: Role
    region: str = Field(default="", max_length=40)
    password: str = Field(min_length=1, max_length=128)


class PasswordResetRequest(Strict):
    phone: str = Field(max_length=20)


class PasswordReset(Strict):
    phone: str = Field(max_length=20)
    code: str = Field(min_length=4, max_length=10)
    new_password: str = Field(min_length=1, max_length=128)


class PasswordResetSent(BaseModel):
    status: str = Field(examples=["sent if registered"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: Role
    user_id: UUID
    account_id: UUID | None


class MemberPublic(BaseModel):
    user_id: UUID
    phone: str
    name: str
    is_admin: bool
    department_id: UUID | None
    role_ids: list[UUID]
    active: bool

    @classmethod
    def of(cls, member: Member) -> MemberPublic:
        return cls(
            user_id=member.user_id,
            phone=member.phone,
            name=member.name,
            is_admin=member.is_admin,
            department_id=member.department_id,
            role_ids=list(member.role_ids),
            active=member.active,
        )


class RolePublic(BaseModel):
    role_id: UUID
    name: str
    permissions: list[str]


class CompanyPublic(BaseModel):
    name: str
    credit_code: str
    address: str
    region: str
    contacts: list[ContactIn]
    invoice_title: str
    bank_name: str
    bank_account: str


class MembersPublic(BaseModel):
    data: list[MemberPublic]
    count: int


class _Labelled(BaseModel):
    """``certification_label`` and ``level_label`` beside the codes (Chinese)."""

    certification: Certification
    level: str

    @computed_field(examples=["已认证"])  # type: ignore[prop-decorator]
    @property
    def certification_label(self) -> str:
        return CERTIFICATION_LABELS[self.certification]

    @computed_field(examples=["VIP会员"])  # type: ignore[prop-decorator]
    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)


class AccountSummary(_Labelled):
    account_id: UUID
    admin_phone: str
    registered_at: Instant
    company_name: str | None
    credit_code: str | None
    region: str | None
    certification: Certification
    rejection_reason: str | None
    manager_id: UUID | None
    level: str


class AccountsPublic(BaseModel):
    data: list[AccountSummary]
    count: int = Field(description="Accounts matching the filters, on all pages")


class AccountPublic(_Labelled):
    account_id: UUID
    version: int
    registered_at: Instant
    email: str | None
    level: str
    certification: Certification
    rejection_reason: str | None
    company: CompanyPublic | None
    manager_id: UUID | None
    last_activity_at: Instant | None
    departments: dict[UUID, str]
    roles: list[RolePublic]
    members: list[MemberPublic]

    @classmethod
    def of(cls, account: Account, members: Iterable[Member] | None = None) -> AccountPublic:
        """``members``: those the reader may see (all of them when not given)."""
        company = account.company
        return cls(
            account_id=account.id,
            version=account.version,
            registered_at=account.created_on,
            email=account.email,
            level=account.level,
            certification=account.certification,
            rejection_reason=account.rejection_reason,
            company=CompanyPublic(
                name=company.name,
                credit_code=company.credit_code,
                address=company.address,
                region=company.region,
                contacts=[ContactIn(name=c.name, phone=c.phone) for c in company.contacts],
                invoice_title=company.invoice_title,
                bank_name=company.bank_name,
                bank_account=company.bank_account,
            )
            if company
            else None,
            manager_id=account.manager_id,
            last_activity_at=account.last_activity_at,
            departments=dict(account.departments),
            roles=[
                RolePublic(role_id=r.role_id, name=r.name, permissions=sorted(r.permissions))
                for r in account.roles.values()
            ],
            members=[
                MemberPublic.of(m)
                for m in (account.members.values() if members is None else members)
            ],
        )


class NotificationPublic(BaseModel):
    at: Instant
    text: str


class CustomerNamed(BaseModel):
    """A manager's customer, by name."""

    account_id: UUID
    company_name: str | None
    region: str | None
    level: str = Field(examples=["vip"])
    level_label: str = Field(examples=["VIP会员"])

    @classmethod
    def of(cls, account: Account) -> CustomerNamed:
        company = account.company
        return cls(
            account_id=account.id,
            company_name=company.name if company else None,
            region=company.region if company else None,
            level=account.level,
            level_label=LEVEL_LABELS.get(account.level, account.level),
        )


class MePublic(BaseModel):
    """Who am I: my name, role and permissions, a buyer's company; a manager also its customers
    (by name) and notifications."""

    user_id: UUID
    name: str | None = Field(default=None, description="The signed-in user's name")
    role: Role
    account_id: UUID | None = Field(description="A buyer's company")
    company_name: str | None = Field(default=None, description="A buyer's company's name")
    permissions: list[str]
    customers: list[UUID] = Field(default_factory=list, description="A manager's customers")
    customer_companies: list[CustomerNamed] = Field(
        default_factory=list, description="A manager's customers with their names"
    )
    notifications: list[NotificationPublic] = Field(
        default_factory=list, description="A manager's notifications, oldest first"
    )
