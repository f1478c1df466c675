"""The reports read model's tables, and how a buyer's name is masked for the public feed.

  report_customers  company → name, masked name, region, the manager bound now
  report_staff      staff member → name, role, lead (the sales hierarchy as it is now)
  report_rates      the commission rates in force: one row per product ('' is the global rate)
  report_sales      one row per contract line: who bought (and the region), which manager held
                    the binding when the contract was made, category, product; ordered and
                    settled tonnes and amounts with their Asia/Shanghai dates and months; the
                    commission rate (and its version) in force when it was ordered, and the
                    commission on the settled amount

Tonnes are kept as kilograms and amounts as cents ({bigint}), so sums in SQL are exact on
PostgreSQL and SQLite alike (the TEXT decimals of SQLite would go through floating point).
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from domain.context import SHANGHAI

TABLES = ("report_customers", "report_staff", "report_rates", "report_sales")

DDL = (
    "CREATE TABLE IF NOT EXISTS report_customers (company_id {uuid} PRIMARY KEY, "
    "name TEXT NOT NULL, masked_name TEXT NOT NULL, region TEXT NOT NULL, manager_id {uuid})",
    "CREATE TABLE IF NOT EXISTS report_staff (staff_id {uuid} PRIMARY KEY, name TEXT NOT NULL, "
    "role TEXT NOT NULL, lead_id {uuid})",
    "CREATE TABLE IF NOT EXISTS report_rates (product_key TEXT PRIMARY KEY, rate TEXT NOT NULL, "
    "rate_version INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS report_sales (contract_id {uuid} NOT NULL, "
    "line_no INTEGER NOT NULL, contract_no TEXT NOT NULL, source TEXT NOT NULL, "
    "company_id {uuid} NOT NULL, buyer_masked TEXT NOT NULL, manager_id {uuid}, "
    "region TEXT NOT NULL, category TEXT NOT NULL, product_id {uuid} NOT NULL, "
    "description TEXT NOT NULL, unit_price {price} NOT NULL, ordered_at {timestamp} NOT NULL, "
    "ordered_on TEXT NOT NULL, ordered_month TEXT NOT NULL, ordered_kg {bigint} NOT NULL, "
    "ordered_cents {bigint} NOT NULL, void INTEGER NOT NULL, settled_on TEXT, "
    "settled_month TEXT, settled_kg {bigint} NOT NULL, settled_cents {bigint} NOT NULL, "
    "commission_rate TEXT NOT NULL, commission_version INTEGER NOT NULL, "
    "commission_cents {bigint} NOT NULL, PRIMARY KEY (contract_id, line_no))",
    "CREATE INDEX IF NOT EXISTS report_sales_ordered ON report_sales (ordered_on)",
    "CREATE INDEX IF NOT EXISTS report_sales_settled ON report_sales (settled_on)",
    "CREATE INDEX IF NOT EXISTS report_sales_manager ON report_sales (manager_id)",
    "CREATE INDEX IF NOT EXISTS report_sales_company ON report_sales (company_id)",
    "CREATE INDEX IF NOT EXISTS report_sales_feed ON report_sales (ordered_at)",
)

_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "公司",
    " Co., Ltd.", " Co. Ltd.", " Co.,Ltd.", " Ltd.", " Co.", " Inc.", " LLC",
)  # fmt: skip


def mask_name(name: str) -> str:
    """A buyer's name for the public deal feed: the company form dropped, the middle hidden:
    山东鲁信钢贸有限公司 → 山东**钢贸; short names keep their first character only."""
    core = name.strip()
    for suffix in _SUFFIXES:
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)].strip()
            break
    words = core.split()
    if len(words) > 1:  # a Latin name: Qingdao Coil Processing → Qingdao ** Processing
        return f"{words[0]} **" + (f" {words[-1]}" if len(words) > 2 else "")
    if len(core) <= 4:
        return core[:1] + "**"
    return f"{core[:2]}**{core[-2:]}"


def shanghai_day(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).date().isoformat()


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(ROUND_HALF_UP))


def kilograms(tonnes: Decimal) -> int:
    return int((tonnes * 1000).to_integral_value(ROUND_HALF_UP))


def commission_cents(settled_cents: int, rate: Decimal) -> int:
    """rate per cent of the settled amount, rounded half up to the cent."""
    return int((Decimal(settled_cents) * rate / 100).to_integral_value(ROUND_HALF_UP))


def amount_of(stored: object) -> Decimal:
    """A stored sum of cents (an int on SQLite, a NUMERIC on PostgreSQL) as CNY."""
    return (Decimal(str(stored or 0)) / 100).quantize(Decimal("0.01"))


def tonnes_of(stored: object) -> Decimal:
    return (Decimal(str(stored or 0)) / 1000).quantize(Decimal("0.001"))
