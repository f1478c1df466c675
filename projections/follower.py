"""The background half of the projection runner: a thread that keeps following the store.

On PostgreSQL it LISTENs on the event store's channel (the library NOTIFYs it with every insert)
and catches up when woken, and at least every ``poll_interval`` seconds in case a notification was
missed. Elsewhere it polls every ``poll_interval`` seconds. Any error is logged and the thread
retries with a growing delay (up to 30 s); it never dies quietly. ``run_forever`` runs it as a
process of its own until SIGTERM or SIGINT.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from abc import ABC, abstractmethod
from types import FrameType

from projections.database import ViewDatabase

logger = logging.getLogger("steelyard.projections")

WAKE_CHECK = 0.2  # seconds between checks of the stop flag while listening


class Follower(ABC):
    db: ViewDatabase

    def __init__(self, channel: str | None, poll_interval: float) -> None:
        self.channel = channel
        self.poll_interval = poll_interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._backoff = 0.5

    @abstractmethod
    def _tick(self) -> None:
        """Catch up whatever is behind."""

    def _interrupted(self) -> bool:
        """In the follower thread once ``stop()`` was called: end a catch-up between batches."""
        return self._stopping.is_set() and threading.current_thread() is self._thread

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Follow the store in a background thread (resuming from the stored positions)."""
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._follow, name="projections", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop following; waits for the batch in flight to commit."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("projection thread did not stop within %.0fs", timeout)
            self._thread = None

    def run_forever(self) -> None:
        """Follow until SIGTERM/SIGINT (or ``stop()`` from another thread), then stop cleanly."""
        done = threading.Event()

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            logger.info("projections: %s received, stopping", signal.Signals(signum).name)
            done.set()

        previous = {}
        if threading.current_thread() is threading.main_thread():
            previous = {
                sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
            }
        try:
            self.start()
            while not done.wait(0.5) and not self._stopping.is_set():
                pass
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _follow(self) -> None:
        while not self._stopping.is_set():
            try:
                if self.channel is not None:
                    self._follow_notifications(self.channel)
                else:
                    self._follow_polling()
            except Exception:
                logger.exception("projections: following failed; retrying in %.1fs", self._backoff)
                self._stopping.wait(self._backoff)
                self._backoff = min(self._backoff * 2, 30.0)

    def _follow_polling(self) -> None:
        self._tick_ok()
        while not self._stopping.wait(self.poll_interval):
            self._tick_ok()

    def _follow_notifications(self, channel: str) -> None:
        with self.db.listen(channel) as notified:
            self._tick_ok()  # whatever was written before we listened
            last = time.monotonic()
            while not self._stopping.is_set():
                woken = notified(min(WAKE_CHECK, self.poll_interval))
                if woken or time.monotonic() - last >= self.poll_interval:
                    self._tick_ok()
                    last = time.monotonic()

    def _tick_ok(self) -> None:
        self._tick()
        self._backoff = 0.5
