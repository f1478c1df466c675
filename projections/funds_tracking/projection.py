"""Payment tracking (货款跟踪) and refund/transfer tracking (退转款跟踪).

Fed by the FundsAccount events; one row per thing a customer or finance follows up:

  payment_tracking       each payment received: bank reference, amount, purpose, category,
                         who recorded it and when
  allocation_tracking    each allocation of unallocated money to a category
  contract_funds         per contract: what its reservation holds (cash, credit, rebate), what
                         was settled, the post-settled final amount
  request_tracking       each transfer or refund request and its state (requested → approved /
                         rejected → paid), with amounts, reasons and who decided when; a transfer
                         to another company also shows when that company received it
  funds_tracking_accounts         funds account id → company id

Lists take a ``CompanyScope``: one company, a manager's bound customers (through the customer
directory's ``account_directory`` table in the same database), or everyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.funds.account import FundsAccount
from domain.funds.journal import CATEGORY_PREFIX
from projections.base import Projection, event_class, on
from projections.database import Transaction, ViewDatabase, to_decimal, to_uuid

Opened = event_class(FundsAccount, "Opened")
PaymentRecorded = event_class(FundsAccount, "PaymentRecorded")
FundsAllocated = event_class(FundsAccount, "FundsAllocated")
FundsReserved = event_class(FundsAccount, "FundsReserved")
RebateApplied = event_class(FundsAccount, "RebateApplied")
ReservationReleased = event_class(FundsAccount, "ReservationReleased")
ReservationSettled = event_class(FundsAccount, "ReservationSettled")
ContractPostSettled = event_class(FundsAccount, "ContractPostSettled")
TransferRequested = event_class(FundsAccount, "TransferRequested")
TransferApproved = event_class(FundsAccount, "TransferApproved")
TransferRejected = event_class(FundsAccount, "TransferRejected")
TransferReceived = event_class(FundsAccount, "TransferReceived")
RefundRequested = event_class(FundsAccount, "RefundRequested")
RefundApproved = event_class(FundsAccount, "RefundApproved")
RefundRejected = event_class(FundsAccount, "RefundRejected")
RefundPaid = event_class(FundsAccount, "RefundPaid")

_TABLES = {
    "funds_tracking_accounts": "funds_id {uuid} PRIMARY KEY, company_id {uuid} NOT NULL",
    "payment_tracking": (
        "company_id {uuid} NOT NULL, bank_reference TEXT NOT NULL, amount {money} NOT NULL, "
        "purpose TEXT NOT NULL, category TEXT, entry_id {uuid} NOT NULL, "
        "recorded_at {timestamp} NOT NULL, recorded_by {uuid}, recorded_role TEXT NOT NULL, "
        "recorded_request_id TEXT NOT NULL, PRIMARY KEY (company_id, bank_reference)"
    ),
    "allocation_tracking": (
        "entry_id {uuid} PRIMARY KEY, company_id {uuid} NOT NULL, category TEXT NOT NULL, "
        "amount {money} NOT NULL, allocated_at {timestamp} NOT NULL, allocated_by {uuid}, "
        "allocated_role TEXT NOT NULL"
    ),
    "contract_funds": (
        "company_id {uuid} NOT NULL, contract_id {uuid} NOT NULL, category TEXT, "
        "cash {money} NOT NULL, credit {money} NOT NULL, rebate {money} NOT NULL, "
        "remaining {money} NOT NULL, settled {money} NOT NULL, final_amount {money}, "
        "closed BOOLEAN NOT NULL, last_change TEXT NOT NULL, first_at {timestamp} NOT NULL, "
        "updated_at {timestamp} NOT NULL, PRIMARY KEY (company_id, contract_id)"
    ),
    "request_tracking": (
        "request_id {uuid} PRIMARY KEY, kind TEXT NOT NULL, company_id {uuid} NOT NULL, "
        "source TEXT NOT NULL, target TEXT, to_company_id {uuid}, amount {money} NOT NULL, "
        "memo TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL, "
        "bank_reference TEXT NOT NULL, requested_at {timestamp} NOT NULL, requested_by {uuid}, "
        "requested_role TEXT NOT NULL, decided_at {timestamp}, decided_by {uuid}, "
        "decided_role TEXT, paid_at {timestamp}, received_at {timestamp}"
    ),
}
_RESERVATION_CHANGES = {
    "FundsReserved": "reserved",
    "RebateApplied": "rebate_applied",
    "ReservationReleased": "released",
    "ReservationSettled": "settled",
    "ContractPostSettled": "post_settled",
}


class FundsTrackingProjection(Projection):
    name = "funds_tracking"
    version = 2  # 2: NUMERIC(28,2) amounts (projections/database.py)
    tables = tuple(_TABLES)

    def __init__(self) -> None:
        self._companies: dict[UUID, UUID] = {}

    def create_tables(self, tx: Transaction) -> None:
        for table, columns in _TABLES.items():
            tx.ddl(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        for table in ("payment_tracking", "allocation_tracking", "request_tracking"):
            tx.ddl(f"CREATE INDEX IF NOT EXISTS {table}_company ON {table} (company_id)")

    @on(Opened)
    def opened(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO funds_tracking_accounts (funds_id, company_id) VALUES (%s, %s)",
            (event.originator_id, event.company_id),
        )
        self._companies[event.originator_id] = event.company_id

    @on(PaymentRecorded)
    def payment_recorded(self, event: Any, tx: Transaction) -> None:
        payment, cause = event.payment, event.caused_by
        tx.execute(
            "INSERT INTO payment_tracking (company_id, bank_reference, amount, purpose, category, "
            "entry_id, recorded_at, recorded_by, recorded_role, recorded_request_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                self._company(tx, event), payment.bank_reference, payment.amount.amount,
                payment.purpose.value, payment.category, payment.entry_id, event.timestamp,
                cause.user_id, cause.role, cause.request_id,
            ),
        )  # fmt: skip

    @on(FundsAllocated)
    def allocated(self, event: Any, tx: Transaction) -> None:
        entry, cause = event.entry, event.caused_by
        for line in entry.lines:
            if line.bucket.startswith(CATEGORY_PREFIX):
                tx.execute(
                    "INSERT INTO allocation_tracking (entry_id, company_id, category, amount, "
                    "allocated_at, allocated_by, allocated_role) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    (
                        entry.entry_id, self._company(tx, event),
                        line.bucket.removeprefix(CATEGORY_PREFIX), line.amount.amount,
                        event.timestamp, cause.user_id, cause.role,
                    ),
                )  # fmt: skip

    @on(FundsReserved, RebateApplied, ReservationReleased, ReservationSettled, ContractPostSettled)
    def reservation_changed(self, event: Any, tx: Transaction) -> None:
        record = event.reservation
        final = getattr(event, "final_amount", None)
        tx.execute(
            "INSERT INTO contract_funds (company_id, contract_id, category, cash, credit, rebate, "
            "remaining, settled, final_amount, closed, last_change, first_at, updated_at) "
            "VALUES (%(company)s, %(contract)s, %(category)s, %(cash)s, %(credit)s, %(rebate)s, "
            "%(remaining)s, %(settled)s, %(final)s, %(closed)s, %(change)s, %(at)s, %(at)s) "
            "ON CONFLICT (company_id, contract_id) DO UPDATE SET category = excluded.category, "
            "cash = excluded.cash, credit = excluded.credit, rebate = excluded.rebate, "
            "remaining = excluded.remaining, settled = excluded.settled, "
            "final_amount = COALESCE(excluded.final_amount, contract_funds.final_amount), "
            "closed = excluded.closed, last_change = excluded.last_change, "
            "updated_at = excluded.updated_at",
            {
                "company": self._company(tx, event), "contract": event.contract_id,
                "category": record.category, "cash": record.cash.amount,
                "credit": record.credit.amount, "rebate": record.rebate.amount,
                "remaining": record.remaining.amount, "settled": record.settled.amount,
                "final": final.amount if final is not None else None, "closed": record.closed,
                "change": _RESERVATION_CHANGES[type(event).__name__], "at": event.timestamp,
            },
        )  # fmt: skip

    @on(TransferRequested)
    def transfer_requested(self, event: Any, tx: Transaction) -> None:
        transfer = event.transfer
        self._requested(
            tx, event, "transfer", transfer.transfer_id, transfer.source, transfer.target,
            transfer.to_company_id, transfer.amount.amount, transfer.memo,
        )  # fmt: skip

    @on(RefundRequested)
    def refund_requested(self, event: Any, tx: Transaction) -> None:
        refund = event.refund
        self._requested(
            tx, event, "refund", refund.refund_id, refund.source, None, None,
            refund.amount.amount, refund.memo,
        )  # fmt: skip

    @on(TransferApproved)
    def transfer_approved(self, event: Any, tx: Transaction) -> None:
        self._decided(tx, event, event.transfer_id, "approved")

    @on(RefundApproved)
    def refund_approved(self, event: Any, tx: Transaction) -> None:
        self._decided(tx, event, event.refund_id, "approved")

    @on(TransferRejected)
    def transfer_rejected(self, event: Any, tx: Transaction) -> None:
        self._decided(tx, event, event.transfer_id, "rejected", event.reason)

    @on(RefundRejected)
    def refund_rejected(self, event: Any, tx: Transaction) -> None:
        self._decided(tx, event, event.refund_id, "rejected", event.reason)

    @on(RefundPaid)
    def refund_paid(self, event: Any, tx: Transaction) -> None:
        self._update(
            tx,
            event.refund_id,
            "status = 'paid', paid_at = %(at)s, bank_reference = %(reference)s",
            {"at": event.timestamp, "reference": event.bank_reference},
        )

    @on(TransferReceived)
    def transfer_received(self, event: Any, tx: Transaction) -> None:
        self._update(tx, event.transfer_id, "received_at = %(at)s", {"at": event.timestamp})

    # -- helpers -------------------------------------------------------------------------

    def _company(self, tx: Transaction, event: Any) -> UUID:
        funds_id = event.originator_id
        if funds_id not in self._companies:
            row = tx.fetchone(
                "SELECT company_id FROM funds_tracking_accounts WHERE funds_id = %s", (funds_id,)
            )
            if row is None:
                raise LookupError(f"no funds account {funds_id} (its Opened event is missing)")
            self._companies[funds_id] = to_uuid(row["company_id"])  # type: ignore[assignment]
        return self._companies[funds_id]

    def _requested(
        self,
        tx: Transaction,
        event: Any,
        kind: str,
        request_id: UUID,
        source: str,
        target: str | None,
        to_company: UUID | None,
        amount: Any,
        memo: str,
    ) -> None:
        cause = event.caused_by
        tx.execute(
            "INSERT INTO request_tracking (request_id, kind, company_id, source, target, "
            "to_company_id, amount, memo, status, reason, bank_reference, requested_at, "
            "requested_by, requested_role) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'requested', '', '', %s, %s, %s)",
            (
                request_id, kind, self._company(tx, event), source, target, to_company, amount,
                memo, event.timestamp, cause.user_id, cause.role,
            ),
        )  # fmt: skip

    def _decided(
        self, tx: Transaction, event: Any, request_id: UUID, status: str, reason: str = ""
    ) -> None:
        cause = event.caused_by
        self._update(
            tx,
            request_id,
            "status = %(status)s, reason = %(reason)s, decided_at = %(at)s, "
            "decided_by = %(by)s, decided_role = %(role)s",
            {"status": status, "reason": reason, "at": event.timestamp, "by": cause.user_id,
             "role": cause.role},
        )  # fmt: skip

    @staticmethod
    def _update(
        tx: Transaction, request_id: UUID, assignments: str, params: dict[str, Any]
    ) -> None:
        changed = tx.execute(
            f"UPDATE request_tracking SET {assignments} WHERE request_id = %(request_id)s",
            {**params, "request_id": request_id},
        )
        if changed != 1:
            raise LookupError(f"no tracked request {request_id}")


@dataclass(frozen=True)
class CompanyScope:
    """Which companies a list shows: one (``company_id``), a manager's bound customers
    (``manager_id``) or a sales team's (``team``: its managers'), both (one of the manager's),
    or all (neither)."""

    company_id: UUID | None = None
    manager_id: UUID | None = None
    team: frozenset[UUID] | None = None

    def where(self, *columns: str) -> tuple[str, list[Any]]:
        """A condition true when any of ``columns`` names a company in scope."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.company_id is not None:
            clauses.append("(" + " OR ".join(f"{c} = %s" for c in columns) + ")")
            params += [self.company_id] * len(columns)
        managers = {self.manager_id} if self.manager_id is not None else self.team
        if managers is not None:
            marks = ", ".join(["%s"] * len(managers)) or "NULL"
            managed = f"SELECT account_id FROM account_directory WHERE manager_id IN ({marks})"
            clauses.append(
                "(" + " OR ".join(f"CAST({c} AS TEXT) IN ({managed})" for c in columns) + ")"
            )
            params += [str(m) for m in sorted(managers)] * len(columns)
        return (" AND ".join(clauses) or "1 = 1"), params


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict[str, Any]]


