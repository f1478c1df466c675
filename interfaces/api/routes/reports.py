"""Reports read from the reports read model (销售报表, 成交动态, 业绩与提成, 竞拍结果): every one
takes filters, ``limit``/``offset`` and ``wait_for``, and ``?format=csv`` for the whole report as
CSV (UTF-8 with a BOM, Chinese headers; paging does not apply).

Who sees what: a buyer its own company's sales; a manager the lines credited to it; a
supervisor or director its team's; finance, operators and auditors everything. A customer,
manager or team the caller may not see is 404; performance and commissions are for staff (403).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from domain.context import CommandContext
from interfaces.api.deps import Anyone, ReadsFrom, SignedIn, Svc
from interfaces.api.paging import Limit, Offset
from interfaces.api.responses import PUBLIC, READS, SIGNED_IN, problems
from interfaces.api.schemas.rebates import StatementPublic
from interfaces.api.schemas.reports import (
    AuctionResultsReport,
    CommissionsReport,
    DealFeed,
    PerformanceReport,
    SalesReport,
)
from interfaces.reports import ReportQuery, all_rows, columns_of, csv_text, fetch
from interfaces.wiring import Services

router = APIRouter(prefix="/reports", tags=["reports"], responses=problems(*SIGNED_IN, *READS))
public = APIRouter(tags=["reports"], responses=problems(*PUBLIC, *READS))
FromReports = Annotated[None, Depends(ReadsFrom("reports"))]
FromAuctions = Annotated[None, Depends(ReadsFrom("reports", "auctions"))]
FromRebates = Annotated[None, Depends(ReadsFrom("rebates"))]
Format = Annotated[
    Literal["json", "csv"], Query(description="csv: every row as CSV (UTF-8 with BOM)")
]
CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report; with format=csv, every row as CSV (UTF-8 with BOM)",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


class ReportFilters:
    """The filters every report shares (a report ignores those that do not apply to it)."""

    def __init__(
        self,
        start: Annotated[
            date | None, Query(alias="from", description="Business date, inclusive")
        ] = None,
        end: Annotated[
            date | None, Query(alias="to", description="Business date, inclusive")
        ] = None,
        category: Annotated[str | None, Query(max_length=16, examples=["HRC"])] = None,
        product_id: Annotated[UUID | None, Query()] = None,
        region: Annotated[str | None, Query(max_length=40)] = None,
        company_id: Annotated[UUID | None, Query(description="A customer you may see")] = None,
        manager_id: Annotated[UUID | None, Query(description="A manager you may see")] = None,
        team_id: Annotated[
            UUID | None, Query(description="A supervisor or director: its team")
        ] = None,
    ) -> None:
        self.query = ReportQuery(
            start=start,
            end=end,
            category=category,
            product_id=product_id,
            region=region,
            company_id=company_id,
            manager_id=manager_id,
            team_id=team_id,
        )


Filters = Annotated[ReportFilters, Depends()]


def _answer(
    model: type[BaseModel],
    services: Services,
    ctx: CommandContext,
    name: str,
    query: ReportQuery,
    fmt: str,
    limit: int,
    offset: int,
) -> Any:
    if fmt == "csv":
        rows = list(all_rows(services, ctx.actor, name, query))
        text = "".join(csv_text(columns_of(name, query, ctx.actor), rows))
        disposition = f'attachment; filename="{name}.csv"'
        return Response(
            text.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": disposition},
        )
    page = fetch(services, ctx.actor, name, query, limit, offset)
    body: dict[str, Any] = {"data": page.rows, "count": page.total}
    if "totals" in model.model_fields:
        body["totals"] = page.totals
    return model.model_validate(body)


@router.get("/sales", response_model=SalesReport, responses=CSV)
def sales(
    services: Svc,
    ctx: SignedIn,
    _: FromReports,
    filters: Filters,
    by: Annotated[
        Literal["category", "product", "region", "customer", "manager"] | None,
        Query(description="Break down by (none: one row per period)"),
    ] = None,
    grain: Annotated[
        Literal["day", "month"] | None, Query(description="Per day or month (none: the range)")
    ] = None,
    format: Format = "json",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """销售报表: ordered (contracts made, void ones left out) and settled (post-settled: actual
    weight and final amount) tonnes and amounts, and commission, per day or month and by
    category, product, region, customer or manager; `totals` over every row."""
    query = ReportQuery(**{**filters.query.__dict__, "by": by, "grain": grain})
    return _answer(SalesReport, services, ctx, "sales", query, format, limit, offset)


@router.get("/performance", response_model=PerformanceReport, responses=CSV)
def performance(
    services: Svc,
    ctx: SignedIn,
    _: FromReports,
    filters: Filters,
    format: Format = "json",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """业绩: per manager its own sales and commission; per supervisor and director the sum of
    everyone under it now. Staff only."""
    return _answer(
        PerformanceReport, services, ctx, "performance", filters.query, format, limit, offset
    )


@router.get("/commissions", response_model=CommissionsReport, responses=CSV)
def commissions(
    services: Svc,
    ctx: SignedIn,
    _: FromReports,
    filters: Filters,
    format: Format = "json",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """提成: each settled line, credited to the manager bound to its customer when its contract
    was made, at the rate (and version) in force then. Staff only."""
    return _answer(
        CommissionsReport, services, ctx, "commissions", filters.query, format, limit, offset
    )


@router.get("/auctions", response_model=AuctionResultsReport, responses=CSV)
def auction_results(
    services: Svc,
    ctx: SignedIn,
    _: FromAuctions,
    filters: Filters,
    session_id: Annotated[UUID | None, Query()] = None,
    outcome: Annotated[Literal["awarded", "paid", "forfeited", "unsold"] | None, Query()] = None,
    format: Format = "json",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """竞拍结果: closed lots, latest first, with the winning price; the winner masked."""
    query = ReportQuery(**{**filters.query.__dict__, "session_id": session_id, "outcome": outcome})
    return _answer(AuctionResultsReport, services, ctx, "auctions", query, format, limit, offset)


@router.get("/rebates", response_model=StatementPublic, responses=CSV)
def rebate_statement(
    services: Svc,
    ctx: SignedIn,
    _: FromRebates,
    filters: Filters,
    period: Annotated[
        str | None, Query(max_length=7, description="A month YYYY-MM or a year YYYY")
    ] = None,
    format: Format = "json",
    limit: Limit = 100,
    offset: Offset = 0,
) -> Any:
    """返利对账单 per customer (from the rebates read model): per period, policy and policy
    version, accrued, credited and outstanding. A buyer its own company; a manager its bound
    customers; a supervisor or director its team's; a customer you may not see is 404."""
    query = ReportQuery(**{**filters.query.__dict__, "period": period})
    return _answer(StatementPublic, services, ctx, "rebates", query, format, limit, offset)


@public.get("/deal-feed", response_model=DealFeed, responses=CSV)
def deal_feed(
    services: Svc,
    ctx: Anyone,
    _: FromReports,
    category: Annotated[str | None, Query(max_length=16, examples=["HRC"])] = None,
    format: Format = "json",
    limit: Limit = 20,
    offset: Offset = 0,
) -> Any:
    """成交动态 for the home page (no sign-in): the latest deals, newest first, each buyer's
    name masked (山东**钢贸)."""
    query = ReportQuery(category=category)
    return _answer(DealFeed, services, ctx, "deal-feed", query, format, limit, offset)
