"""What other areas may know of, and do to, a customer company: the accounts area's surface.

Funds, catalog, trading, auctions and intents never read an ``Account`` aggregate's fields: they
ask here, inside their own unit of work, and get a ``Customer`` value (who it is, where it is,
its level, whether it may trade, who manages it). The only change they may make is recording
business activity, which keeps the manager binding alive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.accounts.account import MEMBER_LEVELS, Account, Certification
from domain.errors import ConflictError, NotFoundError
from domain.unit_of_work import UnitOfWork

__all__ = ["MEMBER_LEVELS", "Customer", "customer_in", "find_customer_in", "record_activity_in"]


@dataclass(frozen=True)
class Customer:
    account_id: UUID
    name: str  # the company's name, or the account id before a company is bound
    region: str  # "" before a company is bound
    level: str  # a member level: ordinary, vip, strategic
    certified: bool
    manager_id: UUID | None

    def require_may_trade(self) -> None:
        """Orders, bids and intents need a certified company with a bound manager."""
        if not self.certified:
            raise ConflictError("not_certified", "The company is not certified yet.")
        if self.manager_id is None:
            raise ConflictError("no_manager", "The company has no account manager bound.")


def find_customer_in(uow: UnitOfWork, account_id: UUID) -> Customer | None:
    account = uow.find(Account, account_id)
    if account is None:
        return None
    company = account.company
    return Customer(
        account_id=account.id,
        name=company.name if company else str(account.id),
        region=company.region if company else "",
        level=account.level,
        certified=account.certification is Certification.CERTIFIED,
        manager_id=account.manager_id,
    )


def customer_in(uow: UnitOfWork, account_id: UUID, what: str = "account") -> Customer:
    """The customer, or ``NotFoundError(what)`` (404: unknown and invisible look the same)."""
    found = find_customer_in(uow, account_id)
    if found is None:
        raise NotFoundError(what)
    return found


def record_activity_in(uow: UnitOfWork, account_id: UUID, now: datetime) -> None:
    """Business activity (an order, a bid …) in the same write: the binding does not lapse."""
    uow.get(Account, account_id, "account").record_activity(now)
