"""The reports, as the API and ``steelyard report`` both serve them: who may see which rows,
the filters (checked: a customer, manager or team the caller may not see is 404, a range that
ends before it starts 422 ``invalid_filter``), one page at a time, and CSV with Chinese headers.

CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese headers and names correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from domain.access import LEAD_ROLES, Scope, scope_of
from domain.auctions import STATE_LABELS, LotState
from domain.context import Actor, Role
from domain.errors import ForbiddenError, NotFoundError, ValidationError
from domain.rebates.values import Period
from interfaces.wiring import Services
from projections.reports.view import SalesFilters

BOM = "\ufeff"
PAGE = 500  # rows per read when exporting everything

DIMENSION_HEADERS = {
    "category": "品类",
    "product": "产品",
    "region": "区域",
    "customer": "客户",
    "manager": "客户经理",
}
FIGURE_HEADERS = [
    ("ordered_tonnes", "订货吨数"),
    ("ordered_amount", "订货金额"),
    ("settled_tonnes", "结算吨数"),
    ("settled_amount", "结算金额"),
    ("commission", "提成"),
]
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "deal-feed": [
        ("dealt_at", "成交时间"), ("buyer", "买方"), ("region", "区域"), ("category", "品类"),
        ("description", "品名规格"), ("unit_price", "单价"), ("tonnes", "吨数"),
        ("amount", "金额"), ("source", "来源"),
    ],
    "commissions": [
        ("settled_on", "结算日期"), ("ordered_on", "订货日期"), ("contract_no", "合同编号"),
        ("line_no", "行号"), ("company_name", "客户"), ("manager_name", "客户经理"),
        ("description", "品名规格"), ("settled_tonnes", "结算吨数"),
        ("settled_amount", "结算金额"), ("rate", "提成比例(%)"), ("rate_version", "比例版本"),
        ("commission", "提成"),
    ],
    "performance": [
        ("name", "姓名"), ("role", "岗位"), ("staff_id", "员工编号"), ("lead_id", "上级"),
        *FIGURE_HEADERS,
    ],
    "auctions": [
        ("closed_at", "结束时间"), ("session_name", "场次"), ("lot_no", "标的号"),
        ("description", "品名规格"), ("quantity", "吨数"), ("starting_price", "起拍价"),
        ("winning_price", "成交价"), ("amount", "成交金额"), ("bid_count", "出价次数"),
        ("bidder_count", "竞买人数"), ("extensions", "延时次数"), ("outcome_label", "结果"),
        ("winner", "买受人"),
    ],
    "rebates": [
        ("period", "期间"), ("company_name", "客户"), ("policy_no", "政策编号"),
        ("policy_name", "政策名称"), ("kind_label", "返利类型"), ("policy_version", "政策版本"),
        ("accrued", "计提金额"), ("credited", "已返金额"), ("outstanding", "未返金额"),
        ("closed", "已结期"),
    ],
}  # fmt: skip
NAMES = ("sales", "deal-feed", "performance", "commissions", "auctions", "rebates")


@dataclass(frozen=True)
class ReportQuery:
    start: date | None = None
    end: date | None = None
    category: str | None = None
    product_id: UUID | None = None
    region: str | None = None
    company_id: UUID | None = None
    manager_id: UUID | None = None
    team_id: UUID | None = None
    by: str | None = None  # sales: category, product, region, customer, manager
    grain: str | None = None  # sales: day, month
    session_id: UUID | None = None  # auctions
    outcome: str | None = None  # auctions
    period: str | None = None  # rebates: YYYY-MM or YYYY


@dataclass(frozen=True)
class ReportPage:
    total: int
    rows: list[dict[str, Any]]
    totals: Mapping[str, Decimal | None] = field(default_factory=dict)


def report_scope(actor: Actor) -> Scope:
    """A buyer its own company; a manager the lines credited to it; a supervisor or director
    its team's; finance, operators and auditors everything. Integrations read no reports."""
    if actor.role is Role.INTEGRATION:
        raise ForbiddenError("Reports are for people, not integrations.")
    return scope_of(actor)


def _visible_managers(scope: Scope, wanted: frozenset[UUID]) -> frozenset[UUID]:
    allowed = scope.managers()
    if scope.account_id is not None or (allowed is not None and not wanted <= allowed):
        raise NotFoundError("manager")
    return wanted


def sales_filters(services: Services, actor: Actor, query: ReportQuery) -> SalesFilters:
    """The filters, each checked against what the caller may see."""
    if query.start and query.end and query.end < query.start:
        raise ValidationError("invalid_filter", "The range ends before it starts (from > to).")
    scope = report_scope(actor)
    if query.company_id is not None:
        services.accounts.get_account(query.company_id)  # 404 unless visible
    managers: frozenset[UUID] | None = None
    if query.manager_id is not None:
        managers = _visible_managers(scope, frozenset({query.manager_id}))
    if query.team_id is not None:
        team = team_managers(services, actor, query.team_id)
        managers = team if managers is None else managers & team
    return SalesFilters(
        start=query.start,
        end=query.end,
        category=query.category,
        product_id=query.product_id,
        region=query.region,
        company_id=query.company_id,
        managers=managers,
    )


def team_managers(services: Services, actor: Actor, team_id: UUID) -> frozenset[UUID]:
    """The team of a supervisor or director the caller may see: the lead itself, one of its
    own team, or anyone's for unscoped staff. Anyone else is 404 ``not_found`` (team)."""
    try:
        lead = services.identity.staff(team_id)
    except NotFoundError:
        raise NotFoundError("team") from None
    scope = report_scope(actor)
    mine = actor.user_id == team_id or team_id in actor.team
    if lead.role not in LEAD_ROLES or scope.account_id is not None:
        raise NotFoundError("team")
    if scope.managers() is not None and not mine:
        raise NotFoundError("team")
    return services.teams.team_of(team_id)


