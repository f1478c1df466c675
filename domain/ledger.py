"""The event-sourced application: the store every command writes to.

``Ledger`` is the eventsourcing Application that owns the event store: one ordered notification
log for every aggregate, so projections and the integration feed see one sequence, and a command
can save several aggregates in one atomic write. ``Claim`` makes a value unique store-wide and
``IdempotencyRecord`` remembers a processed request; both are saved in a command's own write.

The command path is ``domain/commands.py`` (``CommandRunner``), over a ``domain/unit_of_work.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
)
from eventsourcing.domain import event
from eventsourcing.utils import strtobool

from domain.base import Aggregate
from domain.repository import CopyingRepository
from domain.topics import register_moved_topics

T = TypeVar("T")
A = TypeVar("A", bound=Aggregate)

NAMESPACE = uuid5(NAMESPACE_URL, "https://steelyard.example/ids")


def stable_id(kind: str, key: str) -> UUID:
    """A deterministic aggregate id: two writers creating the same one collide in the store."""
    return uuid5(NAMESPACE, f"{kind}:{key}")


class Ledger(Application[UUID]):
    name = "steelyard"

    def __init__(
        self, env: Mapping[str, str] | None = None, snapshot_every: Mapping[type, int] | None = None
    ) -> None:
        """``snapshot_every``: aggregate classes whose state is snapshotted every N events, so
        a long history loads from its latest snapshot rather than from its first event."""
        register_moved_topics()  # stores written before a module moved still load
        self.snapshotting_intervals = dict(snapshot_every or {})  # type: ignore[misc]
        if snapshot_every:
            env = {**(env or {}), "IS_SNAPSHOTTING_ENABLED": "y"}
        super().__init__(env)

    def construct_repository(self) -> CopyingRepository:
        """The library's repository, except that a cached aggregate is never changed in place
        (domain/repository.py): commands are decided in many threads at once."""
        maxsize = self.env.get(self.AGGREGATE_CACHE_MAXSIZE)
        return CopyingRepository(
            event_store=self.events,
            snapshot_store=self.snapshots,
            cache_maxsize=int(maxsize) if maxsize else None,
            fastforward=strtobool(self.env.get(self.AGGREGATE_CACHE_FASTFORWARD, "y")),
            fastforward_skipping=strtobool(
                self.env.get(self.AGGREGATE_CACHE_FASTFORWARD_SKIPPING, "n")
            ),
            deepcopy_from_cache=strtobool(self.env.get(self.DEEPCOPY_FROM_AGGREGATE_CACHE, "y")),
        )

    def head(self) -> int:
        """The position of the newest event in the store (0 when empty)."""
        return self.recorder.max_notification_id() or 0

    def versions_of(self, aggregate_ids: Sequence[UUID]) -> dict[UUID, int]:
        """The stored version of each aggregate (absent: nothing stored), in one query where the
        recorder has one (``versions_of``, interfaces/persistence/recorders.py)."""
        one_query = getattr(self.recorder, "versions_of", None)
        if one_query is not None:
            found: dict[UUID, int] = one_query(aggregate_ids)
            return found
        versions = {}
        for aggregate_id in aggregate_ids:
            last = self.recorder.select_events(aggregate_id, desc=True, limit=1)
            if last:
                versions[aggregate_id] = last[0].originator_version
        return versions

    @property
    def repository(self) -> CopyingRepository:
        repository = super().repository
        if not isinstance(repository, CopyingRepository):  # construct_repository makes one
            raise TypeError(f"the Ledger's repository is a {type(repository).__name__}")
        return repository

    def load(self, cls: type, aggregate_id: UUID) -> Aggregate | None:
        """``repository.get``, or None when nothing is stored under that id (a class that is
        never snapshotted is read from its events alone: ``CopyingRepository``)."""
        try:
            found: Aggregate = self.repository.get(
                aggregate_id, from_events_only=cls not in self.snapshotting_intervals
            )
        except AggregateNotFoundError:
            return None
        return found


class Claim(Aggregate):
    """Makes a value unique across the store (a phone, a bank reference, a company code)."""

    @staticmethod
    def create_id(kind: str, value: str) -> UUID:
        return stable_id(f"claim:{kind}", value)

    @event("Made")
    def __init__(self, kind: str, value: str, owner_id: UUID) -> None:
        self.kind = kind
        self.value = value
        self.owner_id: UUID | None = owner_id

    def transfer(self, owner_id: UUID) -> None:
        self._transferred(owner_id=owner_id)

    @event("Transferred")
    def _transferred(self, owner_id: UUID) -> None:
        self.owner_id = owner_id

    def release(self, reason: str) -> None:
        """The value is free again (a phone number given up): the next claim takes it."""
        if self.owner_id is not None:
            self._released(reason=reason)

    @event("Released")
    def _released(self, reason: str) -> None:
        self.owner_id = None


class IdempotencyRecord(Aggregate):
    """A request that was processed, with the result its first response carried."""

    @staticmethod
    def create_id(key: str) -> UUID:
        return stable_id("idempotency", key)

    @event("Recorded")
    def __init__(self, key: str, fingerprint: str, result: Any) -> None:
        self.key = key
        self.fingerprint = fingerprint
        self.result = result
