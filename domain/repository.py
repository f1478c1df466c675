"""The aggregate cache, safe for many threads reading at once.

The library's repository fast-forwards a cached aggregate *in place* (projecting the events
written since onto the very object in the cache) and deep-copies it for the caller after
releasing its lock. Once commands are decided in their callers' threads, one thread may copy an
aggregate while another is applying an event to it: the copy could carry the new version with
the old balance, and a decision on such a torn state could pass a check it should fail.

``CopyingRepository`` never changes an object once it is in the cache: a reader copies the
cached aggregate, applies the events written since to its own copy, and, when that copy is
newer, puts a copy of it in the cache (replacing, never mutating).

``from_events_only``: the caller knows the class is never snapshotted (a claim, an idempotency
record), so an id not in the cache is read with one query, without asking the snapshot table
first: a lookup that finds nothing (a new bank reference, a new key) costs one round trip.

``cached_copy``: a copy of the cached aggregate without asking the store, for a caller that
checks against the store afterwards whether it was current (``domain/commands.py``).
"""

from __future__ import annotations

import copy
import threading
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Repository, project_aggregate


class CopyingRepository(Repository[UUID]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keeping = threading.Lock()

    def get(  # type: ignore[override]
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        from_events_only: bool = False,
        **kwargs: Any,
    ) -> Any:
        if self.cache is None or version is not None or not self.fastforward:
            return super().get(aggregate_id, version=version, **kwargs)
        try:
            cached = self.cache.get(aggregate_id)
        except KeyError:
            made = self._made(aggregate_id, from_events_only)
            self.keep(made)
            return made
        aggregate: Any = copy.deepcopy(cached)
        before = aggregate.version
        new_events = self.event_store.get(originator_id=aggregate_id, gt=before)
        aggregate = project_aggregate(aggregate, new_events)
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        if aggregate.version > before:
            self.keep(aggregate)
        return aggregate

    def _made(self, aggregate_id: UUID, from_events_only: bool) -> Any:
        if not from_events_only:
            return self._reconstruct_aggregate(aggregate_id, None, project_aggregate)  # type: ignore[arg-type]
        made = project_aggregate(None, self.event_store.get(originator_id=aggregate_id))
        if made is None:
            raise AggregateNotFoundError(aggregate_id)
        return made

    def cached_copy(self, aggregate_id: UUID) -> Any | None:
        """A copy of the cached aggregate, as it was when last read or saved here; else None."""
        if self.cache is None:
            return None
        try:
            cached = self.cache.get(aggregate_id)
        except KeyError:
            return None
        return copy.deepcopy(cached)

    def keep(self, aggregate: Any, *, only_if_cached: bool = False) -> None:
        """Put a copy in the cache unless the cache holds this version or a newer one (or,
        ``only_if_cached``, unless it holds no version of it at all)."""
        if self.cache is None:
            return
        with self._keeping:
            try:
                current = self.cache.get(aggregate.id)
            except KeyError:
                current = None
            if current is None and only_if_cached:
                return
            if current is None or current.version < aggregate.version:
                self.cache.put(aggregate.id, copy.deepcopy(aggregate))
