"""Every read model the system keeps, in one list for the runner."""

from __future__ import annotations

from projections.accounts.directory import AccountDirectoryProjection
from projections.auctions import AuctionsProjection
from projections.balances.projection import BalancesProjection
from projections.base import Projection
from projections.catalog.tree import CategoryTreeProjection
from projections.funds_tracking.projection import FundsTrackingProjection
from projections.intents import IntentTrackingProjection
from projections.listings.projection import ListingSearchProjection
from projections.rebates import RebatesProjection
from projections.reports.projection import ReportsProjection
from projections.tracking.projection import TrackingProjection


def all_projections() -> list[Projection]:
    return [
        AccountDirectoryProjection(),
        AuctionsProjection(),
        BalancesProjection(),
        CategoryTreeProjection(),
        FundsTrackingProjection(),
        ListingSearchProjection(),
        TrackingProjection(),
        IntentTrackingProjection(),
        RebatesProjection(),
        ReportsProjection(),
    ]
