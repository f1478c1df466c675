"""Departments, roles (named permission sets), sub-accounts and member levels."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.access import (
    BUYER_PERMISSIONS,
    require_buyer_permission,
    require_company_visible,
    require_role,
)
from domain.accounts.account import Account, Member
from domain.accounts.identity import check_password_policy, normalise_phone
from domain.accounts.identity_service import NewLogins, phone_taken
from domain.commands import CommandRunner, Outcome
from domain.context import Actor, Role
from domain.unit_of_work import UnitOfWork

MANAGE = "members.manage"


class MemberService:
    def __init__(self, runner: CommandRunner, logins: NewLogins) -> None:
        self.runner = runner
        self.logins = logins

    def _manage(self, account_id: UUID) -> None:
        require_buyer_permission(context.current().actor, account_id, MANAGE)

    # ---- queries -----------------------------------------------------------------------
    def members(self, account_id: UUID) -> list[Member]:
        """Every member, phones included: for the company's admin and members with
        ``members.manage`` (other members 403), its manager and staff; anyone else 404."""
        account = self._visible(account_id)
        self._require_members_visible(context.current().actor, account)
        return list(account.members.values())

    def grantable_permissions(self, account_id: UUID) -> dict[str, str]:
        """The permissions a role of this company can grant (who may: as for ``members``)."""
        self._require_members_visible(context.current().actor, self._visible(account_id))
        return dict(BUYER_PERMISSIONS)

    @staticmethod
    def members_visible_to(actor: Actor, account: Account) -> list[Member]:
        """What the account shows of its members to an actor who can see the account: all of
        them, or to a member without ``members.manage`` only itself."""
        if actor.role.is_buyer and MANAGE not in actor.permissions:
            return [m for m in account.members.values() if m.user_id == actor.user_id]
        return list(account.members.values())

    def _visible(self, account_id: UUID) -> Account:
        account = UnitOfWork(self.runner.app).get(Account, account_id, "account")
        require_company_visible(context.current().actor, account.id, account.manager_id)
        return account

    @staticmethod
    def _require_members_visible(actor: Actor, account: Account) -> None:
        if actor.role.is_buyer:
            require_buyer_permission(actor, account.id, MANAGE)

    def create_department(self, account_id: UUID, name: str) -> Outcome[dict[str, Any]]:
        self._manage(account_id)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            department_id = uow.get(Account, account_id, "account").create_department(name)
            return {"department_id": department_id, "name": name.strip()}

        return self.runner.run(decide)

    def define_role(
        self, account_id: UUID, name: str, permissions: frozenset[str]
    ) -> Outcome[dict[str, Any]]:
        self._manage(account_id)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            role_id = uow.get(Account, account_id, "account").define_role(name, permissions)
            return {"role_id": role_id, "name": name.strip(), "permissions": sorted(permissions)}

        return self.runner.run(decide)

    def change_role_permissions(
        self, account_id: UUID, role_id: UUID, permissions: frozenset[str]
    ) -> Outcome[dict[str, Any]]:
        self._manage(account_id)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            uow.get(Account, account_id, "account").change_role_permissions(role_id, permissions)
            return {"role_id": role_id, "permissions": sorted(permissions)}

        return self.runner.run(decide)

    def add_member(
        self,
        account_id: UUID,
        phone: str,
        name: str,
        password: str,
        department_id: UUID | None,
        role_ids: tuple[UUID, ...],
    ) -> Outcome[dict[str, Any]]:
        self._manage(account_id)
        phone = normalise_phone(phone)
        check_password_policy(password)
        user_id = uuid4()

        def decide(uow: UnitOfWork, password_hash: str) -> dict[str, Any]:
            account = uow.get(Account, account_id, "account")
            if not uow.claim("login", phone, account.id) or account.member_by_phone(phone):
                raise phone_taken()
            account.add_member(user_id, phone, name, password_hash, department_id, role_ids)
            return {"user_id": user_id, "account_id": account_id}

        return self.logins.create(phone, password, decide)

    def assign_member(
        self,
        account_id: UUID,
        user_id: UUID,
        department_id: UUID | None,
        role_ids: tuple[UUID, ...],
    ) -> Outcome[dict[str, Any]]:
        self._manage(account_id)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            uow.get(Account, account_id, "account").assign_member(user_id, department_id, role_ids)
            return {"user_id": user_id, "department_id": department_id, "role_ids": role_ids}

        return self.runner.run(decide)

    def disable_member(self, account_id: UUID, user_id: UUID) -> Outcome[dict[str, Any]]:
        self._manage(account_id)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            uow.get(Account, account_id, "account").disable_member(user_id)
            return {"user_id": user_id, "active": False}

        return self.runner.run(decide)

    def change_phone(
        self, account_id: UUID, user_id: UUID, phone: str, evidence: str
    ) -> Outcome[dict[str, Any]]:
        """A phone change needs an operator and its evidence (ID card, company letter …)."""
        require_role(context.current().actor, Role.OPERATOR)
        phone = normalise_phone(phone)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            account = uow.get(Account, account_id, "account")
            old = account.change_phone(user_id, phone, evidence.strip())
            if not uow.claim("login", phone, account.id):
                raise phone_taken()
            uow.release("login", old, f"moved to a new phone on evidence: {evidence.strip()}")
            return {"user_id": user_id, "phone": phone}

        return self.runner.run(decide)

    def change_level(self, account_id: UUID, level: str) -> Outcome[dict[str, Any]]:
        actor = context.current().actor
        require_role(actor, Role.OPERATOR, Role.SUPERVISOR, Role.FINANCE, Role.MANAGER)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            account = uow.get(Account, account_id, "account")
            require_company_visible(actor, account.id, account.manager_id)
            account.change_level(level)
            return {"account_id": account_id, "level": level}

        return self.runner.run(decide)
