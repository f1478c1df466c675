"""Signing in, password reset by one-time code, staff enrolment and the customer registry."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar
from uuid import UUID

from domain import context
from domain.access import LEAD_ROLES, require_role
from domain.accounts.account import Account
from domain.accounts.identity import (
    PasswordHasher,
    SmsGateway,
    check_password_policy,
    normalise_phone,
)
from domain.accounts.staff import (
    CustomerRegistry,
    RegistryEntry,
    SalesTeams,
    StaffDirectory,
    StaffEntry,
    StaffMember,
)
from domain.commands import CommandRunner, Outcome
from domain.context import Actor, Role
from domain.errors import AuthenticationError, ConflictError, ValidationError
from domain.unit_of_work import UnitOfWork

RESET_CODE_MINUTES = 10
_BAD_LOGIN = "Incorrect phone number or password."

T = TypeVar("T")


class NewLogins:
    """Creating a login (a phone that signs in) costs one password hash, paid only when it can
    succeed: the phone's claim is looked up first, and requests for one phone take turns in
    this process, so of concurrent registrations of one phone only the winner hashes."""

    STRIPES = 64

    def __init__(self, runner: CommandRunner, hasher: PasswordHasher) -> None:
        self.runner = runner
        self.hasher = hasher
        self._turns = tuple(threading.Lock() for _ in range(self.STRIPES))

    def create(
        self, phone: str, password: str, decide: Callable[[UnitOfWork, str], T]
    ) -> Outcome[T]:
        """Run ``decide(uow, password_hash)`` for a new login on ``phone`` (normalised); a
        phone already taken is 409 ``phone_taken`` without hashing anything."""
        with self._turns[hash(phone) % self.STRIPES]:
            if UnitOfWork(self.runner.app).owner_of("login", phone) is not None:
                # Still through the runner: a repeated request (same Idempotency-Key) gets its
                # first answer rather than the refusal.
                return self.runner.run(_phone_taken)
            password_hash = self.hasher.hash(password)
            return self.runner.run(lambda uow: decide(uow, password_hash))


def _phone_taken(uow: UnitOfWork) -> Any:
    raise phone_taken()


def phone_taken() -> ConflictError:
    return ConflictError("phone_taken", "This phone number is already registered.")


@dataclass(frozen=True)
class Identity:
    user_id: UUID
    role: Role
    account_id: UUID | None
    name: str


class IdentityService:
    def __init__(
        self, runner: CommandRunner, hasher: PasswordHasher, sms: SmsGateway, logins: NewLogins
    ) -> None:
        self.runner = runner
        self.hasher = hasher
        self.sms = sms
        self.logins = logins
        self._dummy_hash = hasher.hash("not-a-real-password-1")

    # ---- signing in --------------------------------------------------------------------
    def authenticate(self, phone: str, password: str) -> Identity:
        """Same answer, and about the same time, whether the phone or the password is wrong."""
        try:
            phone = normalise_phone(phone)
        except ValidationError:
            raise AuthenticationError(_BAD_LOGIN) from None
        found = self._user_by_phone(phone)
        if found is None:
            self.hasher.verify(password, self._dummy_hash)
            raise AuthenticationError(_BAD_LOGIN)
        identity, password_hash, active = found
        if not self.hasher.verify(password, password_hash) or not active:
            raise AuthenticationError(_BAD_LOGIN)
        return identity

    def actor_for(self, user_id: UUID, role: Role, account_id: UUID | None) -> Actor:
        """Rebuild the actor behind a token from current state: a disabled member or a removed
        role loses its rights at once, not when the token expires. A buyer's role (admin or
        member) and permissions are the store's, whatever the token says."""
        reader = UnitOfWork(self.runner.app)
        if role.is_buyer and account_id is not None:
            account = reader.find(Account, account_id)
            member = account.members.get(user_id) if account else None
            if account is None or member is None or not member.active:
                raise AuthenticationError("This sign-in is no longer valid.")
            stored = Role.BUYER_ADMIN if member.is_admin else Role.BUYER_MEMBER
            return Actor(user_id, stored, account_id, account.permissions_of(user_id))
        staff = reader.find(StaffMember, user_id)
        if staff is None or not staff.active or staff.role is not role:
            raise AuthenticationError("This sign-in is no longer valid.")
        if role in LEAD_ROLES:  # a sales lead sees its team as it is now
            teams = reader.find(SalesTeams, SalesTeams.ID)
            return Actor(user_id, role, team=teams.under(user_id) if teams else frozenset())
        return Actor(user_id, role)

    def staff(self, staff_id: UUID) -> StaffMember:
        return UnitOfWork(self.runner.app).get(StaffMember, staff_id, "staff member")

    def _user_by_phone(self, phone: str) -> tuple[Identity, str, bool] | None:
        reader = UnitOfWork(self.runner.app)
        owner_id = reader.owner_of("login", phone)
        if owner_id is None:
            return None
        account = reader.find(Account, owner_id)
        if account is not None:
            member = account.member_by_phone(phone)
            if member is None:
                return None
            role = Role.BUYER_ADMIN if member.is_admin else Role.BUYER_MEMBER
            identity = Identity(member.user_id, role, account.id, member.name)
            return identity, member.password_hash, member.active
        staff = reader.find(StaffMember, owner_id)
        if staff is None:
            return None
        return Identity(staff.id, staff.role, None, staff.name), staff.password_hash, staff.active

    # ---- password reset ----------------------------------------------------------------
    def request_password_reset(self, phone: str) -> None:
        """Send a one-time code to a registered buyer's phone. Unknown phones get the same
        silent answer, so the endpoint cannot be used to find out who is registered."""
        phone = normalise_phone(phone)
        found = self._user_by_phone(phone)
        if found is None or found[0].account_id is None:
            return
        identity = found[0]
        code = f"{secrets.randbelow(10**6):06d}"
        code_hash = self.hasher.hash(code)
        expires_at = context.current().now() + timedelta(minutes=RESET_CODE_MINUTES)
        account_id = identity.account_id

        def decide(uow: UnitOfWork) -> None:
            account = uow.get(Account, account_id, "account")  # type: ignore[arg-type]
            account.start_password_reset(identity.user_id, code_hash, expires_at)

        self.runner.run(decide)
        self.sms.send(
            phone, f"Your Steelyard reset code is {code}; valid {RESET_CODE_MINUTES} minutes."
        )

    def reset_password(self, phone: str, code: str, new_password: str) -> Outcome[dict[str, Any]]:
        phone = normalise_phone(phone)
        check_password_policy(new_password)
        found = self._user_by_phone(phone)
        if found is None or found[0].account_id is None:
            raise ValidationError("invalid_reset_code", "The code is wrong or has expired.")
        identity = found[0]
        new_hash = self.hasher.hash(new_password)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            account = uow.get(Account, identity.account_id, "account")  # type: ignore[arg-type]
            challenge = account.reset_challenge(identity.user_id, context.current().now())
            if not self.hasher.verify(code, challenge.code_hash):
                account.fail_reset_attempt(identity.user_id)  # counted, so codes can't be guessed
                return {"ok": False}
            account.change_password(identity.user_id, new_hash)
            return {"ok": True, "user_id": identity.user_id}

        outcome = self.runner.run(decide)
        if not outcome.result["ok"]:
            raise ValidationError("invalid_reset_code", "The code is wrong or has expired.")
        return outcome

    # ---- staff and registry ------------------------------------------------------------
    def enroll_staff(
        self, phone: str, name: str, role: Role, region: str, password: str
    ) -> Outcome[dict[str, Any]]:
        require_role(context.current().actor, Role.OPERATOR, Role.SYSTEM)
        if not role.is_staff:
            raise ValidationError("invalid_role", f"{role.value} is not a staff role.")
        phone = normalise_phone(phone)
        check_password_policy(password)

        def decide(uow: UnitOfWork, password_hash: str) -> dict[str, Any]:
            staff = StaffMember(
                phone=phone,
                name=name.strip(),
                role=role,
                region=region.strip(),
                password_hash=password_hash,
            )
            if not uow.claim("login", phone, staff.id):
                raise phone_taken()
            directory = uow.find(StaffDirectory, StaffDirectory.ID) or StaffDirectory()
            directory.list_staff(StaffEntry(staff.id, role, staff.region, staff.name))
            uow.add(staff, directory)
            return {"staff_id": staff.id, "role": role.value}

        return self.logins.create(phone, password, decide)

    def import_registry(
        self, entries: tuple[RegistryEntry, ...], source: str
    ) -> Outcome[dict[str, Any]]:
        require_role(context.current().actor, Role.OPERATOR, Role.INTEGRATION, Role.SYSTEM)

        def decide(uow: UnitOfWork) -> dict[str, Any]:
            registry = uow.find(CustomerRegistry, CustomerRegistry.ID) or CustomerRegistry()
            changed = registry.import_entries(entries, source)
            uow.add(registry)
            return {"received": len(entries), "changed": changed}

        return self.runner.run(decide)
