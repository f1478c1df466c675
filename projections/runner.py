"""Runs projections over the ledger's notification log: catch-up in batches, then follow.

Each batch is one view transaction: take the projection's lock, read its tracking position, apply
up to ``batch_size`` events after it, and write the new position in the same transaction. So a
batch is applied exactly once even with several runners (in threads or processes) at once; a crash
loses at most the batch in flight, which the next run redoes; and rebuild speed comes from
committing hundreds of events at a time.

A failing event stops its projection, never skipped: its batch rolls back, the events before it
are committed, and the error (notification id, topic, exception) is logged, kept in ``status()``
and stored in the tracking row. ``catch_up()`` then raises ProjectionError; a later call retries
from the stored position (the follower thread retries with a growing delay).

Following (``start()``/``run_forever()``) wakes on PostgreSQL's NOTIFY from the event store, with
a poll every ``poll_interval`` seconds in case one is missed; on SQLite it polls.

Readers wait for positions with ``wait()`` (blocking) or ``until()`` (asyncio, holding no thread;
see ``projections.waiting``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import Application

from projections.base import (
    Projection,
    all_tracking,
    create_tracking_table,
    read_tracking,
    save_error,
    save_position,
)
from projections.database import Transaction, ViewDatabase
from projections.feed import EventError, EventFeed, apply, needs_rerun
from projections.follower import Follower
from projections.rebuild import Rebuild, Rebuilt
from projections.waiting import Waited, Waiters

logger = logging.getLogger("steelyard.projections")

OnBatch = Callable[[str, int, int], None]  # (projection name, position reached, target head)


class _OutdatedError(Exception):
    """The stored rows are of an older version of the projection: rebuild, do not apply."""


class ProjectionError(Exception):
    """One or more projections stopped at an event they could not process."""

    def __init__(self, failures: dict[str, EventError]) -> None:
        self.failures = failures
        super().__init__("; ".join(str(error) for error in failures.values()))


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    version: int
    position: int  # the last notification id applied (0: none yet)
    head: int  # the newest notification id in the store
    lag: int  # head - position: events behind (ids may have gaps, so at most this many)
    last_error: str | None
    updated_at: Any

    @property
    def stopped(self) -> bool:
        """Stopped at an event it cannot process (or failing): it is not following."""
        return self.last_error is not None


class ProjectionRunner(Follower):
    def __init__(
        self,
        ledger: Application[Any],
        db: ViewDatabase,
        projections: Sequence[Projection],
        batch_size: int = 500,
        poll_interval: float | None = None,
        buffered: bool = True,
    ) -> None:
        self._check_unique(projections)
        self.db = db
        self.projections = {p.name: p for p in projections}
        self.buffered = buffered  # False: every write sent at its execute (the slow, old way)
        self._ledger = ledger
        self._feed = EventFeed(ledger, batch_size)
        self._positions: dict[str, int] = {}
        self._errors: dict[str, str] = {}
        self._stopped: dict[str, str] = {}  # stopped at an event (ProjectionError), until it passes
        self._retry_at: dict[str, float] = {}
        self._retry_delay: dict[str, float] = {}
        self._lock = threading.RLock()  # one catch-up at a time per runner
        self._progress = threading.Condition()
        channel = getattr(ledger.recorder, "channel_name", None)
        listen = channel if db.dialect == "postgres" else None
        default_poll = 1.0 if listen else 0.05
        super().__init__(listen, default_poll if poll_interval is None else poll_interval)
        # With the queries on a standby (projections/replica.py), where this runner got to
        # says nothing of what a query sees there: the waiters read the standby's positions.
        elsewhere = bool(getattr(db, "reads_elsewhere", False))
        self._waiters = Waiters(
            db,
            self._feed.head,
            (lambda: False) if elsewhere else (lambda: self.running),
            {} if elsewhere else self._positions,
            self._stopped,
        )
        self.setup()

    @staticmethod
    def _check_unique(projections: Sequence[Projection]) -> None:
        names = [p.name for p in projections]
        tables = [t for p in projections for t in p.tables]
        if len(set(names)) != len(names) or len(set(tables)) != len(tables):
            raise ValueError("projection names and tables must be unique")

    def setup(self) -> None:
        """Create the tracking table and every projection's tables (idempotent)."""
        with self.db.transaction() as tx:
            tx.lock("projections:setup")
            create_tracking_table(tx)
            for projection in self.projections.values():
                projection.create_tables(tx)

    def catch_up(self, names: Iterable[str] | None = None, on_batch: OnBatch | None = None) -> int:
        """Apply every event up to the current head; returns how many events were applied.

        Raises ProjectionError (after the others have caught up) if a projection stopped.
        """
        with self._lock:
            self._feed.clear()
            target = self._feed.head()
            pending = self._select(names)
            failures: dict[str, EventError] = {}
            applied = 0
            while pending and not self._interrupted():
                for projection in list(pending):
                    try:
                        count = self._advance(projection)
                    except _OutdatedError:
                        count = self._rebuild_outdated(projection, on_batch, failures)
                        if projection.name in failures:
                            pending.remove(projection)
                            continue
                    except EventError as error:
                        failures[projection.name] = self._fail(projection, error)
                        pending.remove(projection)
                        continue
                    applied += count
                    position = self._positions[projection.name]
                    if on_batch is not None and count:
                        on_batch(projection.name, position, target)
                    if count == 0 or position >= target:
                        pending.remove(projection)
            if failures:
                raise ProjectionError(failures)
            return applied

    def rebuild(self, name: str | None = None, on_batch: OnBatch | None = None) -> int:
        """Rebuild the projection(s) from the first event into new tables, then switch to them
        (see ``rebuild_compared``); returns how many events the new tables applied."""
        return sum(r.applied for r in self.rebuild_compared(name, on_batch))

    def rebuild_compared(
        self, name: str | None = None, on_batch: OnBatch | None = None
    ) -> list[Rebuilt]:
        """Rebuild each projection (all, or ``name``) into new tables while queries keep reading
        the current ones (and the live projection keeps them following), then switch over in one
        transaction. Each Rebuilt carries the digest of the tables replaced and of the new ones.
        Raises ProjectionError if an event stops a rebuild (the current tables stay)."""
        done: list[Rebuilt] = []
        for projection in self._select(None if name is None else [name]):
            rebuilt = self._rebuild_one(projection, on_batch)
            if rebuilt is not None:
                done.append(rebuilt)
        return done

    def _rebuild_one(
        self, projection: Projection, on_batch: OnBatch | None, only_if_outdated: bool = False
    ) -> Rebuilt | None:
        feed = EventFeed(self._ledger, self._feed.batch_size)
        try:
            rebuilt = Rebuild(self.db, feed, projection, self.buffered).run(
                on_batch, only_if_outdated
            )
        except EventError as error:
            logger.error("rebuild stopped: %s", error, exc_info=error.cause)
            raise ProjectionError({projection.name: error}) from error
        if rebuilt is not None:
            self._errors.pop(projection.name, None)
            self._stopped.pop(projection.name, None)
            self._retry_at.pop(projection.name, None)
            self._reached(projection.name, rebuilt.position)
            logger.info(
                "%s rebuilt to position %s (digest %s, was %s at %s)", rebuilt.name,
                rebuilt.position, rebuilt.after[:12], rebuilt.before[:12], rebuilt.before_position,
            )  # fmt: skip
        return rebuilt

    def _rebuild_outdated(
        self, projection: Projection, on_batch: OnBatch | None, failures: dict[str, EventError]
    ) -> int:
        """A new version: rebuild into new tables (the old ones answer queries meanwhile)."""
        logger.warning("%s: a new version (%s), rebuilding", projection.name, projection.version)
        try:
            rebuilt = self._rebuild_one(projection, on_batch, only_if_outdated=True)
        except ProjectionError as error:
            failure = error.failures[projection.name]
            failures[projection.name] = failure
            self._errors[projection.name] = self._stopped[projection.name] = str(failure)
            with self.db.transaction() as tx:
                save_error(tx, projection.name, projection.version - 1, str(failure))
            self._waiters.wake()
            return 0
        if rebuilt is None:  # another process has rebuilt it, or is rebuilding it
            return 0
        return rebuilt.applied

    def status(self) -> dict[str, ProjectionStatus]:
        head = self._feed.head()
        stored = all_tracking(self.db)
        result = {}
        for name, projection in self.projections.items():
            row = stored.get(name)
            position = row.position if row else 0
            error = (row.last_error if row else None) or self._errors.get(name)
            result[name] = ProjectionStatus(
                name=name,
                version=projection.version,
                position=position,
                head=head,
                lag=max(0, head - position),
                last_error=error,
                updated_at=row.updated_at if row else None,
            )
        return result

    def wait(self, position: int, timeout: float = 5.0, names: Iterable[str] | None = None) -> bool:
        """Block until the projections (all, or ``names``) have applied ``position``.

        Returns True once reached, False if ``timeout`` seconds pass first (the caller decides
        whether stale is acceptable). Works whether the runner follows in this process or another.
        """
        wanted = [p.name for p in self._select(names)]
        deadline = time.monotonic() + timeout
        while not self._has_reached(position, wanted):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._progress:
                self._progress.wait(min(remaining, 0.05))
        return True

    async def until(
        self, position: int, timeout: float, names: Iterable[str] | None = None
    ) -> Waited:
        """Wait without holding a thread until the projections (all, or ``names``) have applied
        ``position``, at most ``timeout`` seconds. Answers at once when one of them has stopped
        short of it, or when ``position`` is beyond the store's head (nothing will reach it)."""
        wanted = tuple(p.name for p in self._select(names))
        return await self._waiters.until(position, timeout, wanted)

    def position(self, name: str) -> int:
        return self._positions.get(name, 0)

    # -- the work of one batch --------------------------------------------------------------

    def _advance(
        self, projection: Projection, before: int | None = None, buffered: bool | None = None
    ) -> int:
        """One batch into the projection's tables. A buffered batch that fails is run again
        with every write sent at once, so the error names the event that caused it."""
        buffered = self.buffered if buffered is None else buffered
        try:
            with self.db.transaction(buffered=buffered) as tx:
                tx.lock(f"projection:{projection.name}")
                position = self._stored_position(tx, projection)
                items = self._feed.after(position)
                if before is not None:
                    items = [item for item in items if item.id < before]
                apply(projection, items, tx)
                if items:
                    position = items[-1].id
                    save_position(tx, projection.name, projection.version, position)
        except _OutdatedError:
            raise
        except EventError as error:
            if buffered and needs_rerun(error):
                return self._advance(projection, before, buffered=False)
            raise
        except Exception as exc:
            if buffered and needs_rerun(exc):
                return self._advance(projection, before, buffered=False)
            self._errors[projection.name] = f"{type(exc).__name__}: {exc}"
            raise
        self._errors.pop(projection.name, None)
        self._stopped.pop(projection.name, None)
        self._reached(projection.name, position)
        return len(items)

    def _stored_position(self, tx: Transaction, projection: Projection) -> int:
        row = read_tracking(tx, projection.name)
        if row is None:
            return 0
        if row.version > projection.version:
            raise RuntimeError(
                f"{projection.name}: the store holds version {row.version}, "
                f"this code is version {projection.version}"
            )
        if row.version < projection.version:
            raise _OutdatedError(projection.name)
        return row.position

    def _fail(self, projection: Projection, error: EventError) -> EventError:
        """Commit the events before the failing one, then make the failure visible."""
        try:
            self._advance(projection, before=error.notification_id)
        except EventError as earlier:
            error = earlier
        self._errors[projection.name] = str(error)
        self._stopped[projection.name] = str(error)
        with self.db.transaction() as tx:
            save_error(tx, projection.name, projection.version, str(error))
        logger.error("projection stopped: %s", error, exc_info=error.cause)
        self._waiters.wake()
        return error

    def _reached(self, name: str, position: int) -> None:
        with self._progress:
            self._positions[name] = position
            self._progress.notify_all()
        self._waiters.wake()

    def _has_reached(self, position: int, names: list[str]) -> bool:
        if position <= 0 or all(self._positions.get(n, 0) >= position for n in names):
            return True
        stored = all_tracking(self.db)  # another process may be the one following
        return all(n in stored and stored[n].position >= position for n in names)

    def _select(self, names: Iterable[str] | None) -> list[Projection]:
        if names is None:
            return list(self.projections.values())
        names = list(names)
        unknown = set(names) - set(self.projections)
        if unknown:
            raise KeyError(f"no such projection: {', '.join(sorted(unknown))}")
        return [self.projections[name] for name in names]

    # -- the follower's tick --------------------------------------------------------------

    def _tick(self) -> None:
        """Catch up the projections that are behind, except those waiting to retry a failure."""
        now = time.monotonic()
        head = self._feed.head()
        due = [
            name
            for name in self.projections
            if self._positions.get(name, -1) < head and self._retry_at.get(name, 0.0) <= now
        ]
        if not due:
            return
        failed: set[str] = set()
        try:
            self.catch_up(due)
        except ProjectionError as error:
            failed = set(error.failures)
        for name in due:
            if name in failed:
                delay = min(self._retry_delay.get(name, 0.5) * 2, 60.0)
                self._retry_delay[name] = delay
                self._retry_at[name] = now + delay
            else:
                self._retry_delay.pop(name, None)
                self._retry_at.pop(name, None)
