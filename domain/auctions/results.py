"""What auction commands answer: plain, JSON-able values (str, Decimal, UUID, datetime, bool,
None, dicts and lists of those), so an Idempotency-Key replay returns exactly the first answer.
"""

from __future__ import annotations

from typing import Any

from domain import context
from domain.auctions.lot import AuctionLot
from domain.auctions.session import AuctionSession
from domain.auctions.values import STATE_LABELS, BidReceipt, LotOutcome
from domain.values import Money

Result = dict[str, Any]


def session_result(session: AuctionSession) -> Result:
    return {
        "session_id": session.id,
        "name": session.name,
        "deposit": session.deposit.amount,
        "lot_ids": list(session.lot_ids),
        "cancelled": session.is_cancelled,
    }


def lot_result(lot: AuctionLot) -> Result:
    """The lot as its public board shows it now (no bidder is named)."""
    board = lot.board(context.current().now())
    return {
        "lot_id": lot.id,
        "session_id": lot.session_id,
        "lot_no": lot.lot_no,
        "listing_id": lot.goods.listing_id,
        "quantity": lot.goods.quantity.tonnes,
        "starts_at": lot.starts_at,
        "ends_at": lot.ends_at,
        "state": board.state.value,
        "state_label": board.label,
        "highest_price": board.highest_price.per_tonne if board.highest_price else None,
        "bid_count": board.bid_count,
        "bidder_count": board.bidder_count,
    }


def bid_result(lot: AuctionLot, receipt: BidReceipt, locked: Money | None) -> Result:
    extension = receipt.extension
    return {
        "lot_id": lot.id,
        "session_id": lot.session_id,
        "sequence": receipt.bid.sequence,
        "price": receipt.bid.price.per_tonne,
        "placed_at": receipt.bid.placed_at,
        "leading": True,  # an accepted bid is the highest
        "ends_at": lot.ends_at,
        "extended": extension is not None,
        "extension_capped": bool(extension and extension.capped),
        "deposit_locked": locked.amount if locked else None,
    }


def close_result(
    lot: AuctionLot, outcome: LotOutcome | None, released: tuple[Any, ...] = ()
) -> Result:
    """``closed`` is False when the lot was closed (or cancelled) before: nothing changed."""
    state = lot.decided
    return {
        "lot_id": lot.id,
        "closed": outcome is not None,
        "state": state.value if state else None,
        "state_label": STATE_LABELS[state] if state else None,
        "sold": bool(lot.outcome and lot.outcome.sold),
        "unsold_reasons": list(lot.outcome.unsold_reasons) if lot.outcome else [],
        "winning_price": _winning_price(lot),
        "winner_id": lot.winner_id,
        "contract_id": lot.contract_id,
        "payment_due_on": lot.outcome.payment_due_on if lot.outcome else None,
        "released": list(released),
    }


def _winning_price(lot: AuctionLot) -> Any:
    outcome = lot.outcome
    if outcome is None or not outcome.sold or outcome.highest is None:
        return None
    return outcome.highest.price.per_tonne
