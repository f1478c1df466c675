"""Timed auctions (竞拍 / 限时抢购): sessions (场次) holding lots, and the deposits they lock.

``AuctionSession`` holds the lots' deposit rule and every bidder's deposit; ``AuctionLot`` is one
lot's bidding, close and award. Funds, stock and contracts are the services' (one write each).
"""

from domain.auctions.lot import AuctionLot, end_of_business_day
from domain.auctions.session import AuctionSession, DepositHolding
from domain.auctions.values import (
    DEFAULT_DEPOSIT,
    STATE_LABELS,
    Bid,
    BidderView,
    BidReceipt,
    Extension,
    LotBoard,
    LotGoods,
    LotOutcome,
    LotState,
    LotTerms,
)

__all__ = [
    "DEFAULT_DEPOSIT",
    "STATE_LABELS",
    "AuctionLot",
    "AuctionSession",
    "Bid",
    "BidReceipt",
    "BidderView",
    "DepositHolding",
    "Extension",
    "LotBoard",
    "LotGoods",
    "LotOutcome",
    "LotState",
    "LotTerms",
    "end_of_business_day",
]
