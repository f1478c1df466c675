"""Deterministic replay of one lot (for auditors): the lot rebuilt from its events alone, and the
story told step by step, each step re-checked against the rules:

- every accepted bid: on the increment grid, above the highest before it, inside the window then
  in force;
- every extension, with the bid that caused it: its new end is that bid's time plus the soft-close
  window, capped at the end of that business day;
- the close: the winner and why (the highest bid, the bidder count against the minimum, the
  reserve), or why the lot went unsold (流拍), recomputed from the replayed bids;
- every deposit movement of the session's bidders in the funds ledger (locked, released,
  forfeited), each from its own funds event.

A step whose recorded fact the re-check does not reach is listed in ``problems``; none means the
history proves the outcome. The service loads the events; this module only reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.auctions.lot import AuctionLot, end_of_business_day
from domain.auctions.values import (
    BELOW_RESERVE,
    NO_BIDS,
    TOO_FEW_BIDDERS,
    Bid,
    LotBoard,
    LotOutcome,
)

DEPOSIT_EVENTS = {"DepositLocked": "locked", "DepositReleased": "released",
                  "DepositForfeited": "forfeited"}  # fmt: skip


@dataclass(frozen=True)
class ReplayStep:
    at: datetime
    kind: str  # created, bid, extension, awarded, unsold, contract, paid, forfeited, cancelled,
    #            deposit_locked, deposit_released, deposit_forfeited
    detail: dict[str, Any]
    version: int | None = None  # the lot event's version (None for a funds event)


@dataclass(frozen=True)
class LotReplay:
    lot: AuctionLot  # rebuilt from its events alone
    steps: tuple[ReplayStep, ...]
    why: str  # the close's reason in words (or what the lot waits for)
    problems: tuple[str, ...] = field(default=())

    @property
    def proven(self) -> bool:
        return not self.problems

    def board(self, now: datetime) -> LotBoard:
        return self.lot.board(now)


class _Checker:
    """Walks the lot's events in order, keeping what the rules need to re-check each one."""

    def __init__(self) -> None:
        self.lot: Any = None
        self.steps: list[ReplayStep] = []
        self.problems: list[str] = []
        self.bids: list[Bid] = []
        self.bidders: set[UUID] = set()
        self.end: datetime | None = None

    def apply(self, event: Any) -> None:
        before_end = self.end
        self.lot = event.mutate(self.lot)
        name = type(event).__name__
        handler = getattr(self, f"_on_{name}", None)
        detail = handler(event, before_end) if handler else {}
        self.end = self.lot.ends_at
        self.steps.append(
            ReplayStep(event.timestamp, _KINDS.get(name, name), detail, event.originator_version)
        )

    def _on_Created(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        terms = event.terms
        return {
            "lot_no": event.lot_no, "quantity": event.goods.quantity.tonnes,
            "starts_at": event.starts_at, "ends_at": event.ends_at,
            "starting_price": terms.starting_price.per_tonne,
            "increment": terms.increment.per_tonne,
            "reserve_price": terms.reserve_price.per_tonne if terms.reserve_price else None,
            "min_bidders": terms.min_bidders, "soft_close_seconds": terms.soft_close_seconds,
        }  # fmt: skip

    def _on_BidPlaced(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        bid: Bid = event.bid
        terms = self.lot.terms
        minimum = (
            self.bids[-1].price.per_tonne + terms.increment.per_tonne
            if self.bids
            else (terms.starting_price.per_tonne)
        )
        checks = {
            "on_grid": terms.on_grid(bid.price),
            "beats_highest": bid.price.per_tonne >= minimum,
            "in_window": end is not None and self.lot.starts_at <= bid.placed_at < end,
            "in_order": bid.sequence == len(self.bids) + 1,
        }
        for rule, held in checks.items():
            if not held:
                self.problems.append(f"bid {bid.sequence}: {rule} does not hold")
        self.bids.append(bid)
        self.bidders.add(bid.bidder_id)
        return {
            "sequence": bid.sequence, "bidder_id": bid.bidder_id, "price": bid.price.per_tonne,
            "placed_at": bid.placed_at, "minimum_then": minimum, "end_then": end, **checks,
        }  # fmt: skip

    def _on_EndExtended(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        extension = event.extension
        cause = self.bids[-1] if self.bids else None
        expected = None
        if cause is not None:
            reach = cause.placed_at + self.lot.terms.soft_close
            expected = min(reach, end_of_business_day(cause.placed_at))
        if cause is None or cause.sequence != extension.bid_sequence:
            self.problems.append(f"extension to {extension.new_end}: not caused by the last bid")
        elif expected != extension.new_end or extension.old_end != end:
            self.problems.append(f"extension by bid {cause.sequence}: new end is not {expected}")
        return {
            "bid_sequence": extension.bid_sequence, "old_end": extension.old_end,
            "new_end": extension.new_end, "capped": extension.capped,
            "capped_at": end_of_business_day(cause.placed_at) if cause else None,
        }  # fmt: skip

    def _on_Awarded(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        return self._closed(event.outcome, end)

    def _on_Unsold(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        return self._closed(event.outcome, end)

    def _closed(self, outcome: LotOutcome, end: datetime | None) -> dict[str, Any]:
        terms = self.lot.terms
        highest = self.bids[-1] if self.bids else None
        reasons = self._reasons(highest)
        if tuple(reasons) != tuple(outcome.unsold_reasons):
            self.problems.append(f"close: unsold reasons {reasons} were recorded otherwise")
        if outcome.sold and (highest is None or outcome.highest != highest):
            self.problems.append("close: the winner is not the highest bid")
        if end is not None and outcome.closed_at < end:
            self.problems.append("close: recorded before the end")
        return {
            "sold": outcome.sold, "winner_id": outcome.winner_id,
            "winning_price": highest.price.per_tonne if outcome.sold and highest else None,
            "winning_bid": highest.sequence if outcome.sold and highest else None,
            "bidder_count": len(self.bidders), "bid_count": len(self.bids),
            "min_bidders": terms.min_bidders,
            "reserve_price": terms.reserve_price.per_tonne if terms.reserve_price else None,
            "unsold_reasons": reasons, "amount": outcome.amount.amount if outcome.amount else None,
            "payment_due_on": outcome.payment_due_on,
        }  # fmt: skip

    def _reasons(self, highest: Bid | None) -> list[str]:
        terms = self.lot.terms
        if highest is None:
            return [NO_BIDS]
        reasons = []
        if len(self.bidders) < terms.min_bidders:
            reasons.append(TOO_FEW_BIDDERS)
        if terms.reserve_price is not None and highest.price < terms.reserve_price:
            reasons.append(BELOW_RESERVE)
        return reasons

    def _on_ContractLinked(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        return {"contract_id": event.contract_id}

    def _on_AwardForfeited(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        return {"breach_notice": event.breach_notice, "winner_id": event.winner_id}

    def _on_Cancelled(self, event: Any, end: datetime | None) -> dict[str, Any]:  # noqa: N802
        return {"reason": event.reason, "bidders": list(event.bidders)}


_KINDS = {
    "Created": "created", "BidPlaced": "bid", "EndExtended": "extension",
    "Awarded": "awarded", "Unsold": "unsold", "ContractLinked": "contract",
    "AwardPaid": "paid", "AwardForfeited": "forfeited", "Cancelled": "cancelled",
}  # fmt: skip


def replay_lot(
    lot_events: Iterable[Any], deposit_events: Iterable[tuple[UUID, Any]], bucket: str
) -> LotReplay:
    """``lot_events``: the lot's events in order; ``deposit_events``: (company, funds event) of
    its bidders (any; those not moving ``bucket``, the session's locked deposit, are skipped)."""
    checker = _Checker()
    for event in lot_events:
        checker.apply(event)
    if checker.lot is None:
        raise ValueError("a lot has at least its Created event")
    steps = checker.steps + _deposit_steps(deposit_events, bucket)
    ordered = sorted(steps, key=lambda s: (s.at, s.version is None, s.version or 0))
    return LotReplay(checker.lot, tuple(ordered), _why(checker), tuple(checker.problems))


def _deposit_steps(events: Iterable[tuple[UUID, Any]], bucket: str) -> list[ReplayStep]:
    steps = []
    for company_id, event in events:
        movement = DEPOSIT_EVENTS.get(type(event).__name__)
        entry = getattr(event, "entry", None)
        if movement is None or entry is None:
            continue
        delta: Decimal = entry.delta(bucket)
        if not delta:
            continue
        detail = {
            "company_id": company_id,
            "amount": abs(delta), "entry_id": entry.entry_id,
            "breach_notice": getattr(event, "breach_notice", None),
        }  # fmt: skip
        steps.append(ReplayStep(event.timestamp, f"deposit_{movement}", detail))
    return steps


def _why(checker: _Checker) -> str:
    outcome = checker.lot.outcome
    if checker.lot.cancel_reason is not None:
        return f"Cancelled: {checker.lot.cancel_reason}"
    if outcome is None:
        return "Not closed yet."
    if not outcome.sold:
        return "Unsold (流拍): " + ", ".join(outcome.unsold_reasons)
    highest = outcome.highest
    reserve = outcome.reserve_price
    return (
        f"Bid {highest.sequence if highest else '?'} at "
        f"{highest.price if highest else '?'} was the highest of {outcome.bid_count} bids by "
        f"{outcome.bidder_count} bidders (at least {outcome.min_bidders} needed)"
        + (f", at or above the reserve {reserve}" if reserve is not None else ", no reserve")
        + "; ties go to the earlier bid, and every accepted bid beat the one before it."
    )
