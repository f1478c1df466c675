"""Every read model the system keeps, in one list for the runner."""

from __future__ import annotations

from projections.accounts import AccountDirectoryProjection
from projections.auctions import AuctionsProjection
from projections.balances import BalancesProjection
from projections.base import Projection
from projections.funds_tracking import FundsTrackingProjection
from projections.intents import IntentTrackingProjection
from projections.listings import ListingSearchProjection
from projections.tracking import TrackingProjection


def all_projections() -> list[Projection]:
    return [
        AccountDirectoryProjection(),
        AuctionsProjection(),
        BalancesProjection(),
        FundsTrackingProjection(),
        ListingSearchProjection(),
        TrackingProjection(),
        IntentTrackingProjection(),
    ]
