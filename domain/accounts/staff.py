"""Seller staff (managers, supervisors, finance, operators, auditors, integrations) and the
directory that lists them, plus the customer registry imported from the ERP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate
from domain.context import Role
from domain.errors import ConflictError, ValidationError
from domain.ledger import stable_id


class StaffMember(Aggregate):
    @event("Enrolled")
    def __init__(self, phone: str, name: str, role: Role, region: str, password_hash: str) -> None:
        self.phone = phone
        self.name = name
        self.role = role
        self.region = region
        self.password_hash = password_hash
        self.active = True
        self.customers: dict[UUID, datetime] = {}  # bound customers (managers), since when
        self.notices: list[tuple[datetime, str]] = []

    def assign_customer(self, account_id: UUID, company_name: str, how: str, now: datetime) -> None:
        if self.role is not Role.MANAGER or not self.active:
            raise ValidationError(
                "not_a_manager", "Customers can only be bound to an active manager."
            )
        if account_id in self.customers:
            raise ConflictError("already_bound", "This customer is already bound to this manager.")
        self._customer_assigned(account_id=account_id, company_name=company_name, how=how, at=now)

    @event("CustomerAssigned")
    def _customer_assigned(
        self, account_id: UUID, company_name: str, how: str, at: datetime
    ) -> None:
        self.customers[account_id] = at
        self.notices.append((at, f"New customer bound to you ({how}): {company_name}"))

    def release_customer(self, account_id: UUID, reason: str) -> None:
        if account_id in self.customers:
            self._customer_released(account_id=account_id, reason=reason)

    @event("CustomerReleased")
    def _customer_released(self, account_id: UUID, reason: str) -> None:
        self.customers.pop(account_id, None)

    def change_password(self, password_hash: str) -> None:
        self._password_changed(password_hash=password_hash)

    @event("PasswordChanged")
    def _password_changed(self, password_hash: str) -> None:
        self.password_hash = password_hash


@dataclass(frozen=True)
class StaffEntry:
    staff_id: UUID
    role: Role
    region: str
    name: str


class StaffDirectory(Aggregate):
    """Every staff member by role and region, so managers can be matched to customers."""

    ID = stable_id("directory", "staff")

    @staticmethod
    def create_id() -> UUID:
        return StaffDirectory.ID

    @event("Opened")
    def __init__(self) -> None:
        self.entries: dict[UUID, StaffEntry] = {}

    def list_staff(self, entry: StaffEntry) -> None:
        self._listed(entry=entry)

    @event("Listed")
    def _listed(self, entry: StaffEntry) -> None:
        self.entries[entry.staff_id] = entry

    def managers_in(self, region: str) -> list[StaffEntry]:
        return [e for e in self.entries.values() if e.role is Role.MANAGER and e.region == region]

    def managers(self) -> list[StaffEntry]:
        return [e for e in self.entries.values() if e.role is Role.MANAGER]


# Who a staff member may report to: 一线销售 → 销售主管 → 总监.
LEAD_ROLE: dict[Role, Role] = {Role.MANAGER: Role.SUPERVISOR, Role.SUPERVISOR: Role.DIRECTOR}


class SalesTeams(Aggregate):
    """The sales hierarchy: each manager's supervisor and each supervisor's director. Every
    move between teams is an event (``Assigned``, with the lead it left)."""

    ID = stable_id("directory", "sales-teams")

    @staticmethod
    def create_id() -> UUID:
        return SalesTeams.ID

    @event("Opened")
    def __init__(self) -> None:
        self.leads: dict[UUID, UUID] = {}

    def assign(self, member: StaffEntry, lead: StaffEntry) -> bool:
        """Put ``member`` under ``lead``; False (no event) when it is there already."""
        if LEAD_ROLE.get(member.role) is not lead.role:
            expected = LEAD_ROLE.get(member.role)
            raise ValidationError(
                "invalid_team",
                f"A {member.role.value} cannot report to a {lead.role.value}"
                + (
                    f" (only to a {expected.value})."
                    if expected
                    else " (only managers and supervisors join teams)."
                ),
            )
        if self.leads.get(member.staff_id) == lead.staff_id:
            return False
        self._assigned(
            staff_id=member.staff_id,
            lead_id=lead.staff_id,
            previous_id=self.leads.get(member.staff_id),
        )
        return True

    @event("Assigned")
    def _assigned(self, staff_id: UUID, lead_id: UUID, previous_id: UUID | None) -> None:
        self.leads[staff_id] = lead_id

    def under(self, lead_id: UUID) -> frozenset[UUID]:
        """Everyone below ``lead_id``: its supervisors (for a director) and their managers."""
        found: set[UUID] = set()
        frontier = {lead_id}
        while frontier:
            below = {s for s, lead in self.leads.items() if lead in frontier} - found
            found |= below
            frontier = below
        found.discard(lead_id)
        return frozenset(found)


@dataclass(frozen=True)
class RegistryEntry:
    credit_code: str
    name: str
    customer_no: str  # the ERP's customer number
    region: str = ""


class CustomerRegistry(Aggregate):
    """The seller's customers as exported from the ERP; matching entries certify automatically."""

    ID = stable_id("registry", "customers")

    @staticmethod
    def create_id() -> UUID:
        return CustomerRegistry.ID

    @event("Opened")
    def __init__(self) -> None:
        self.entries: dict[str, RegistryEntry] = {}

    def import_entries(self, entries: tuple[RegistryEntry, ...], source: str) -> int:
        changed = tuple(e for e in entries if self.entries.get(e.credit_code) != e)
        if changed:
            self._imported(entries=changed, source=source)
        return len(changed)

    @event("Imported")
    def _imported(self, entries: tuple[RegistryEntry, ...], source: str) -> None:
        for entry in entries:
            self.entries[entry.credit_code] = entry

    def match(self, credit_code: str, name: str) -> RegistryEntry | None:
        entry = self.entries.get(credit_code)
        if entry is not None and _same_name(entry.name, name):
            return entry
        return None


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return "".join(s.split()).replace("（", "(").replace("）", ")").casefold()

    return norm(a) == norm(b)
