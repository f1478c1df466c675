"""Readers that wait for the projections without holding a thread (``ProjectionRunner.until``).

A query with ``wait_for`` awaits on the event loop: the runner's thread wakes every loop with
waiters after each batch (``wake()``, through ``call_soon_threadsafe``), so a waiting request
costs no worker thread and many of them cannot starve the others. When no runner follows in this
process (another process does), the tracking table is read instead, in a worker thread and at
most every ``REFRESH`` seconds for all waiters together.

A wait ends at once when a projection it needs has stopped short of the position (it will not
get there by itself), and when the position is beyond the store's head (nothing will reach it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from projections.base import all_tracking
from projections.database import ViewDatabase

logger = logging.getLogger("steelyard.projections")

REFRESH = 0.1  # seconds: how stale the tracking table may be when no runner follows here


@dataclass(frozen=True)
class Waited:
    """What a wait found: ``behind`` and ``stopped`` name the projections short of the position
    (``stopped``: those that will not get there by themselves)."""

    position: int
    head: int | None  # the store's head, when it had to be read
    behind: tuple[str, ...] = ()
    stopped: tuple[str, ...] = ()

    @property
    def beyond_head(self) -> bool:
        return self.head is not None and self.position > self.head

    @property
    def reached(self) -> bool:
        return not (self.behind or self.stopped or self.beyond_head)


class Waiters:
    """Where the projections are, as waiting readers see it. ``positions`` and ``stopped`` are
    the runner's own (it updates them, then calls ``wake()``)."""

    def __init__(
        self,
        db: ViewDatabase,
        head: Callable[[], int],
        following: Callable[[], bool],
        positions: dict[str, int],
        stopped: dict[str, str],
    ) -> None:
        self._db = db
        self._head = head
        self._following = following
        self._positions = positions
        self._stopped = stopped
        self._stored: dict[str, Any] = {}  # the tracking table as last read
        self._stored_at = 0.0
        self._refreshing = False
        self._signals: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
            weakref.WeakKeyDictionary()
        )
        self._signals_lock = threading.Lock()

    async def until(self, position: int, timeout: float, names: tuple[str, ...]) -> Waited:
        found = self._look(position, names)
        if found.reached:
            return found
        head = await asyncio.to_thread(self._head)
        if position > head:
            return Waited(position, head)
        deadline = time.monotonic() + timeout
        while True:
            signal = self._signal()
            await self._refresh()
            found = self._look(position, names)
            remaining = deadline - time.monotonic()
            if found.reached or found.stopped or remaining <= 0:
                return found
            pause = remaining if self._following() else min(remaining, REFRESH)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), pause)

    def wake(self) -> None:
        """Tell every loop with waiters that something moved (from any thread)."""
        with self._signals_lock:
            loops = list(self._signals.keys())
        for loop in loops:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits there
                loop.call_soon_threadsafe(self._ring, loop)

    def _look(self, position: int, names: tuple[str, ...]) -> Waited:
        """From memory (this process's runner) and the tracking table as last read (another
        process's runner)."""
        behind: list[str] = []
        stopped: list[str] = []
        for name in names:
            row = self._stored.get(name)
            at = max(self._positions.get(name, 0), row.position if row else 0)
            if position <= 0 or at >= position:
                continue
            error = self._stopped.get(name) or (row.last_error if row else None)
            (stopped if error else behind).append(name)
        return Waited(position, None, tuple(behind), tuple(stopped))

    async def _refresh(self) -> None:
        """Read the tracking table in a worker thread, once for every waiter, when no runner
        follows in this process and the last reading is older than ``REFRESH``."""
        if self._following() or self._refreshing or time.monotonic() - self._stored_at < REFRESH:
            return
        self._refreshing = True
        try:
            self._stored = await asyncio.to_thread(all_tracking, self._db)
        except Exception:  # the wait goes on, and ends as "behind" if this keeps failing
            logger.warning("could not read the projections' positions", exc_info=True)
        finally:
            self._stored_at = time.monotonic()
            self._refreshing = False

    def _signal(self) -> asyncio.Event:
        """This loop's event for the next progress (called on the loop)."""
        loop = asyncio.get_running_loop()
        with self._signals_lock:
            signal = self._signals.get(loop)
            if signal is None:
                signal = self._signals[loop] = asyncio.Event()
            return signal

    def _ring(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._signals_lock:
            signal = self._signals.pop(loop, None)
        if signal is not None:
            signal.set()
