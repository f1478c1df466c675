"""Each company's name and bound manager, kept in a projection's own companies table.

The tracking, intents and rebates read models each scope a manager's queries to the companies bound
to them, so each keeps a ``(company_id, company_name, manager_id)`` table of its own. A projection
takes these handlers by inheriting ``CompanyScope`` and naming its table in ``companies_table``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from domain.accounts.account import Account
from projections.base import event_class, on
from projections.database import Transaction

CompanyBound = event_class(Account, "CompanyBound")
ManagerBound = event_class(Account, "ManagerBound")
ManagerBindingLapsed = event_class(Account, "ManagerBindingLapsed")


class CompanyScope:
    companies_table: ClassVar[str]

    @on(CompanyBound)
    def company_bound(self, event: Any, tx: Transaction) -> None:
        self._company(tx, event, "company_name", event.company.name)

    @on(ManagerBound)
    def manager_bound(self, event: Any, tx: Transaction) -> None:
        self._company(tx, event, "manager_id", event.manager_id)

    @on(ManagerBindingLapsed)
    def binding_lapsed(self, event: Any, tx: Transaction) -> None:
        self._company(tx, event, "manager_id", None)

    def _company(self, tx: Transaction, event: Any, column: str, value: Any) -> None:
        tx.execute(
            f"INSERT INTO {self.companies_table} (company_id, {column}) VALUES (%s, %s) "
            f"ON CONFLICT (company_id) DO UPDATE SET {column} = excluded.{column}",
            (event.originator_id, value),
        )
