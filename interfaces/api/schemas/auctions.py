"""Bodies and answers of the auction routes (竞拍). Prices are CNY per tonne, decimal strings on
the wire; every state comes with its Chinese label; the board never names a bidder."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from domain.auctions import LotTerms
from domain.auctions.replay import LotReplay
from domain.values import UnitPrice
from interfaces.api.responses import wire
from interfaces.api.schemas.accounts import Strict
from interfaces.api.schemas.common import Amount, CommandAnswer, Instant, PerTonne, Tonnage
from interfaces.api.schemas.trading import DecimalText

PriceIn = DecimalText


# ---- bodies ------------------------------------------------------------------------------
class SessionCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["日照热卷 11月26日 场"])
    deposit: DecimalText = Field(default="3000.00", description="保证金 per session, CNY")


class LotCreate(Strict):
    lot_no: str = Field(min_length=1, max_length=40, examples=["A-01"])
    listing_id: UUID = Field(description="The listing whose stock the lot sells")
    quantity: DecimalText = Field(description="tonnes", examples=["100.000"])
    starts_at: datetime = Field(description="With a time zone", examples=["2026-11-26T02:00:00Z"])
    ends_at: datetime = Field(description="With a time zone", examples=["2026-11-26T03:00:00Z"])
    starting_price: PriceIn = Field(examples=["4000.00"])
    increment: PriceIn = Field(examples=["10.00"])
    reserve_price: PriceIn | None = Field(default=None, description="No sale below it")
    min_bidders: int = Field(default=1, ge=1, le=1000)
    soft_close_seconds: int = Field(default=300, ge=0, le=86_400)
    payment_days: int = Field(default=1, ge=0, le=30, description="Business days to pay")

    def terms(self) -> LotTerms:
        reserve = self.reserve_price
        return LotTerms(
            starting_price=UnitPrice.parse(self.starting_price),
            increment=UnitPrice.parse(self.increment),
            reserve_price=UnitPrice.parse(reserve) if reserve is not None else None,
            min_bidders=self.min_bidders,
            soft_close_seconds=self.soft_close_seconds,
            payment_days=self.payment_days,
        )


class BidIn(Strict):
    price: PriceIn = Field(description="CNY per tonne: the starting price plus whole increments")


# ---- command answers ---------------------------------------------------------------------
class SessionAnswer(CommandAnswer):
    session_id: UUID
    name: str
    deposit: Amount
    lot_ids: list[UUID]
    cancelled: bool


class LotAnswer(CommandAnswer):
    lot_id: UUID
    session_id: UUID
    lot_no: str
    listing_id: UUID
    quantity: Tonnage
    starts_at: Instant
    ends_at: Instant
    state: str = Field(examples=["scheduled"])
    state_label: str = Field(examples=["未开始"])
    highest_price: PerTonne | None
    bid_count: int
    bidder_count: int


class BidAnswer(CommandAnswer):
    lot_id: UUID
    session_id: UUID
    sequence: int = Field(description="The bid's place in the lot's order (ties: earlier wins)")
    price: PerTonne
    placed_at: Instant
    leading: bool
    ends_at: Instant = Field(description="The lot's end now, with any extension")
    extended: bool = Field(description="This bid moved the end (soft close)")
    extension_capped: bool = Field(description="The end of the business day stopped it short")
    deposit_locked: Amount | None = Field(description="Locked by this bid (first in the session)")


class LotClosedAnswer(CommandAnswer):
    lot_id: UUID
    closed: bool
    state: str | None
    state_label: str | None
    sold: bool
    unsold_reasons: list[str]
    winning_price: PerTonne | None
    winner_id: UUID | None
    contract_id: UUID | None
    payment_due_on: date | None
    released: list[UUID] = Field(description="Bidders whose deposit this released")


# ---- queries -----------------------------------------------------------------------------
class LotPublic(BaseModel):
    """One lot on the public board: no bidder is named."""

    lot_id: UUID
    session_id: UUID
    session_name: str
    lot_no: str
    listing_id: UUID
    category: str
    description: str
    warehouse: str
    quantity: Tonnage
    starting_price: PerTonne
    increment: PerTonne
    min_bidders: int
    starts_at: Instant
    scheduled_end: Instant
    ends_at: Instant = Field(description="With extensions")
    extensions: int
    highest_price: PerTonne | None
    next_minimum_bid: PerTonne | None = Field(description="None once bidding is over")
    bid_count: int
    bidder_count: int
    state: str = Field(examples=["open"])
    state_label: str = Field(examples=["竞拍中"])
    winning_price: PerTonne | None
    unsold_reasons: list[str] = Field(examples=[["no_bids"]])
    closed_at: Instant | None
    cancel_reason: str | None


class LotsPublic(BaseModel):
    data: list[LotPublic]
    count: int


class OwnBidPublic(BaseModel):
    sequence: int
    price: PerTonne
    placed_at: Instant
    extended: bool = Field(description="This bid moved the lot's end")


class StandingPublic(BaseModel):
    bids: int
    best_price: PerTonne
    last_bid_at: Instant
    leading: bool = Field(description="Holds the highest bid (open) or won (closed)")
    outcome: str = Field(examples=["leading"], description="leading, outbid, won, lost, …")
    outcome_label: str = Field(examples=["领先"])


class MyBidsPublic(BaseModel):
    lot_id: UUID
    bids: list[OwnBidPublic]
    standing: StandingPublic | None


class HistoryRowPublic(StandingPublic):
    lot_id: UUID
    session_id: UUID
    session_name: str
    lot_no: str
    description: str
    quantity: Tonnage
    company_id: UUID = Field(description="The bidding company (your own, for a buyer)")
    ends_at: Instant
    lot_state: str | None = Field(description="None while bidding is undecided")
    lot_state_label: str | None
    winning_price: PerTonne | None
    closed_at: Instant | None
    first_bid_at: Instant
    contract_id: UUID | None = Field(description="The award's contract, for the winner")
    breach_notice: str | None = Field(description="违约通知, when the winner did not pay")


class HistoryPublic(BaseModel):
    data: list[HistoryRowPublic]
    count: int


class BreachNoticePublic(BaseModel):
    notice_no: str = Field(examples=["BN-1F0E2D3C4B5A6978"])
    company_id: UUID
    lot_id: UUID
    session_id: UUID
    lot_no: str
    contract_id: UUID | None
    penalty: Amount = Field(description="The deposit forfeited under this notice")
    reason: str
    issued_at: Instant


class BreachNoticesPublic(BaseModel):
    data: list[BreachNoticePublic]
    count: int


class ReplayStepPublic(BaseModel):
    at: Instant
    kind: str = Field(examples=["bid"], description="created, bid, extension, awarded, unsold, "
                      "contract, paid, forfeited, cancelled, deposit_locked, deposit_released, "
                      "deposit_forfeited")  # fmt: skip
    version: int | None = Field(description="The lot event's version; None for a funds event")
    detail: dict[str, Any]


class AuctionReplayPublic(BaseModel):
    lot_id: UUID
    lot_no: str
    session_id: UUID
    state: str
    state_label: str
    ends_at: Instant
    extensions: int
    highest_price: PerTonne | None
    bid_count: int
    bidder_count: int
    winner_id: UUID | None
    contract_id: UUID | None
    breach_notice: str | None
    why: str
    proven: bool = Field(description="Every step re-checked against the rules")
    problems: list[str]
    steps: list[ReplayStepPublic]

    @classmethod
    def of(cls, replay: LotReplay, now: datetime) -> AuctionReplayPublic:
        lot, board = replay.lot, replay.board(now)
        return cls(
            lot_id=lot.id,
            lot_no=lot.lot_no,
            session_id=lot.session_id,
            state=board.state.value,
            state_label=board.label,
            ends_at=lot.ends_at,
            extensions=lot.extension_count,
            highest_price=board.highest_price.per_tonne if board.highest_price else None,
            bid_count=board.bid_count,
            bidder_count=board.bidder_count,
            winner_id=lot.winner_id,
            contract_id=lot.contract_id,
            breach_notice=lot.breach_notice,
            why=replay.why,
            proven=replay.proven,
            problems=list(replay.problems),
            steps=[
                ReplayStepPublic(at=s.at, kind=s.kind, version=s.version, detail=wire(s.detail))
                for s in replay.steps
            ],
        )
