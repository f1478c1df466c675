"""Fed by the rebates area's events (and the Account events that say which manager a company
has, for the managers' scope). Decimals are added in Python, never in SQL (TEXT on SQLite).

  rebate_companies         company → name and bound manager
  rebate_policies          each policy: number, name, kind, level or customer, category,
                           product, current version
  rebate_policy_versions   each version: valid from/to (business dates), rate, measure,
                           whole_period, tiers (JSON: lower, upper, rate)
  rebate_entries           every entry as posted: company, period (where it landed),
                           origin_period (where it belongs), kind (accrual, correction,
                           carried), contract, policy and version, rate, base, amount, note
  rebate_summary           per company, period, policy (number) and version: accrued (the sum
                           of its entries) and credited (what the period's close credited)
  rebate_accounts          per company and period: accrued, credited, carried, closed,
                           the funds reference (rebate:<period>)
  rebate_periods           each period: kind (month/year), closed, when, total credited
  rebate_tiers             per company, tiered policy and period: tonnes, amount, accrued,
                           version used, the rate reached, the next tier's start and what
                           is left to it
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from domain.rebates.basis import TierProgress
from domain.rebates.period import RebateAccount, RebatePeriod
from domain.rebates.policy import RebatePolicy
from domain.rebates.values import Period, PolicyTerms
from projections.base import Projection, event_class, on
from projections.company_scope import CompanyScope
from projections.database import Transaction, to_decimal
from projections.tracking.tables import business_date, insert_row, update_row, utc

PolicyCreated = event_class(RebatePolicy, "Created")
PolicyRevised = event_class(RebatePolicy, "Revised")
AccountOpened = event_class(RebateAccount, "Opened")
EntryPosted = event_class(RebateAccount, "EntryPosted")
AccountClosed = event_class(RebateAccount, "Closed")
PeriodOpened = event_class(RebatePeriod, "Opened")
PeriodClosed = event_class(RebatePeriod, "Closed")
TierOpened = event_class(TierProgress, "Opened")
TierAdvanced = event_class(TierProgress, "Advanced")

TABLES = (
    "rebate_companies",
    "rebate_policies",
    "rebate_policy_versions",
    "rebate_entries",
    "rebate_summary",
    "rebate_accounts",
    "rebate_periods",
    "rebate_tiers",
)
DDL = (
    "CREATE TABLE IF NOT EXISTS rebate_companies (company_id {uuid} PRIMARY KEY, "
    "company_name TEXT, manager_id {uuid})",
    "CREATE INDEX IF NOT EXISTS rebate_companies_manager ON rebate_companies (manager_id)",
    "CREATE TABLE IF NOT EXISTS rebate_policies (policy_id {uuid} PRIMARY KEY, "
    "policy_no TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, level TEXT, "
    "customer_id {uuid}, category TEXT, product_id {uuid}, current_version INTEGER NOT NULL, "
    "created_at {timestamp} NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rebate_policy_versions (policy_id {uuid} NOT NULL, "
    "version INTEGER NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT, rate TEXT, "
    "measure TEXT, whole_period BOOLEAN NOT NULL, tiers TEXT NOT NULL, "
    "PRIMARY KEY (policy_id, version))",
    "CREATE TABLE IF NOT EXISTS rebate_entries (entry_id {uuid} PRIMARY KEY, "
    "company_id {uuid} NOT NULL, period TEXT NOT NULL, origin_period TEXT NOT NULL, "
    "kind TEXT NOT NULL, contract_id {uuid}, contract_no TEXT NOT NULL, policy_id {uuid}, "
    "policy_no TEXT NOT NULL, policy_kind TEXT NOT NULL, policy_version INTEGER NOT NULL, "
    "rate TEXT, base_amount {money} NOT NULL, base_tonnes {quantity} NOT NULL, "
    "amount {money} NOT NULL, note TEXT NOT NULL, posted_at {timestamp} NOT NULL, "
    "posted_on TEXT NOT NULL, position {bigint} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS rebate_entries_company ON rebate_entries (company_id, period)",
    "CREATE TABLE IF NOT EXISTS rebate_summary (company_id {uuid} NOT NULL, "
    "period TEXT NOT NULL, policy_no TEXT NOT NULL, policy_version INTEGER NOT NULL, "
    "policy_id {uuid}, policy_kind TEXT NOT NULL, accrued {money} NOT NULL, "
    "credited {money} NOT NULL, PRIMARY KEY (company_id, period, policy_no, policy_version))",
    "CREATE TABLE IF NOT EXISTS rebate_accounts (account_id {uuid} NOT NULL UNIQUE, "
    "company_id {uuid} NOT NULL, "
    "period TEXT NOT NULL, period_kind TEXT NOT NULL, accrued {money} NOT NULL, "
    "credited {money} NOT NULL, carried {money} NOT NULL, closed BOOLEAN NOT NULL, "
    "reference TEXT, closed_at {timestamp}, PRIMARY KEY (company_id, period))",
    "CREATE TABLE IF NOT EXISTS rebate_periods (period_id {uuid} NOT NULL UNIQUE, "
    "period TEXT PRIMARY KEY, kind TEXT NOT NULL, "
    "closed BOOLEAN NOT NULL, closed_at {timestamp}, credited {money} NOT NULL, "
    "customers INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rebate_tiers (tier_id {uuid} NOT NULL UNIQUE, "
    "company_id {uuid} NOT NULL, "
    "policy_id {uuid} NOT NULL, period TEXT NOT NULL, measure TEXT NOT NULL, "
    "tonnes {quantity} NOT NULL, amount {money} NOT NULL, accrued {money} NOT NULL, "
    "policy_version INTEGER NOT NULL, tier_rate TEXT, next_lower TEXT, to_go TEXT, "
    "updated_at {timestamp} NOT NULL, PRIMARY KEY (company_id, policy_id, period))",
)
ZERO = Decimal("0.00")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class RebatesProjection(CompanyScope, Projection):
    name = "rebates"
    tables = TABLES
    companies_table = "rebate_companies"

    def create_tables(self, tx: Transaction) -> None:
        for statement in DDL:
            tx.ddl(statement)

    # ---- policies ------------------------------------------------------------------------
    @on(PolicyCreated)
    def policy_created(self, event: Any, tx: Transaction) -> None:
        insert_row(
            tx,
            "rebate_policies",
            policy_id=event.originator_id,
            policy_no=event.policy_no,
            name=event.name,
            kind=event.kind.value,
            level=event.scope.level,
            customer_id=event.scope.customer_id,
            category=event.category,
            product_id=event.product_id,
            current_version=event.terms.version,
            created_at=utc(event.timestamp),
        )
        self._version(tx, event.originator_id, event.terms)

    @on(PolicyRevised)
    def policy_revised(self, event: Any, tx: Transaction) -> None:
        terms, ends = event.terms, event.previous_ends.isoformat()
        tx.execute(
            "UPDATE rebate_policy_versions SET valid_to = %s WHERE policy_id = %s "
            "AND version = %s AND (valid_to IS NULL OR valid_to > %s)",
            (ends, event.originator_id, terms.version - 1, ends),
        )
        self._version(tx, event.originator_id, terms)
        keys = {"policy_id": event.originator_id}
        update_row(tx, "rebate_policies", keys, current_version=terms.version)

    @staticmethod
    def _version(tx: Transaction, policy_id: Any, terms: PolicyTerms) -> None:
        tiers = [
            {"lower": str(t.lower), "upper": _text(t.upper), "rate": str(t.rate)}
            for t in terms.tiers
        ]
        insert_row(
            tx,
            "rebate_policy_versions",
            policy_id=policy_id,
            version=terms.version,
            valid_from=terms.valid_from.isoformat(),
            valid_to=terms.valid_to.isoformat() if terms.valid_to else None,
            rate=_text(terms.rate),
            measure=terms.measure,
            whole_period=terms.whole_period,
            tiers=json.dumps(tiers),
        )

    # ---- periods and accounts ------------------------------------------------------------
    @on(PeriodOpened)
    def period_opened(self, event: Any, tx: Transaction) -> None:
        insert_row(
            tx,
            "rebate_periods",
            period_id=event.originator_id,
            period=event.key,
            kind=Period(event.key).kind,
            closed=False,
            credited=ZERO,
            customers=0,
        )

    @on(PeriodClosed)
    def period_closed(self, event: Any, tx: Transaction) -> None:
        credited = sum((amount.amount for _, amount in event.credits), ZERO)
        update_row(
            tx,
            "rebate_periods",
            {"period_id": event.originator_id},
            closed=True,
            closed_at=utc(event.timestamp),
            credited=credited,
            customers=len(event.credits),
        )

    @on(AccountOpened)
    def account_opened(self, event: Any, tx: Transaction) -> None:
        insert_row(
            tx,
            "rebate_accounts",
            account_id=event.originator_id,
            company_id=event.customer_id,
            period=event.period,
            period_kind=Period(event.period).kind,
            accrued=ZERO,
            credited=ZERO,
            carried=ZERO,
            closed=False,
        )

    @on(EntryPosted)
    def entry_posted(self, event: Any, tx: Transaction) -> None:
        company, period = self._account(tx, event)
        entry = event.entry
        insert_row(
            tx,
            "rebate_entries",
            entry_id=entry.entry_id,
            company_id=company,
            period=period,
            origin_period=entry.origin_period,
            kind=entry.kind,
            contract_id=entry.contract_id,
            contract_no=entry.contract_no,
            policy_id=entry.policy_id,
            policy_no=entry.policy_no,
            policy_kind=entry.policy_kind,
            policy_version=entry.policy_version,
            rate=_text(entry.rate),
            base_amount=entry.base_amount.amount,
            base_tonnes=entry.base_tonnes.tonnes,
            amount=entry.amount.amount,
            note=entry.note,
            posted_at=utc(event.timestamp),
            posted_on=business_date(event.timestamp),
            position=event.originator_version,
        )
        self._add(tx, "rebate_accounts", {"company_id": company, "period": period}, entry)
        keys = {
            "company_id": company,
            "period": period,
            "policy_no": entry.policy_no,
            "policy_version": entry.policy_version,
        }
        if (
            tx.fetchone(
                "SELECT accrued FROM rebate_summary WHERE company_id = %(company_id)s AND "
                "period = %(period)s AND policy_no = %(policy_no)s AND "
                "policy_version = %(policy_version)s",
                keys,
            )
            is None
        ):
            insert_row(
                tx, "rebate_summary", **keys, policy_id=entry.policy_id,
                policy_kind=entry.policy_kind, accrued=ZERO, credited=ZERO,
            )  # fmt: skip
        self._add(tx, "rebate_summary", keys, entry)

    @staticmethod
    def _add(tx: Transaction, table: str, keys: dict[str, Any], entry: Any) -> None:
        where = " AND ".join(f"{k} = %({k})s" for k in keys)
        row = tx.fetchone(f"SELECT accrued FROM {table} WHERE {where}", keys)
        if row is None:
            raise LookupError(f"{table}: no row {keys}")
        accrued = (to_decimal(row["accrued"]) or ZERO) + entry.amount.amount
        update_row(tx, table, keys, accrued=accrued)

    @on(AccountClosed)
    def account_closed(self, event: Any, tx: Transaction) -> None:
        company, period = self._account(tx, event)
        keys = {"company_id": company, "period": period}
        update_row(
            tx,
            "rebate_accounts",
            keys,
            closed=True,
            credited=event.credited.amount,
            carried=event.carried.amount,
            reference=event.reference or None,
            closed_at=utc(event.timestamp),
        )
        if event.credited.is_positive():
            tx.execute(
                "UPDATE rebate_summary SET credited = accrued "
                "WHERE company_id = %s AND period = %s",
                (company, period),
            )

    @staticmethod
    def _account(tx: Transaction, event: Any) -> tuple[Any, str]:
        """(company, period) of a RebateAccount event, from the row its Opened event made."""
        row = tx.fetchone(
            "SELECT company_id, period FROM rebate_accounts WHERE account_id = %s",
            (event.originator_id,),
        )
        if row is None:
            raise LookupError(f"rebate_accounts: no account {event.originator_id}")
        return row["company_id"], str(row["period"])

    # ---- tiers ---------------------------------------------------------------------------
    @on(TierOpened)
    def tier_opened(self, event: Any, tx: Transaction) -> None:
        insert_row(
            tx,
            "rebate_tiers",
            tier_id=event.originator_id,
            company_id=event.customer_id,
            policy_id=event.policy_id,
            period=event.period,
            measure="",
            tonnes=Decimal("0.000"),
            amount=ZERO,
            accrued=ZERO,
            policy_version=0,
            updated_at=utc(event.timestamp),
        )

    @on(TierAdvanced)
    def tier_advanced(self, event: Any, tx: Transaction) -> None:
        standing = event.standing
        update_row(
            tx,
            "rebate_tiers",
            {"tier_id": event.originator_id},
            measure=event.measure,
            tonnes=event.tonnes.tonnes,
            amount=event.amount.amount,
            accrued=event.accrued.amount,
            policy_version=event.policy_version,
            tier_rate=_text(standing.tier_rate),
            next_lower=_text(standing.next_lower),
            to_go=_text(standing.to_go),
            updated_at=utc(event.timestamp),
        )
