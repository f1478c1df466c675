"""Reports (销售报表, 成交动态, 业绩与提成): fed by the Contract, Account, staff and commission
events; every figure is a sum over ``report_sales`` (one row per contract line).

A line is credited to the manager bound to the customer *when the contract was made*, read
from this projection's own copy of the bindings at that point of the event stream (so a later
re-binding does not move it), and it earns the commission rate in force then (the product's
own rate, else the global one); the commission is that rate of its post-settled amount.
"""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from typing import Any

from domain.accounts.account import Account
from domain.accounts.staff import SalesTeams, StaffMember
from domain.commissions.schedule import CommissionSchedule
from domain.trading.contract import Contract
from projections.base import Projection, event_class, on
from projections.database import Transaction
from projections.reports.tables import (
    DDL,
    TABLES,
    cents,
    commission_cents,
    kilograms,
    mask_name,
    shanghai_day,
)
from projections.reports.view import ReportsView

__all__ = ["ReportsProjection", "ReportsView"]

CompanyBound = event_class(Account, "CompanyBound")
ManagerBound = event_class(Account, "ManagerBound")
ManagerBindingLapsed = event_class(Account, "ManagerBindingLapsed")
Enrolled = event_class(StaffMember, "Enrolled")
Assigned = event_class(SalesTeams, "Assigned")
RatesSet = event_class(CommissionSchedule, "RatesSet")
Generated = event_class(Contract, "Generated")
Voided = event_class(Contract, "Voided")
Settled = event_class(Contract, "Settled")

GLOBAL = ""  # report_rates' key of the global rate


class ReportsProjection(Projection):
    name = "reports"
    tables = TABLES

    def create_tables(self, tx: Transaction) -> None:
        for statement in DDL:
            tx.ddl(statement)

    # ---- who: customers, staff and the hierarchy -----------------------------------------
    @on(CompanyBound)
    def company_bound(self, event: Any, tx: Transaction) -> None:
        company = event.company
        values = {
            "company_id": event.originator_id,
            "name": company.name,
            "masked_name": mask_name(company.name),
            "region": company.region,
        }
        if not tx.execute(
            "UPDATE report_customers SET name = %(name)s, masked_name = %(masked_name)s, "
            "region = %(region)s WHERE company_id = %(company_id)s",
            values,
        ):
            tx.execute(
                "INSERT INTO report_customers (company_id, name, masked_name, region) "
                "VALUES (%(company_id)s, %(name)s, %(masked_name)s, %(region)s)",
                values,
            )

    @on(ManagerBound)
    def manager_bound(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "UPDATE report_customers SET manager_id = %s WHERE company_id = %s",
            (event.manager_id, event.originator_id),
        )

    @on(ManagerBindingLapsed)
    def binding_lapsed(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "UPDATE report_customers SET manager_id = NULL WHERE company_id = %s",
            (event.originator_id,),
        )

    @on(Enrolled)
    def enrolled(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO report_staff (staff_id, name, role) VALUES (%s, %s, %s)",
            (event.originator_id, event.name, event.role.value),
        )

    @on(Assigned)
    def assigned(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "UPDATE report_staff SET lead_id = %s WHERE staff_id = %s",
            (event.lead_id, event.staff_id),
        )

    @on(RatesSet)
    def rates_set(self, event: Any, tx: Transaction) -> None:
        tx.execute("DELETE FROM report_rates")
        rows = [(GLOBAL, str(event.global_rate), event.rate_version)]
        rows += [(str(r.product_id), str(r.rate), event.rate_version) for r in event.product_rates]
        tx.executemany(
            "INSERT INTO report_rates (product_key, rate, rate_version) VALUES (%s, %s, %s)", rows
        )

    # ---- contracts --------------------------------------------------------------------
    @on(Generated)
    def generated(self, event: Any, tx: Transaction) -> None:
        facts = event.facts
        customer = tx.fetchone(
            "SELECT manager_id, region FROM report_customers WHERE company_id = %s",
            (facts.buyer_id,),
        )
        rates = {row["product_key"]: row for row in tx.fetchall("SELECT * FROM report_rates")}
        day = shanghai_day(event.timestamp)
        for line in facts.lines:
            rate = rates.get(str(line.product_id)) or rates.get(GLOBAL)
            tx.execute(
                "INSERT INTO report_sales (contract_id, line_no, contract_no, source, company_id, "
                "buyer_masked, manager_id, region, category, product_id, description, unit_price, "
                "ordered_at, ordered_on, ordered_month, ordered_kg, ordered_cents, void, "
                "settled_kg, settled_cents, commission_rate, commission_version, "
                "commission_cents) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                "%s, %s, %s, %s, 0, 0, 0, %s, %s, 0)",
                (
                    event.originator_id, line.line_no, facts.contract_no, facts.source.kind,
                    facts.buyer_id, mask_name(facts.buyer_name),
                    customer["manager_id"] if customer else None,
                    (customer["region"] if customer else "") or facts.delivery.region,
                    line.category, line.product_id, line.description, line.unit_price.per_tonne,
                    event.timestamp.astimezone(UTC), day, day[:7], kilograms(line.quantity.tonnes),
                    cents(line.amount.amount), rate["rate"] if rate else "0",
                    rate["rate_version"] if rate else 0,
                ),
            )  # fmt: skip

    @on(Voided)
    def voided(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "UPDATE report_sales SET void = 1 WHERE contract_id = %s", (event.originator_id,)
        )

    @on(Settled)
    def settled(self, event: Any, tx: Transaction) -> None:
        day = shanghai_day(event.timestamp)
        rates = {
            row["line_no"]: row["commission_rate"]
            for row in tx.fetchall(
                "SELECT line_no, commission_rate FROM report_sales WHERE contract_id = %s",
                (event.originator_id,),
            )
        }
        for line in event.settlement.lines:
            settled = cents(line.amount.amount)
            tx.execute(
                "UPDATE report_sales SET settled_on = %s, settled_month = %s, settled_kg = %s, "
                "settled_cents = %s, commission_cents = %s "
                "WHERE contract_id = %s AND line_no = %s",
                (
                    day, day[:7], kilograms(line.shipped.tonnes), settled,
                    commission_cents(settled, Decimal(rates.get(line.line_no, "0"))),
                    event.originator_id, line.line_no,
                ),
            )  # fmt: skip
