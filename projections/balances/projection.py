"""Balances (我的资金): every bucket of each customer's funds ledger, its dashboard figures, and
the journal (every entry with its lines).

Fed by the FundsAccount events (``domain.funds.account:FundsAccount.<Event>``). A bucket changes
only by the lines of the journal ``entry`` an event carries, exactly as in ``FundsAccount._post``:
any FundsAccount event with an ``entry`` posts it (so a new kind of entry needs no new handler), and
the handlers below add what else an event says (a reservation, a credit line, a bill).

Tables:
  fund_accounts        one row per company: the dashboard figures kept per event (bucket sums by
                       kind, credit used, cash held in reservations, financial balance), the credit
                       line, and trade quantities (awaiting confirmation, not yet scheduled,
                       shipped, awaiting post-settlement, invoiced amount): zero until contract
                       events feed them
  fund_buckets         (company, bucket) → amount; a bucket back at zero is deleted
  fund_reservations    (company, contract) → the Reservation record the last event carried
  fund_bills           the credit bills, for the overdue test at query time
  fund_journal(_lines) every entry: who, when, kind, memo, reference, and its lines

The figures follow ``domain/funds/account.py``'s definitions (see
``projections/balances/figures.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.funds.account import FundsAccount
from projections.balances.figures import (
    ACCOUNT_FIGURES,
    ZERO,
    BalanceFigures,
    JournalPage,
    dashboard,
    entry_row,
    figure_deltas,
    journal_page,
    money,
)
from projections.base import TRACKING_TABLE, Projection, event_class, on
from projections.database import Reader, Transaction, to_decimal, to_uuid

Opened = event_class(FundsAccount, "Opened")
FundsReserved = event_class(FundsAccount, "FundsReserved")
RebateApplied = event_class(FundsAccount, "RebateApplied")
ReservationReleased = event_class(FundsAccount, "ReservationReleased")
ReservationSettled = event_class(FundsAccount, "ReservationSettled")
ContractPostSettled = event_class(FundsAccount, "ContractPostSettled")
CreditLineSet = event_class(FundsAccount, "CreditLineSet")
CreditLineClosed = event_class(FundsAccount, "CreditLineClosed")
CreditLineFrozen = event_class(FundsAccount, "CreditLineFrozen")
CreditLineUnfrozen = event_class(FundsAccount, "CreditLineUnfrozen")
CreditBilled = event_class(FundsAccount, "CreditBilled")

_ACCOUNTS_DDL = (
    "CREATE TABLE IF NOT EXISTS fund_accounts (company_id {uuid} PRIMARY KEY, "
    "funds_id {uuid} NOT NULL UNIQUE, opened_at {timestamp} NOT NULL, version INTEGER NOT NULL, "
    "updated_at {timestamp} NOT NULL, "
    + "".join(f"{name} {{money}} NOT NULL, " for name in ACCOUNT_FIGURES)
    + "has_line BOOLEAN NOT NULL, credit_open BOOLEAN NOT NULL, credit_frozen BOOLEAN NOT NULL, "
    "credit_limit {money} NOT NULL, billing_day INTEGER, repayment_day INTEGER, "
    "grace_days INTEGER, late_fee_rate TEXT)"
)


class BalancesProjection(Projection):
    name = "balances"
    version = 3  # 2: the trade quantities moved to the tracking read model; 3: NUMERIC(28,2)
    tables = (
        "fund_accounts",
        "fund_buckets",
        "fund_reservations",
        "fund_bills",
        "fund_journal",
        "fund_journal_lines",
    )

    def __init__(self) -> None:
        self._companies: dict[UUID, UUID] = {}  # funds id → company id (ids never change)

    def create_tables(self, tx: Transaction) -> None:
        tx.ddl(_ACCOUNTS_DDL)
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS fund_buckets (company_id {uuid} NOT NULL, "
            "bucket TEXT NOT NULL, amount {money} NOT NULL, PRIMARY KEY (company_id, bucket))"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS fund_reservations (company_id {uuid} NOT NULL, "
            "contract_id {uuid} NOT NULL, category TEXT, cash {money} NOT NULL, "
            "credit {money} NOT NULL, rebate {money} NOT NULL, settled {money} NOT NULL, "
            "closed BOOLEAN NOT NULL, PRIMARY KEY (company_id, contract_id))"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS fund_bills (bill_id {uuid} PRIMARY KEY, "
            "company_id {uuid} NOT NULL, period_start TEXT, period_end TEXT NOT NULL, "
            "amount {money} NOT NULL, due_on TEXT NOT NULL, cumulative {money} NOT NULL)"
        )
        tx.ddl("CREATE INDEX IF NOT EXISTS fund_bills_company ON fund_bills (company_id)")
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS fund_journal (entry_id {uuid} PRIMARY KEY, "
            "company_id {uuid} NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL, "
            "kind TEXT NOT NULL, memo TEXT NOT NULL, reference TEXT NOT NULL, "
            "posted_on TEXT NOT NULL, posted_at {timestamp} NOT NULL, user_id {uuid}, "
            "role TEXT NOT NULL, request_id TEXT NOT NULL)"
        )
        tx.ddl(
            "CREATE INDEX IF NOT EXISTS fund_journal_company ON fund_journal (company_id, version)"
        )
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS fund_journal_lines (entry_id {uuid} NOT NULL, "
            "line_no INTEGER NOT NULL, bucket TEXT NOT NULL, amount {money} NOT NULL, "
            "PRIMARY KEY (entry_id, line_no))"
        )

    # -- handlers ------------------------------------------------------------------------

    @on(Opened)
    def opened(self, event: Any, tx: Transaction) -> None:
        values: dict[str, Any] = {
            "company_id": event.company_id,
            "funds_id": event.originator_id,
            "opened_at": event.timestamp,
            "version": event.originator_version,
            "updated_at": event.timestamp,
            **dict.fromkeys(ACCOUNT_FIGURES, ZERO),
            "has_line": False,
            "credit_open": False,
            "credit_frozen": False,
            "credit_limit": ZERO,
        }
        tx.execute(
            f"INSERT INTO fund_accounts ({', '.join(values)}) "
            f"VALUES ({', '.join(f'%({name})s' for name in values)})",
            values,
        )
        self._companies[event.originator_id] = event.company_id

    @on(FundsAccount.Event)
    def posted(self, event: Any, tx: Transaction) -> None:
        """Any other event: post its entry, if it carries one."""
        self._apply(tx, event)

    @on(FundsReserved, RebateApplied, ReservationReleased, ReservationSettled, ContractPostSettled)
    def reservation_changed(self, event: Any, tx: Transaction) -> None:
        company = self._company(tx, event)
        record = event.reservation
        before = tx.fetchone(
            "SELECT cash FROM fund_reservations WHERE company_id = %s AND contract_id = %s",
            (company, event.contract_id),
        )
        cash_before = to_decimal(before["cash"]) if before else ZERO
        tx.execute(
            "INSERT INTO fund_reservations (company_id, contract_id, category, cash, credit, "
            "rebate, settled, closed) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (company_id, contract_id) DO UPDATE SET category = excluded.category, "
            "cash = excluded.cash, credit = excluded.credit, rebate = excluded.rebate, "
            "settled = excluded.settled, closed = excluded.closed",
            (
                company, event.contract_id, record.category, record.cash.amount,
                record.credit.amount, record.rebate.amount, record.settled.amount, record.closed,
            ),
        )  # fmt: skip
        cash = record.cash.amount - (cash_before or ZERO)
        self._apply(tx, event, {"reserved_cash": cash, "financial_balance": cash})

    @on(CreditLineSet)
    def credit_line_set(self, event: Any, tx: Transaction) -> None:
        terms = event.terms
        self._apply(
            tx,
            event,
            has_line=True,
            credit_open=True,
            credit_limit=terms.limit.amount,
            billing_day=terms.billing_day,
            repayment_day=terms.repayment_day,
            grace_days=terms.grace_days,
            late_fee_rate=str(terms.late_fee_rate),
        )

    @on(CreditLineClosed)
    def credit_line_closed(self, event: Any, tx: Transaction) -> None:
        self._apply(tx, event, line_only=True, credit_open=False)

    @on(CreditLineFrozen)
    def credit_line_frozen(self, event: Any, tx: Transaction) -> None:
        self._apply(tx, event, line_only=True, credit_frozen=True)

    @on(CreditLineUnfrozen)
    def credit_line_unfrozen(self, event: Any, tx: Transaction) -> None:
        self._apply(tx, event, line_only=True, credit_frozen=False)

    @on(CreditBilled)
    def credit_billed(self, event: Any, tx: Transaction) -> None:
        bill = event.bill
        start = bill.period_start.isoformat() if bill.period_start else None
        tx.execute(
            "INSERT INTO fund_bills (bill_id, company_id, period_start, period_end, amount, "
            "due_on, cumulative) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                bill.bill_id, self._company(tx, event), start, bill.period_end.isoformat(),
                bill.amount.amount, bill.due_on.isoformat(), bill.cumulative.amount,
            ),
        )  # fmt: skip
        self._apply(tx, event)

    # -- helpers -------------------------------------------------------------------------

    def _company(self, tx: Transaction, event: Any) -> UUID:
        funds_id = event.originator_id
        if funds_id not in self._companies:
            row = tx.fetchone(
                "SELECT company_id FROM fund_accounts WHERE funds_id = %s", (funds_id,)
            )
            if row is None:
                raise LookupError(f"no funds account {funds_id} (its Opened event is missing)")
            self._companies[funds_id] = to_uuid(row["company_id"])  # type: ignore[assignment]
        return self._companies[funds_id]

    def _apply(
        self,
        tx: Transaction,
        event: Any,
        extra: dict[str, Decimal] | None = None,
        line_only: bool = False,
        **columns: Any,
    ) -> None:
        """Post the event's entry (if any) and update the account row in one statement."""
        company = self._company(tx, event)
        row = tx.fetchone("SELECT * FROM fund_accounts WHERE company_id = %s", (company,))
        if row is None:
            raise LookupError(f"no fund_accounts row for company {company}")
        if line_only and not row["has_line"]:
            columns = {}  # as FundsAccount._set_line: nothing changes without a line
        deltas = dict(extra or {})
        entry = getattr(event, "entry", None)
        if entry is not None:
            self._post_lines(tx, company, entry.deltas())
            self._journal(tx, company, event, entry)
            for name, delta in figure_deltas(entry.deltas()).items():
                deltas[name] = deltas.get(name, ZERO) + delta
        figures = {name: money(to_decimal(row[name]) or ZERO) for name in ACCOUNT_FIGURES}
        for name, delta in deltas.items():
            figures[name] = money(figures[name] + delta)
        values = {**figures, **columns}
        assignments = ", ".join(f"{name} = %({name})s" for name in values)
        tx.execute(
            f"UPDATE fund_accounts SET {assignments}, version = %(v)s, updated_at = %(at)s "
            "WHERE company_id = %(company)s",
            {**values, "v": event.originator_version, "at": event.timestamp, "company": company},
        )

    @staticmethod
    def _post_lines(tx: Transaction, company: UUID, deltas: dict[str, Decimal]) -> None:
        marks = ", ".join(["%s"] * len(deltas))
        rows = tx.fetchall(
            "SELECT bucket, amount FROM fund_buckets "
            f"WHERE company_id = %s AND bucket IN ({marks})",
            (company, *deltas),
        )
        current = {r["bucket"]: to_decimal(r["amount"]) or ZERO for r in rows}
        for bucket, delta in deltas.items():
            after = money(current.get(bucket, ZERO) + delta)
            if after == 0:
                tx.execute(
                    "DELETE FROM fund_buckets WHERE company_id = %s AND bucket = %s",
                    (company, bucket),
                )
            else:
                tx.execute(
                    "INSERT INTO fund_buckets (company_id, bucket, amount) VALUES (%s, %s, %s) "
                    "ON CONFLICT (company_id, bucket) DO UPDATE SET amount = excluded.amount",
                    (company, bucket, after),
                )

    @staticmethod
    def _journal(tx: Transaction, company: UUID, event: Any, entry: Any) -> None:
        tx.execute(
            "INSERT INTO fund_journal (entry_id, company_id, version, event, kind, memo, "
            "reference, posted_on, posted_at, user_id, role, request_id) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            entry_row(company, event, entry),
        )
        tx.executemany(
            "INSERT INTO fund_journal_lines (entry_id, line_no, bucket, amount) "
            "VALUES (%s, %s, %s, %s)",
            [(entry.entry_id, n, line.bucket, line.amount.amount) for n, line in
             enumerate(entry.lines)],
        )  # fmt: skip


