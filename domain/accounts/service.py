"""Registration, company binding, certification and manager binding."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.access import require_buyer_permission, require_company_visible, require_role
from domain.accounts.account import Account, Certification, CompanyInfo
from domain.accounts.identity import (
    SmsGateway,
    check_password_policy,
    normalise_credit_code,
    normalise_phone,
)
from domain.accounts.identity_service import NewLogins, phone_taken
from domain.accounts.staff import CustomerRegistry, StaffDirectory, StaffMember
from domain.commands import CommandRunner, Outcome
from domain.context import Role
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.unit_of_work import UnitOfWork

RULES_VERSION = "2026-01"


class AccountService:
    def __init__(
        self, runner: CommandRunner, logins: NewLogins, sms: SmsGateway, idle_days: int
    ) -> None:
        self.runner = runner
        self.logins = logins
        self.sms = sms
        self.idle_days = idle_days

    # ---- registration ------------------------------------------------------------------
    def register(
        self, phone: str, password: str, name: str, email: str | None, accept_rules: bool
    ) -> Outcome[dict[str, Any]]:
        phone = normalise_phone(phone)
        check_password_policy(password)
        if not accept_rules:
            raise ValidationError("rules_not_accepted", "The platform rules must be accepted.")
        admin_id = uuid4()

        def decide(uow: UnitOfWork, password_hash: str) -> dict[str, Any]:
            account = Account(
                admin_id=admin_id,
                phone=phone,
                name=(name or phone).strip(),
                password_hash=password_hash,
                email=email,
                rules_version=RULES_VERSION,
            )
            if not uow.claim("login", phone, account.id):
                raise phone_taken()
            uow.add(account)
            return {"account_id": account.id, "user_id": admin_id}

        return self.logins.create(phone, password, decide)

    # ---- company and certification -----------------------------------------------------
    def bind_company(self, account_id: UUID, company: CompanyInfo) -> Outcome[dict[str, Any]]:
        actor = context.current().actor
        require_buyer_permission(actor, account_id, "members.manage")
        if actor.role is not Role.BUYER_ADMIN:
            raise ValidationError("admin_only", "Only the main account binds the company.")
        company = replace(company, credit_code=normalise_credit_code(company.credit_code))
        if not company.name.strip() or not company.region.strip():
            raise ValidationError("required", "The company name and region are required.")

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            account = uow.get(Account, account_id, "account")
            if not uow.claim("company", company.credit_code, account.id):
                raise ConflictError(
                    "company_taken", "This company is already bound to another account."
                )
            account.bind_company(company)
            registry = uow.find(CustomerRegistry, CustomerRegistry.ID)
            match = registry.match(company.credit_code, company.name) if registry else None
            if match is not None:
                account.certify_automatically(match.customer_no)
                self._bind_manager_in(uow, account)
            return self._certification_result(account)

        return self._run_and_notify(decide)

    def approve_certification(self, account_id: UUID) -> Outcome[dict[str, Any]]:
        require_role(context.current().actor, Role.OPERATOR)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            account = uow.get(Account, account_id, "account")
            account.approve_certification()
            self._bind_manager_in(uow, account)
            return self._certification_result(account)

        return self._run_and_notify(decide)

    def reject_certification(self, account_id: UUID, reason: str) -> Outcome[dict[str, Any]]:
        require_role(context.current().actor, Role.OPERATOR)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            account = uow.get(Account, account_id, "account")
            account.reject_certification(reason)
            return self._certification_result(account)

        return self.runner.run(decide)

    @staticmethod
    def _certification_result(account: Account) -> dict[str, Any]:
        return {
            "account_id": account.id,
            "certification": account.certification.value,
            "manager_id": account.manager_id,
        }

    # ---- manager binding ---------------------------------------------------------------
    def rebind_manager(self, account_id: UUID) -> Outcome[dict[str, Any]]:
        """A manager takes on a customer that has none (new, or whose binding lapsed). A
        manager sees no customer but its own, except one free to take (certified, unbound):
        another manager's customer, or one not yet certified, is 404 as an unknown id is."""
        actor = context.current().actor
        require_role(actor, Role.MANAGER)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            account = uow.get(Account, account_id, "account")
            mine = account.manager_id is not None and account.manager_id == actor.user_id
            free = account.manager_id is None and account.certification is Certification.CERTIFIED
            if not (mine or free):
                raise NotFoundError("account")
            if actor.user_id is None:
                raise ValidationError("not_a_manager", "Only a manager can re-bind.")
            manager = uow.get(StaffMember, actor.user_id, "manager")
            self._bind(uow, account, manager, "rebind")
            return self._certification_result(account)

        return self._run_and_notify(decide)

    def _bind_manager_in(self, uow: UnitOfWork, account: Account) -> None:
        """Referrer if given and valid, else the manager in the customer's region with the
        fewest customers, else the least loaded manager anywhere; none → stays unbound."""
        company = account.company
        if company is None:
            return
        if company.referrer_id is not None:
            referrer = uow.find(StaffMember, company.referrer_id)
            if referrer is not None and referrer.role is Role.MANAGER and referrer.active:
                self._bind(uow, account, referrer, "referrer")
                return
        directory = uow.find(StaffDirectory, StaffDirectory.ID)
        if directory is None:
            return
        for candidates, how in (
            (directory.managers_in(company.region), "region"),
            (directory.managers(), "least_loaded"),
        ):
            managers = [m for e in candidates if (m := uow.find(StaffMember, e.staff_id))]
            managers = [m for m in managers if m.active]
            if managers:
                chosen = min(managers, key=lambda m: (len(m.customers), m.created_on))
                self._bind(uow, account, chosen, how)
                return

    def _bind(self, uow: UnitOfWork, account: Account, manager: StaffMember, how: str) -> None:
        now = context.current().now()
        company_name = account.company.name if account.company else str(account.id)
        account.bind_manager(manager.id, how, now)
        manager.assign_customer(account.id, company_name, how, now)
        uow.add(account, manager)

    def _run_and_notify(self, decide: Any) -> Outcome[dict[str, Any]]:
        """Run, then tell a newly bound manager (after the commit, never before)."""
        outcome: Outcome[dict[str, Any]] = self.runner.run(decide)
        manager_id = outcome.result.get("manager_id")
        if manager_id is not None and not outcome.replayed:
            manager = UnitOfWork(self.runner.app).get(StaffMember, manager_id, "manager")
            if manager.notices:
                self.sms.send(manager.phone, manager.notices[-1][1])
        return outcome

    def lapse_idle_bindings(self) -> list[UUID]:
        """The scheduler's job: end bindings idle for the configured days. Idempotent: each
        lapse is its own command that re-checks the binding from fresh state."""
        reader = UnitOfWork(self.runner.app)
        directory = reader.find(StaffDirectory, StaffDirectory.ID)
        now = context.current().now()
        lapsed: list[UUID] = []
        for entry in directory.managers() if directory else []:
            manager = reader.get(StaffMember, entry.staff_id, "manager")
            for account_id in list(manager.customers):
                account = reader.get(Account, account_id, "account")
                if account.is_binding_idle(now, self.idle_days):
                    self.runner.run(partial(self._lapse_in, account_id=account_id))
                    lapsed.append(account_id)
        return lapsed

    def _lapse_in(self, uow: UnitOfWork, account_id: UUID) -> None:
        account = uow.get(Account, account_id, "account")
        now = context.current().now()
        if not account.is_binding_idle(now, self.idle_days):
            return  # someone ordered meanwhile, or it already lapsed
        manager_id = account.manager_id
        account.lapse_binding(now, self.idle_days)
        if manager_id is not None:
            uow.get(StaffMember, manager_id, "manager").release_customer(account_id, "idle")

    # ---- queries -----------------------------------------------------------------------
    def get_account(self, account_id: UUID) -> Account:
        actor = context.current().actor
        account = UnitOfWork(self.runner.app).get(Account, account_id, "account")
        require_company_visible(actor, account.id, account.manager_id)
        return account
