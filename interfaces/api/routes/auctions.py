"""Auctions (竞拍 / 限时抢购): sessions and lots (operators), the public board (everyone signed
in), bids and a bidder's own bids (buyers), auction history (抢购历史), breach notices (违约通知),
and the auditor's replay of a lot. Queries read the ``auctions`` read model (``wait_for``)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from domain.access import Scope, require_company_visible, require_role, scope_of
from domain.accounts.account import Account
from domain.auctions import LotState
from domain.context import Actor, Role
from domain.errors import NotFoundError
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity, UnitPrice
from interfaces.api.deps import ReadsFrom, SignedIn, Svc
from interfaces.api.paging import Limit, Offset
from interfaces.api.responses import (
    COMMANDS,
    READS,
    SIGNED_IN,
    OrjsonResponse,
    command_response,
    problems,
)
from interfaces.api.schemas.auctions import (
    AuctionReplayPublic,
    BidAnswer,
    BidIn,
    BreachNoticePublic,
    BreachNoticesPublic,
    HistoryPublic,
    HistoryRowPublic,
    LotAnswer,
    LotClosedAnswer,
    LotCreate,
    LotPublic,
    LotsPublic,
    MyBidsPublic,
    OwnBidPublic,
    SessionAnswer,
    SessionCreate,
    StandingPublic,
)
from interfaces.api.schemas.trading import Reason
from interfaces.wiring import Services

router = APIRouter(
    prefix="/auctions", tags=["auctions"], responses=problems(*SIGNED_IN, *COMMANDS, *READS)
)
breach = APIRouter(
    prefix="/breach-notices", tags=["auctions"], responses=problems(*SIGNED_IN, *READS)
)
audit = APIRouter(prefix="/audit", tags=["audit"], responses=problems(*SIGNED_IN))
FromAuctions = Annotated[None, Depends(ReadsFrom("auctions"))]
CompanyFilter = Annotated[UUID | None, Query(description="Only this company")]
STATES = "^(" + "|".join(s.value for s in LotState) + ")$"


# ---- sessions and lots (operators) ---------------------------------------------------------
@router.post("/sessions", status_code=201, response_model=SessionAnswer)
def create_session(body: SessionCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """A session (场次) with its deposit (保证金, default ¥3,000), locked on a customer's first
    bid in it."""
    outcome = services.auctions.create_session(body.name, Money.parse(body.deposit))
    return command_response(outcome, SessionAnswer, 201)


@router.post("/sessions/{session_id}/lots", status_code=201, response_model=LotAnswer)
def add_lot(session_id: UUID, body: LotCreate, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """A lot: a quantity of one listing's stock (taken out of spot sale while open; 409
    ``oversold`` beyond what the listing has), its window and bidding terms."""
    outcome = services.auctions.add_lot(
        session_id, body.lot_no, body.listing_id, Quantity.parse(body.quantity),
        body.starts_at, body.ends_at, body.terms(),
    )  # fmt: skip
    return command_response(outcome, LotAnswer, 201)


@router.post("/sessions/{session_id}/cancel", response_model=SessionAnswer)
def cancel_session(session_id: UUID, body: Reason, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Cancel the session and every lot still open in it: deposits released at once."""
    outcome = services.auctions.cancel_session(session_id, body.reason)
    return command_response(outcome, SessionAnswer)


