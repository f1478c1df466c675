"""Rebuilding one projection into new tables while queries keep reading the old ones.

1. ``prepare``: empty new tables (``projections.shadow``) and a tracking row for them at 0.
2. batches: each one transaction holding the rebuild's lock (not the projection's: the live
   projection keeps following meanwhile), like the runner's own batches.
3. ``switch``: one transaction holding the projection's lock: the last events into the new
   tables, the digest of the old tables (at their position) and of the new ones, the swap, and
   the projection's tracking row moved to the new tables' position and version.

Several processes may rebuild the same projection at once: a batch reads its position inside
its transaction, so they share the work; a later ``prepare`` starts the new tables over for
all of them; the first switch wins and the others find nothing left to switch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from projections import shadow
from projections.base import (
    Projection,
    forget_position,
    move_position,
    read_tracking,
    save_position,
)
from projections.database import Transaction, ViewDatabase
from projections.feed import EventFeed, apply, needs_rerun

OnBatch = Callable[[str, int, int], None]  # (projection name, position reached, target head)


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild replaced and what it put in its place (digests: ``Projection.digest``)."""

    name: str
    applied: int  # events read into the new tables
    before_position: int  # where the replaced tables stood
    before: str
    position: int  # where the new tables stand
    after: str
    before_version: int | None
    version: int

    @property
    def same(self) -> bool:
        """The new tables hold exactly the rows the old ones held (whose position, when it was
        behind, says how many events they had not applied yet)."""
        return self.before == self.after


class SupersededError(Exception):
    """Another rebuild of the same projection started over or switched meanwhile."""


class Rebuild:
    def __init__(
        self, db: ViewDatabase, feed: EventFeed, projection: Projection, buffered: bool = True
    ) -> None:
        self.db = db
        self.feed = feed
        self.projection = projection
        self.buffered = buffered
        self.renames = shadow.renames(projection)
        self.tracking = shadow.tracking_name(projection)
        self._lock = f"projection:{projection.name}:rebuild"

    def run(
        self, on_batch: OnBatch | None = None, only_if_outdated: bool = False
    ) -> Rebuilt | None:
        """Rebuild and switch; None when there was nothing to do (``only_if_outdated`` and the
        stored version is current) or another process switched first. Raises EventError."""
        if not self.prepare(only_if_outdated):
            return None
        applied = 0
        try:
            while True:
                count, position = self.batch()
                if count == 0:
                    break
                applied += count
                if on_batch is not None:
                    on_batch(self.projection.name, position, self.feed.head())
            return self.switch(applied)
        except SupersededError:
            return None

    def prepare(self, only_if_outdated: bool = False) -> bool:
        with self.db.transaction() as tx:
            tx.lock(self._lock)
            if only_if_outdated:
                live = read_tracking(tx, self.projection.name)
                if live is not None and live.version >= self.projection.version:
                    return False
                if read_tracking(tx, self.tracking) is not None:
                    return True  # already under way (another process, or before a restart)
            shadow.create(tx, self.projection)
            move_position(tx, self.tracking, self.projection.version, 0)
        return True

    def batch(self) -> tuple[int, int]:
        """Apply the next batch to the new tables: (events applied, position reached)."""
        try:
            return self._batch(self.buffered)
        except SupersededError:
            raise
        except Exception as error:
            if not (self.buffered and needs_rerun(error)):
                raise
        return self._batch(False)  # the same batch again, each write sent at once: names the event

    def _batch(self, buffered: bool) -> tuple[int, int]:
        with self.db.transaction(buffered=buffered) as tx:
            tx.lock(self._lock)
            position = self._position(tx)
            items = self.feed.after(position)
            if not items:
                return 0, position
            apply(self.projection, items, tx.renamed(self.renames))
            save_position(tx, self.tracking, self.projection.version, items[-1].id)
            return len(items), items[-1].id

    def _position(self, tx: Transaction) -> int:
        row = read_tracking(tx, self.tracking)
        if row is None:
            raise SupersededError(self.projection.name)
        return row.position

    def switch(self, applied: int) -> Rebuilt:
        projection = self.projection
        with self.db.transaction(buffered=self.buffered) as tx:
            tx.lock(f"projection:{projection.name}")  # the live batches' lock, then ours
            tx.lock(self._lock)
            position = self._position(tx)
            self.feed.clear()  # a batch kept from the head may lack what came since
            new = tx.renamed(self.renames)
            while items := self.feed.after(position):  # the last ones, under the lock
                apply(projection, items, new)
                position, applied = items[-1].id, applied + len(items)
            live = read_tracking(tx, projection.name)
            before = projection.digest(tx)
            shadow.switch(tx, projection)
            after = projection.digest(tx)
            move_position(tx, projection.name, projection.version, position)
            forget_position(tx, self.tracking)
        return Rebuilt(
            name=projection.name,
            applied=applied,
            before_position=live.position if live else 0,
            before=before,
            position=position,
            after=after,
            before_version=live.version if live else None,
            version=projection.version,
        )
