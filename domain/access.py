"""Who may see and do what. Services call these before deciding anything.

Visibility first: what an actor may not see answers NotFound (404), never "forbidden", so a
foreign company's id reveals nothing. Only what an actor can see but may not change is Forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.context import Actor, Role
from domain.errors import ForbiddenError, NotFoundError

# Permissions a buyer admin can grant to its members through roles.
BUYER_PERMISSIONS: dict[str, str] = {
    "orders.place": "place orders and check out the cart",
    "orders.cancel": "cancel orders",
    "contracts.confirm": "confirm contracts (回传确认)",
    "funds.view": "see balances, journal and payment tracking",
    "refunds.request": "request refunds and transfers",
    "deposits.manage": "request deposit top-ups and bid in auctions",
    "objections.file": "file quality and quantity objections",
    "intents.manage": "enter and confirm futures intents",
    "members.manage": "manage departments, roles and sub-accounts",
}

STAFF_ROLES = frozenset(
    {
        Role.MANAGER,
        Role.SUPERVISOR,
        Role.DIRECTOR,
        Role.FINANCE,
        Role.OPERATOR,
        Role.AUDITOR,
        Role.INTEGRATION,
    }
)
# Sales leads see what their team's managers see, nothing else (``Actor.team``).
LEAD_ROLES = frozenset({Role.SUPERVISOR, Role.DIRECTOR})


@dataclass(frozen=True)
class Scope:
    """Which customers a list query may show this actor: all, one manager's, a team's (the
    customers of any manager in ``team``; an empty team sees none), or one company."""

    manager_id: UUID | None = None
    account_id: UUID | None = None
    team: frozenset[UUID] | None = None

    def managers(self) -> frozenset[UUID] | None:
        """The managers whose customers are in scope; None: not limited by manager."""
        if self.manager_id is not None:
            return frozenset({self.manager_id})
        return self.team


def scope_of(actor: Actor) -> Scope:
    if actor.role.is_buyer:
        if actor.account_id is None:
            raise NotFoundError("account")
        return Scope(account_id=actor.account_id)
    if actor.role is Role.MANAGER:
        return Scope(manager_id=actor.user_id)
    if actor.role in LEAD_ROLES:
        return Scope(team=actor.team)
    if actor.role in STAFF_ROLES or actor.role is Role.SYSTEM:
        return Scope()
    raise ForbiddenError("Sign in first.")


def require_role(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        raise ForbiddenError(f"This needs one of the roles: {', '.join(r.value for r in roles)}.")


def require_authenticated(actor: Actor) -> None:
    if actor.role is Role.ANONYMOUS:
        raise ForbiddenError("Sign in first.")


def can_see_company(actor: Actor, company_id: UUID, manager_id: UUID | None) -> bool:
    """Buyers see their own company; managers their bound customers; supervisors and directors
    their team's managers' customers; other staff all."""
    if actor.role.is_buyer:
        return actor.account_id == company_id
    if actor.role is Role.MANAGER:
        return manager_id is not None and manager_id == actor.user_id
    if actor.role in LEAD_ROLES:
        return manager_id is not None and manager_id in actor.team
    return actor.role in STAFF_ROLES or actor.role is Role.SYSTEM


def require_company_visible(actor: Actor, company_id: UUID, manager_id: UUID | None) -> None:
    if not can_see_company(actor, company_id, manager_id):
        raise NotFoundError("account")


def require_buyer_permission(actor: Actor, company_id: UUID, permission: str) -> None:
    """A buyer acting for its own company: admins may do everything, members what roles grant."""
    if not actor.role.is_buyer or actor.account_id != company_id:
        raise NotFoundError("account")
    if actor.role is Role.BUYER_ADMIN:
        return
    if permission not in actor.permissions:
        raise ForbiddenError(f"Your roles do not include the permission {permission!r}.")