@router.post("/{lot_id}/cancel", response_model=LotClosedAnswer)
def cancel_lot(lot_id: UUID, body: Reason, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Before its close: every bidder's deposit released at once, the stock back on sale."""
    outcome = services.auctions.cancel_lot(lot_id, body.reason)
    return command_response(outcome, LotClosedAnswer)


# ---- the board, history (everyone signed in) -----------------------------------------------
@router.get("", response_model=LotsPublic)
def board(
    services: Svc,
    ctx: SignedIn,
    _: FromAuctions,
    session_id: Annotated[UUID | None, Query(description="Only this session's lots")] = None,
    state: Annotated[str | None, Query(pattern=STATES, examples=["open"])] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> LotsPublic:
    """The public board, soonest end first: per lot the current highest price, bid and bidder
    counts, the end with its extensions and the state with its label. No bidder is named."""
    page = services.auction_views.board(ctx.now(), session_id, state, limit, offset)
    return LotsPublic(data=[LotPublic(**row) for row in page.rows], count=page.total)


@router.get("/history", response_model=HistoryPublic)
def history(
    services: Svc,
    ctx: SignedIn,
    _: FromAuctions,
    company_id: CompanyFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> HistoryPublic:
    """抢购历史: per lot a company bid on, its bids and how the lot ended for it (a buyer sees
    its own company, a manager its bound customers, other staff every company)."""
    scope = _scope(services, ctx.actor, company_id)
    page = services.auction_views.history(scope, limit, offset)
    return HistoryPublic(data=[HistoryRowPublic(**row) for row in page.rows], count=page.total)


@router.get("/{lot_id}", response_model=LotPublic)
def lot(lot_id: UUID, services: Svc, ctx: SignedIn, _: FromAuctions) -> LotPublic:
    row = services.auction_views.lot(lot_id, ctx.now())
    if row is None:
        raise NotFoundError("auction lot")
    return LotPublic(**row)


# ---- bidding (buyers) ----------------------------------------------------------------------
@router.post("/{lot_id}/bids", status_code=201, response_model=BidAnswer)
def bid(lot_id: UUID, body: BidIn, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """A bid: the starting price plus whole increments, above the current highest (409
    ``bid_too_low``, 422 ``bid_off_increment``). The company's first bid in the session locks
    the session's deposit from ``deposit.free`` in the same write (409 ``insufficient_deposit``
    with what is free and what is needed). Needs ``deposits.manage`` for a member."""
    outcome = services.auctions.bid(lot_id, UnitPrice.parse(body.price))
    return command_response(outcome, BidAnswer, 201)


@router.get("/{lot_id}/my-bids", response_model=MyBidsPublic)
def my_bids(lot_id: UUID, services: Svc, ctx: SignedIn, _: FromAuctions) -> MyBidsPublic:
    """Your company's own bids on the lot, and whether it leads (or won)."""
    company_id = ctx.actor.account_id
    if not ctx.actor.role.is_buyer or company_id is None:
        raise NotFoundError("auction lot")
    views = services.auction_views
    if views.lot(lot_id, ctx.now()) is None:
        raise NotFoundError("auction lot")
    standing = views.standing(lot_id, company_id)
    return MyBidsPublic(
        lot_id=lot_id,
        bids=[OwnBidPublic(**row) for row in views.bids_of(lot_id, company_id)],
        standing=StandingPublic(**standing) if standing else None,
    )


# ---- breach notices, audit -----------------------------------------------------------------
@breach.get("", response_model=BreachNoticesPublic)
def breach_notices(
    services: Svc,
    ctx: SignedIn,
    _: FromAuctions,
    company_id: CompanyFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> BreachNoticesPublic:
    """违约通知: awards not paid in time, with the deposit forfeited under each, newest first."""
    scope = _scope(services, ctx.actor, company_id)
    page = services.auction_views.breach_notices(scope, limit, offset)
    rows = [BreachNoticePublic(**row) for row in page.rows]
    return BreachNoticesPublic(data=rows, count=page.total)


@audit.get("/auctions/{lot_id}", response_model=AuctionReplayPublic)
def replay(lot_id: UUID, services: Svc, ctx: SignedIn) -> AuctionReplayPublic:
    """Auditors and finance: the lot rebuilt from its events alone, step by step: every
    accepted bid, every extension with the bid that caused it, the winner and why, every deposit
    movement, each re-checked against the rules (``proven``)."""
    return AuctionReplayPublic.of(services.auctions.replay(lot_id), ctx.now())


def _scope(services: Services, actor: Actor, company_id: UUID | None) -> Scope:
    """A buyer's own company; a manager's bound customers; other staff everyone. ``company_id``
    narrows to one company the caller may see (404 otherwise)."""
    if actor.role.is_buyer:
        own = scope_of(actor)
        if company_id is not None and company_id != own.account_id:
            raise NotFoundError("account")
        return own
    require_role(
        actor, Role.MANAGER, Role.SUPERVISOR, Role.DIRECTOR, Role.FINANCE, Role.OPERATOR,
        Role.AUDITOR,
    )  # fmt: skip
    if company_id is None:
        return scope_of(actor)
    account = UnitOfWork(services.ledger).find(Account, company_id)
    if account is None:
        raise NotFoundError("account")
    require_company_visible(actor, company_id, account.manager_id)
    return Scope(account_id=company_id)