# ---- fetching one page ----------------------------------------------------------------------
def fetch(
    services: Services, actor: Actor, name: str, query: ReportQuery, limit: int, offset: int
) -> ReportPage:
    fetcher = _FETCHERS.get(name)
    if fetcher is None:
        raise ValidationError("unknown_report", f"Reports are: {', '.join(NAMES)}.")
    return fetcher(services, actor, query, limit, offset)


def _sales(
    services: Services, actor: Actor, query: ReportQuery, limit: int, offset: int
) -> ReportPage:
    filters = sales_filters(services, actor, query)
    page = services.reports.sales(
        report_scope(actor), filters, query.by, query.grain, limit, offset
    )
    if actor.role.is_staff:
        return ReportPage(page.total, page.rows, page.totals)
    # a buyer reads its own purchases, never what the seller pays its managers for them
    rows = [{**row, "commission": None} for row in page.rows]
    totals: dict[str, Decimal | None] = {**page.totals}
    if totals:
        totals["commission"] = None
    return ReportPage(page.total, rows, totals)


def _deal_feed(
    services: Services, actor: Actor, query: ReportQuery, limit: int, offset: int
) -> ReportPage:
    page = services.reports.deal_feed(query.category, limit, offset)
    return ReportPage(page.total, page.rows)


def _commissions(
    services: Services, actor: Actor, query: ReportQuery, limit: int, offset: int
) -> ReportPage:
    _staff_only(actor)
    filters = sales_filters(services, actor, query)
    page = services.reports.commissions(report_scope(actor), filters, limit, offset)
    return ReportPage(page.total, page.rows, page.totals)


def _performance(
    services: Services, actor: Actor, query: ReportQuery, limit: int, offset: int
) -> ReportPage:
    """Per person: a manager itself; a lead itself and everyone under it; others everyone
    (``team_id``: that lead and its team)."""
    _staff_only(actor)
    filters = sales_filters(services, actor, replace(query, team_id=None))
    scope = report_scope(actor)
    people: frozenset[UUID] | None = None
    if actor.role is Role.MANAGER or actor.role in LEAD_ROLES:
        people = frozenset({actor.user_id}) | actor.team if actor.user_id else frozenset()
    if query.team_id is not None:
        team_managers(services, actor, query.team_id)  # 404 unless visible
        people = frozenset({query.team_id}) | services.teams.team_of(query.team_id)
    rows = services.reports.performance(scope, filters, people)
    return ReportPage(len(rows), rows[offset : offset + limit])


def _auctions(
    services: Services, actor: Actor, query: ReportQuery, limit: int, offset: int
) -> ReportPage:
    report_scope(actor)
    if query.start and query.end and query.end < query.start:
        raise ValidationError("invalid_filter", "The range ends before it starts (from > to).")
    filters = SalesFilters(start=query.start, end=query.end, category=query.category)
    page = services.reports.auction_results(filters, query.session_id, query.outcome, limit, offset)
    rows = [{**row, "outcome_label": STATE_LABELS[LotState(row["outcome"])]} for row in page.rows]
    return ReportPage(page.total, rows)


def _rebates(
    services: Services, actor: Actor, query: ReportQuery, limit: int, offset: int
) -> ReportPage:
    """返利对账单 per customer, from the rebates read model: per period, policy and version,
    accrued, credited and outstanding (a buyer its own; a lead its team's customers)."""
    scope = report_scope(actor)
    if query.company_id is not None:
        services.accounts.get_account(query.company_id)  # 404 unless visible
    key = Period.parse(query.period).key if query.period else None
    count, rows = services.rebate_views.statement(scope, query.company_id, key, limit, offset)
    return ReportPage(count, rows)


def _staff_only(actor: Actor) -> None:
    if not actor.role.is_staff:
        raise ForbiddenError("Performance and commissions are for the seller's staff.")


_FETCHERS: dict[str, Callable[[Services, Actor, ReportQuery, int, int], ReportPage]] = {
    "sales": _sales,
    "deal-feed": _deal_feed,
    "performance": _performance,
    "commissions": _commissions,
    "auctions": _auctions,
    "rebates": _rebates,
}


# ---- CSV -------------------------------------------------------------------------------------
def columns_of(name: str, query: ReportQuery, actor: Actor | None = None) -> list[tuple[str, str]]:
    """The CSV's columns; a buyer's sales have no commission column (``actor``: the reader)."""
    if name != "sales":
        return COLUMNS[name]
    period = {"day": [("period", "日期")], "month": [("period", "月份")]}.get(query.grain or "", [])
    by = [("key", "编码"), ("name", DIMENSION_HEADERS[query.by])] if query.by else []
    figures = FIGURE_HEADERS
    if actor is not None and not actor.role.is_staff:
        figures = [(key, header) for key, header in FIGURE_HEADERS if key != "commission"]
    return [*period, *by, *figures]


def all_rows(
    services: Services,
    actor: Actor,
    name: str,
    query: ReportQuery,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every row on every page, read ``PAGE`` at a time; ``progress(done, total)`` after each."""
    offset = 0
    while True:
        page = fetch(services, actor, name, query, PAGE, offset)
        yield from page.rows
        offset += len(page.rows)
        if progress is not None:
            progress(offset, page.total)
        if not page.rows or offset >= page.total:
            return


def csv_text(columns: list[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV, a chunk per row: the BOM and the Chinese header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for _, header in columns])
    yield BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(row.get(key)) for key, _ in columns])
        yield buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return utc.isoformat().replace("+00:00", "Z")
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)
