"""Reading the feed: a page of the store after a position, and waiting for the next event.

Positions are the store's notification ids: every insert takes the events table's lock, so
commit order is id order and a reader that resumes after the last position it saw misses
nothing (ids may have gaps: a failed insert burns sequence values). Each stored event is decoded
by the application's mapper, so old topics resolve to today's classes and old versions are upcast.

``HeadWatch`` serves long-polls: every waiter of this process shares one reading of the store's
head, taken in a worker thread at most every ``INTERVAL`` seconds while anyone waits, so a
waiting request holds no thread, and an event stored by any process (or thread) ends the wait
within ``INTERVAL``. It works on PostgreSQL and on SQLite alike.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from domain.ledger import Ledger
from interfaces.feed_schema.document import public_event

INTERVAL = 0.05  # seconds between readings of the head while a long-poll waits


@dataclass(frozen=True)
class Page:
    events: list[dict[str, Any]]
    next_after: int  # resume with after=next_after
    head: int  # the store's newest position as this page saw it


def read_page(ledger: Ledger, after: int, limit: int) -> Page:
    """Up to ``limit`` events with positions above ``after``, in store order."""
    head = ledger.head()
    if after >= head:
        return Page([], after, head)
    found = ledger.recorder.select_notifications(start=after + 1, limit=limit)
    events = [public_event(n.id, ledger.mapper.to_domain_event(n)) for n in found]
    last = found[-1].id if found else after
    return Page(events, last, max(head, last))


class HeadWatch:
    """Waits, without holding a thread, until the store's head passes a position."""

    def __init__(self, head: Callable[[], int], interval: float = INTERVAL) -> None:
        self._head = head
        self._interval = interval
        self._known = 0
        self._read_at = float("-inf")
        self._reading: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[int]] = (
            weakref.WeakKeyDictionary()
        )

    async def wait_past(self, position: int, timeout: float) -> int:
        """The head, once it is above ``position`` or ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        while True:
            head = await self.head()
            remaining = deadline - time.monotonic()
            if head > position or remaining <= 0:
                return head
            await asyncio.sleep(min(self._interval, remaining))

    async def head(self) -> int:
        """The head as read at most ``interval`` ago; one reading for all waiters of a loop."""
        if time.monotonic() - self._read_at < self._interval:
            return self._known
        loop = asyncio.get_running_loop()
        reading = self._reading.get(loop)
        if reading is None or reading.done():
            reading = self._reading[loop] = loop.create_task(self._read())
        return await asyncio.shield(reading)

    async def _read(self) -> int:
        head = await asyncio.to_thread(self._head)
        self._known, self._read_at = head, time.monotonic()
        return head