class FundsTrackingView:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def payments(self, scope: CompanyScope, limit: int = 50, offset: int = 0) -> Page:
        return self._page(
            "payment_tracking", scope, "recorded_at DESC, bank_reference", limit, offset
        )

    def allocations(self, scope: CompanyScope, limit: int = 50, offset: int = 0) -> Page:
        return self._page(
            "allocation_tracking", scope, "allocated_at DESC, entry_id", limit, offset
        )

    def contract_funds(self, scope: CompanyScope, limit: int = 50, offset: int = 0) -> Page:
        return self._page("contract_funds", scope, "updated_at DESC, contract_id", limit, offset)

    def requests(
        self,
        scope: CompanyScope,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Transfers and refunds a company asked for, and transfers it was sent."""
        extra = [(f"{name} = %s", value) for name, value in (("kind", kind), ("status", status))]
        return self._page(
            "request_tracking",
            scope,
            "requested_at DESC, request_id",
            limit,
            offset,
            columns=("company_id", "to_company_id"),
            extra=[(clause, value) for clause, value in extra if value is not None],
        )

    def _page(
        self,
        table: str,
        scope: CompanyScope,
        order: str,
        limit: int,
        offset: int,
        columns: tuple[str, ...] = ("company_id",),
        extra: list[tuple[str, Any]] | None = None,
    ) -> Page:
        condition, params = scope.where(*columns)
        for clause, value in extra or []:
            condition += f" AND {clause}"
            params.append(value)
        count = self.db.query(f"SELECT COUNT(*) AS n FROM {table} WHERE {condition}", params)
        rows = self.db.query(
            f"SELECT * FROM {table} WHERE {condition} ORDER BY {order} LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return Page(int(count[0]["n"]), [_plain(row) for row in rows])


_UUIDS = ("company_id", "to_company_id", "entry_id", "contract_id", "request_id")
_PEOPLE = ("recorded_by", "allocated_by", "requested_by", "decided_by")
_MONEY = ("amount", "cash", "credit", "rebate", "remaining", "settled", "final_amount")


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """Stored values as Python values, whichever back end stored them."""
    for name, value in row.items():
        if name in _UUIDS or name in _PEOPLE:
            row[name] = to_uuid(value)
        elif name in _MONEY:
            row[name] = to_decimal(value)
        elif name == "closed":
            row[name] = bool(value)
    return row
