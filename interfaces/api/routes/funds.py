"""A customer company's funds: payments, allocation, transfers, refunds, deposits, rebates and
the credit line (SPEC "Funds"). Who may do what is decided by ``FundsService``; these handlers
only translate HTTP to its commands.

Every route first checks that the company is visible to the caller, so a company that is not
yours (a buyer's other company, a manager's unbound customer) answers 404 before any "forbidden".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, replace
from datetime import date, datetime, time
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from domain.context import SHANGHAI
from domain.errors import ValidationError
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.paging import Limit, Offset
from interfaces.api.responses import COMMANDS, SIGNED_IN, OrjsonResponse, command_response, problems
from interfaces.api.schemas.answers import (
    CreditLineAnswer,
    EntryPosted,
    PaymentRecorded,
    RefundAnswer,
    RepaymentAnswer,
    TransferAnswer,
)
from interfaces.api.schemas.balances import JournalEntryPublic
from interfaces.api.schemas.funds import (
    AllocationCreate,
    AmountCreate,
    BreachPenalty,
    CreditLineSet,
    Decision,
    FundsStatement,
    PaymentCreate,
    RebateCredit,
    RefundCreate,
    RefundPaid,
    TransferCreate,
    to_money,
    to_rate,
)
from projections.balances.replay import FundsReplay, replay_funds


def visible_company(company_id: UUID, services: Svc, ctx: SignedIn) -> None:
    """404 unless the caller may see this company (its own users, its manager, other staff)."""
    services.accounts.get_account(company_id)


router = APIRouter(
    prefix="/funds/{company_id}",
    tags=["funds"],
    responses=problems(*SIGNED_IN, *COMMANDS),
    dependencies=[Depends(visible_company)],
)


AsOf = Annotated[
    str | None,
    Query(
        max_length=40,
        description="A date (YYYY-MM-DD: its end, Asia/Shanghai) or an ISO timestamp with its "
        "offset: the statement, dashboard and journal as they stood then",
        examples=["2026-12-31", "2026-12-31T18:00:00+08:00"],
    ),
]


@router.get("", response_model=FundsStatement)
def get_statement(
    company_id: UUID,
    services: Svc,
    ctx: SignedIn,
    as_of: AsOf = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> FundsStatement:
    """Balances now, from the funds account; with ``as_of``, replayed from its events up to
    that moment: the buckets, the 我的资金 dashboard and the journal of then (an account that
    did not exist yet shows all zero)."""
    if as_of is None:
        return FundsStatement.of(services.funds.statement(company_id))
    until = parse_as_of(as_of)
    replayed = replay_funds(services.funds.history(company_id), until=until)
    return statement_as_of(
        company_id, replayed, until, services.funds.known_categories, limit, offset
    )


def parse_as_of(text: str) -> datetime:
    """A date is the end of that business day (Asia/Shanghai); a timestamp needs its offset."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max, tzinfo=SHANGHAI)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            "invalid_as_of", "as_of is a date (YYYY-MM-DD) or an ISO timestamp with its offset."
        ) from None
    if moment.tzinfo is None:
        raise ValidationError(
            "invalid_as_of", "Give the timestamp's offset (Z or +08:00): which moment is meant?"
        )
    return moment


def statement_as_of(
    company_id: UUID,
    replayed: FundsReplay,
    until: datetime,
    categories: Iterable[str],
    limit: int,
    offset: int,
) -> FundsStatement:
    figures = replayed.figures(until.astimezone(SHANGHAI).date(), sorted(categories))
    newest_first = replayed.entries[::-1]
    dashboard = asdict(figures)
    dashboard.pop("company_id")
    return FundsStatement.of(
        {
            "company_id": company_id,
            "balances": replayed.buckets,
            "financial_balance": figures.financial_balance,
            "available_to_order": figures.available_to_order,
            "credit_limit": figures.credit_limit,
            "credit_used": figures.credit_used,
            "credit_available": figures.credit_available,
            "credit_open": figures.credit_open,
            "credit_frozen": figures.credit_frozen,
            "as_of": until,
            "dashboard": dashboard,
            "journal": [
                JournalEntryPublic.of(replace(e, company_id=company_id))
                for e in newest_first[offset : offset + limit]
            ],
            "journal_count": len(newest_first),
        }
    )


# ---- finance: money in, allocation, decisions ------------------------------------------


