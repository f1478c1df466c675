"""The customer directory: every customer company, its certification, manager and level.

Answers the lists the operator and managers work from (pending certifications, my customers).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.accounts.account import Account
from projections.base import Projection, event_class, on
from projections.database import Transaction, ViewDatabase, to_uuid

Registered = event_class(Account, "Registered")
CompanyBound = event_class(Account, "CompanyBound")
CertifiedAutomatically = event_class(Account, "CertifiedAutomatically")
CertificationApproved = event_class(Account, "CertificationApproved")
CertificationRejected = event_class(Account, "CertificationRejected")
ManagerBound = event_class(Account, "ManagerBound")
ManagerBindingLapsed = event_class(Account, "ManagerBindingLapsed")
LevelChanged = event_class(Account, "LevelChanged")


class AccountDirectoryView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def list(
        self,
        certification: str | None = None,
        manager_id: UUID | frozenset[UUID] | None = None,
        only_account: UUID | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        where, params = _filters(certification, manager_id, only_account)
        rows = self.db.query(
            f"SELECT * FROM account_directory WHERE {where} "
            "ORDER BY registered_at, account_id LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        for row in rows:
            row["account_id"] = to_uuid(row["account_id"])
            row["manager_id"] = to_uuid(row["manager_id"])
        return rows

    def count(
        self,
        certification: str | None = None,
        manager_id: UUID | frozenset[UUID] | None = None,
        only_account: UUID | None = None,
    ) -> int:
        """How many accounts ``list`` finds with these filters, on all pages."""
        where, params = _filters(certification, manager_id, only_account)
        rows = self.db.query(
            f"SELECT COUNT(*) AS n FROM account_directory WHERE {where}", tuple(params)
        )
        return int(rows[0]["n"])


def _filters(
    certification: str | None,
    manager_id: UUID | frozenset[UUID] | None,
    only_account: UUID | None,
) -> tuple[str, list[Any]]:
    where, params = ["1 = 1"], []
    if certification:
        where.append("certification = %s")
        params.append(certification)
    if isinstance(manager_id, frozenset):  # a sales team: any of its managers
        marks = ", ".join(["%s"] * len(manager_id)) or "NULL"
        where.append(f"manager_id IN ({marks})")
        params.extend(str(m) for m in sorted(manager_id))
    elif manager_id:
        where.append("manager_id = %s")
        params.append(str(manager_id))
    if only_account:
        where.append("account_id = %s")
        params.append(str(only_account))
    return " AND ".join(where), params


class AccountDirectoryProjection(Projection):
    name = "account_directory"
    tables = ("account_directory",)

    def create_tables(self, tx: Transaction) -> None:
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS account_directory ("
            "account_id TEXT PRIMARY KEY, admin_phone TEXT NOT NULL, "
            "registered_at {timestamp} NOT NULL, company_name TEXT, credit_code TEXT, "
            "region TEXT, certification TEXT NOT NULL, rejection_reason TEXT, "
            "manager_id TEXT, level TEXT NOT NULL)"
        )
        tx.ddl(
            "CREATE INDEX IF NOT EXISTS account_directory_cert ON account_directory (certification)"
        )
        tx.ddl("CREATE INDEX IF NOT EXISTS account_directory_mgr ON account_directory (manager_id)")

    @on(Registered)
    def registered(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO account_directory (account_id, admin_phone, registered_at, "
            "certification, level) VALUES (%s, %s, %s, 'none', 'ordinary')",
            (str(event.originator_id), event.phone, event.timestamp),
        )

    @on(CompanyBound)
    def company_bound(self, event: Any, tx: Transaction) -> None:
        company = event.company
        self._set(
            tx,
            event,
            company_name=company.name,
            credit_code=company.credit_code,
            region=company.region,
            certification="pending",
            rejection_reason=None,
        )

    @on(CertifiedAutomatically, CertificationApproved)
    def certified(self, event: Any, tx: Transaction) -> None:
        self._set(tx, event, certification="certified")

    @on(CertificationRejected)
    def rejected(self, event: Any, tx: Transaction) -> None:
        self._set(tx, event, certification="rejected", rejection_reason=event.reason)

    @on(ManagerBound)
    def manager_bound(self, event: Any, tx: Transaction) -> None:
        self._set(tx, event, manager_id=str(event.manager_id))

    @on(ManagerBindingLapsed)
    def binding_lapsed(self, event: Any, tx: Transaction) -> None:
        self._set(tx, event, manager_id=None)

    @on(LevelChanged)
    def level_changed(self, event: Any, tx: Transaction) -> None:
        self._set(tx, event, level=event.level)

    @staticmethod
    def _set(tx: Transaction, event: Any, **columns: Any) -> None:
        assignments = ", ".join(f"{name} = %({name})s" for name in columns)
        tx.execute(
            f"UPDATE account_directory SET {assignments} WHERE account_id = %(account_id)s",
            {**columns, "account_id": str(event.originator_id)},
        )