class BalancesView:
    """Queries on the balances tables. Credit figures depend on the day (a bill falls overdue
    without an event), so they are computed for the ``today`` the caller gives."""

    def __init__(self, db: Reader) -> None:
        self.db = db  # the view database, or a snapshot of it (reconciliation reads one)

    def figures(
        self, company_id: UUID, today: date, categories: Iterable[str] = ()
    ) -> BalanceFigures:
        """The dashboard of one company (all zero when it has no funds account yet); every
        category in ``categories`` is listed even when it holds nothing."""
        rows = self.db.query("SELECT * FROM fund_accounts WHERE company_id = %s", (company_id,))
        bills = self.db.query("SELECT * FROM fund_bills WHERE company_id = %s", (company_id,))
        return dashboard(
            company_id, rows[0] if rows else None, self.buckets(company_id), bills, today,
            categories,
        )  # fmt: skip

    def buckets(self, company_id: UUID) -> dict[str, Decimal]:
        rows = self.db.query(
            "SELECT bucket, amount FROM fund_buckets WHERE company_id = %s", (company_id,)
        )
        return {r["bucket"]: to_decimal(r["amount"]) or ZERO for r in rows}

    def companies(self) -> list[UUID]:
        rows = self.db.query("SELECT company_id FROM fund_accounts ORDER BY company_id")
        return [to_uuid(r["company_id"]) for r in rows]  # type: ignore[misc]

    @contextmanager
    def snapshot(self) -> Iterator[BalancesView]:
        """The same queries, every answer from one moment however many events land meanwhile."""
        with self.db.snapshot() as reader:
            yield BalancesView(reader)

    def position(self) -> int:
        """How far this view has applied the store: its projection's tracking position."""
        rows = self.db.query(
            f"SELECT position FROM {TRACKING_TABLE} WHERE name = %s", (BalancesProjection.name,)
        )
        return int(rows[0]["position"]) if rows else 0

    def version(self, company_id: UUID) -> int | None:
        """The last event of this company's funds account the view has applied."""
        rows = self.db.query(
            "SELECT version FROM fund_accounts WHERE company_id = %s", (company_id,)
        )
        return int(rows[0]["version"]) if rows else None

    def journal(
        self,
        company_id: UUID,
        kind: str | None = None,
        posted_from: date | None = None,
        posted_to: date | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> JournalPage:
        """Entries newest first, with their lines; dates are Asia/Shanghai business dates."""
        where: list[str] = ["company_id = %s"]
        params: list[Any] = [company_id]
        for clause, value in (
            ("kind = %s", kind),
            ("posted_on >= %s", posted_from.isoformat() if posted_from else None),
            ("posted_on <= %s", posted_to.isoformat() if posted_to else None),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        condition = " AND ".join(where)
        count = self.db.query(f"SELECT COUNT(*) AS n FROM fund_journal WHERE {condition}", params)
        entries = self.db.query(
            f"SELECT * FROM fund_journal WHERE {condition} ORDER BY version DESC, entry_id "
            "LIMIT %s OFFSET %s",
            (*params, limit, offset),
        )
        return journal_page(
            int(count[0]["n"]), entries, self._lines(e["entry_id"] for e in entries)
        )

    def entry_lines(self, company_id: UUID) -> dict[UUID, list[tuple[str, Decimal]]]:
        """Every entry of a company with its lines (for reconciliation)."""
        rows = self.db.query(
            "SELECT l.entry_id, l.line_no, l.bucket, l.amount FROM fund_journal_lines l "
            "JOIN fund_journal j ON j.entry_id = l.entry_id WHERE j.company_id = %s "
            "ORDER BY l.entry_id, l.line_no",
            (company_id,),
        )
        result: dict[UUID, list[tuple[str, Decimal]]] = {}
        for r in rows:
            lines = result.setdefault(to_uuid(r["entry_id"]), [])  # type: ignore[arg-type]
            lines.append((r["bucket"], to_decimal(r["amount"]) or ZERO))
        return result

    def _lines(self, entry_ids: Iterable[Any]) -> list[dict[str, Any]]:
        ids = list(entry_ids)
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        return self.db.query(
            f"SELECT * FROM fund_journal_lines WHERE entry_id IN ({marks}) "
            "ORDER BY entry_id, line_no",
            ids,
        )
