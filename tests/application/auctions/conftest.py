"""The auction application tests run the whole system (services, read models, scheduler) on the
configured store with the API's movable clock and cast (``tests/api/conftest.py``)."""

from __future__ import annotations

import pytest

from tests.api.auction_support import AuctionStage, auction_stage
from tests.api.conftest import Api, api, clock  # noqa: F401 (fixtures)


@pytest.fixture
def stage(api: Api) -> AuctionStage:  # noqa: F811
    return auction_stage(api, bidders=3)
