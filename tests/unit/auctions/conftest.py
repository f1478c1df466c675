"""A command context with a frozen clock for every auction test: time moves when told."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.context import CommandContext, FrozenClock, acting
from tests.unit.auctions.support import START


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(START)
    with acting(CommandContext(request_id="unit", clock=frozen)):
        yield frozen
