"""The auction read model: its projection (``projection``) and its queries (``view``)."""

from projections.auctions.projection import AuctionsProjection
from projections.auctions.view import AuctionsView

__all__ = ["AuctionsProjection", "AuctionsView"]
