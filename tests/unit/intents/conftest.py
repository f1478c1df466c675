"""A command context with a frozen clock (26 November 2026, Shanghai) for every intent test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from domain.context import SHANGHAI, CommandContext, FrozenClock, acting


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    frozen = FrozenClock(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))
    with acting(CommandContext(request_id="unit", clock=frozen)):
        yield frozen
