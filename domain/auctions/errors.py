"""The refusals of an auction, each with the stable code the API returns.

They subclass the shared kinds (``ValidationError`` → 422, ``ConflictError`` → 409), which the
API maps to statuses in one place; the ``extra`` fields tell a client what would be accepted.
"""

from __future__ import annotations

from typing import Any

from domain.errors import ConflictError, ValidationError


class AuctionConflictError(ConflictError):
    code = "auction_conflict"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(type(self).code, detail, **extra)


class AuctionInvalidError(ValidationError):
    code = "auction_invalid"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(type(self).code, detail, **extra)


class BidOffIncrementError(AuctionInvalidError):
    """The price is not the starting price plus a whole number of increments."""

    code = "bid_off_increment"


class BidTooLowError(AuctionConflictError):
    """The price does not beat the current highest bid (or is below the starting price)."""

    code = "bid_too_low"


class AuctionNotOpenError(AuctionConflictError):
    """Bidding has not started yet."""

    code = "auction_not_open"


class AuctionClosedError(AuctionConflictError):
    """Bidding has ended (the end time has passed, or the lot is closed)."""

    code = "auction_closed"


class AuctionCancelledError(AuctionConflictError):
    code = "auction_cancelled"


class AuctionNotEndedError(AuctionConflictError):
    """A lot is closed only at or after its (possibly extended) end."""

    code = "auction_not_ended"


class PaymentNotOverdueError(AuctionConflictError):
    """The winner's deposit is forfeited only after its payment day has passed."""

    code = "payment_not_overdue"


class AwardSettledError(AuctionConflictError):
    """The award was already paid, or already forfeited: the other ending cannot follow."""

    code = "award_settled"


class DepositForfeitedError(AuctionConflictError):
    """This bidder forfeited its deposit in this session and may not bid in it again."""

    code = "deposit_forfeited"


class SessionCancelledError(AuctionConflictError):
    code = "session_cancelled"