@router.post("/payments", status_code=201, response_model=PaymentRecorded)
def record_payment(
    company_id: UUID, body: PaymentCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Finance records a bank transfer received. The same bank reference with the same
    details again is the same payment (the first answer is returned, nothing is written)."""
    outcome = services.funds.record_payment(
        company_id, to_money(body.amount), body.bank_reference, body.category, body.purpose
    )
    return command_response(outcome, PaymentRecorded, 201)


@router.post("/allocations", status_code=201, response_model=EntryPosted)
def allocate(
    company_id: UUID, body: AllocationCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Finance gives unallocated money a product category."""
    outcome = services.funds.allocate(company_id, to_money(body.amount), body.category)
    return command_response(outcome, EntryPosted, 201)


@router.post("/transfers/{transfer_id}/approve", response_model=TransferAnswer)
def approve_transfer(
    company_id: UUID, transfer_id: UUID, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Finance approves: the money moves (to another company in the same atomic write)."""
    outcome = services.funds.approve_transfer(company_id, transfer_id)
    return command_response(outcome, TransferAnswer)


@router.post("/transfers/{transfer_id}/reject", response_model=TransferAnswer)
def reject_transfer(
    company_id: UUID, transfer_id: UUID, body: Decision, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.funds.reject_transfer(company_id, transfer_id, body.reason)
    return command_response(outcome, TransferAnswer)


@router.post("/refunds/{refund_id}/approve", response_model=RefundAnswer)
def approve_refund(
    company_id: UUID, refund_id: UUID, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.funds.approve_refund(company_id, refund_id)
    return command_response(outcome, RefundAnswer)


@router.post("/refunds/{refund_id}/reject", response_model=RefundAnswer)
def reject_refund(
    company_id: UUID, refund_id: UUID, body: Decision, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    outcome = services.funds.reject_refund(company_id, refund_id, body.reason)
    return command_response(outcome, RefundAnswer)


@router.post("/refunds/{refund_id}/paid", response_model=RefundAnswer)
def mark_refund_paid(
    company_id: UUID, refund_id: UUID, body: RefundPaid, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Finance records the outgoing bank transfer of an approved refund."""
    outcome = services.funds.mark_refund_paid(company_id, refund_id, body.bank_reference)
    return command_response(outcome, RefundAnswer)


@router.post("/rebate-credits", status_code=201, response_model=EntryPosted)
def credit_rebate(
    company_id: UUID, body: RebateCredit, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """返利调账: finance credits a rebate, usable as payment; once per reference."""
    outcome = services.funds.credit_rebate(company_id, to_money(body.amount), body.reference)
    return command_response(outcome, EntryPosted, 201)


@router.post("/breach-penalties", status_code=201, response_model=EntryPosted)
def charge_breach_penalty(
    company_id: UUID, body: BreachPenalty, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Finance charges a penalty under a breach notice (违约通知); once per notice."""
    outcome = services.funds.charge_breach_penalty(
        company_id, to_money(body.amount), body.breach_notice, body.source
    )
    return command_response(outcome, EntryPosted, 201)


@router.post("/credit-line", response_model=CreditLineAnswer)
def set_credit_line(
    company_id: UUID, body: CreditLineSet, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Finance opens the credit line or changes its terms."""
    outcome = services.funds.set_credit_line(
        company_id,
        to_money(body.limit),
        body.billing_day,
        body.repayment_day,
        body.grace_days,
        to_rate(body.late_fee_rate),
    )
    return command_response(outcome, CreditLineAnswer)


@router.post("/credit-line/close", response_model=CreditLineAnswer)
def close_credit_line(company_id: UUID, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """No more draws; the debt stays and is billed and repaid as before."""
    outcome = services.funds.close_credit_line(company_id)
    return command_response(outcome, CreditLineAnswer)


# ---- the buyer: requests ----------------------------------------------------------------


@router.post("/transfers", status_code=201, response_model=TransferAnswer)
def request_transfer(
    company_id: UUID, body: TransferCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """转款: move allocated money to another category or company; held until finance decides."""
    outcome = services.funds.request_transfer(
        company_id,
        to_money(body.amount),
        body.from_category,
        body.to_category,
        body.to_company_id,
        body.memo,
    )
    return command_response(outcome, TransferAnswer, 201)


@router.post("/refunds", status_code=201, response_model=RefundAnswer)
def request_refund(
    company_id: UUID, body: RefundCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """清退: ask for free money back; held until finance rejects it or pays it out."""
    outcome = services.funds.request_refund(
        company_id, to_money(body.amount), body.source, body.full_memo()
    )
    return command_response(outcome, RefundAnswer, 201)


@router.post("/deposits", status_code=201, response_model=EntryPosted)
def top_up_deposit(
    company_id: UUID, body: AmountCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Move unallocated money to the free auction deposit (保证金)."""
    outcome = services.funds.top_up_deposit(company_id, to_money(body.amount))
    return command_response(outcome, EntryPosted, 201)


@router.post("/repayments", status_code=201, response_model=RepaymentAnswer)
def repay_credit(
    company_id: UUID, body: AmountCreate, services: Svc, ctx: SignedIn
) -> OrjsonResponse:
    """Repay the credit line from unallocated money (unfreezes it once nothing is overdue)."""
    outcome = services.funds.repay_credit(company_id, to_money(body.amount))
    return command_response(outcome, RepaymentAnswer, 201)
