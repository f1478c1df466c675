"""The event-sourced application and the one place every command runs.

``Ledger`` is the eventsourcing Application that owns the event store: one ordered notification
log for every aggregate, so projections and the integration feed see one sequence, and a command
can save several aggregates in one atomic write.

``CommandRunner.run(decide)`` is the command path: a fresh unit of work loads aggregates,
``decide`` checks the rules and records events, then everything it touched is saved at once. If a
concurrent writer got there first the store refuses the whole write, and the command is run again
from fresh state (bounded, with jittered back-off). An ``Idempotency-Key`` from the context is
saved in the same write, so a repeated request can never apply twice.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import event
from eventsourcing.persistence import IntegrityError

from domain import context
from domain.base import Aggregate
from domain.errors import (
    ConcurrencyError,
    DomainError,
    IdempotencyKeyReusedError,
    NotFoundError,
)

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
        self.snapshotting_intervals = dict(snapshot_every or {})  # type: ignore[misc]
        if snapshot_every:
            env = {**(env or {}), "IS_SNAPSHOTTING_ENABLED": "y"}
        super().__init__(env)

    def head(self) -> int:
        """The position of the newest event in the store (0 when empty)."""
        return self.recorder.max_notification_id() or 0


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


class UnitOfWork:
    """What one attempt of a command loaded and created; saved together at the end."""

    def __init__(self, app: Ledger) -> None:
        self.app = app
        self._touched: dict[UUID, Aggregate] = {}

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        if aggregate_id in self._touched:
            found = self._touched[aggregate_id]
        else:
            try:
                found = self.app.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
            self._touched[aggregate_id] = found
        return found if isinstance(found, cls) else None

    def get(self, cls: type[A], aggregate_id: UUID, what: str | None = None) -> A:
        found = self.find(cls, aggregate_id)
        if found is None:
            raise NotFoundError(what or cls.__name__.lower())
        return found

    def add(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self._touched[aggregate.id] = aggregate

    def claim(self, kind: str, value: str, owner_id: UUID) -> bool:
        """Claim a unique value for an owner; False if someone else holds it."""
        existing = self.find(Claim, Claim.create_id(kind, value))
        if existing is not None and existing.owner_id is None:
            existing.transfer(owner_id)
            return True
        if existing is not None:
            return existing.owner_id == owner_id
        self.add(Claim(kind=kind, value=value, owner_id=owner_id))
        return True

    def release(self, kind: str, value: str, reason: str) -> None:
        claim = self.find(Claim, Claim.create_id(kind, value))
        if claim is not None:
            claim.release(reason)

    def owner_of(self, kind: str, value: str) -> UUID | None:
        claim = self.find(Claim, Claim.create_id(kind, value))
        return claim.owner_id if claim else None

    def pending(self) -> list[Aggregate]:
        return [a for a in self._touched.values() if a.pending_events]


@dataclass(frozen=True)
class Outcome(Generic[T]):
    result: T
    position: int  # the notification id of the last event this command wrote (or the head)
    replayed: bool = False


class CommandRunner:
    """Optimistic first, pessimistic on contention: a command runs freely until it meets a
    conflict; from then on, until no command of this process is retrying any more, commands
    take this process's retry lock and so queue up instead of starving each other over a hot
    aggregate (one listing in a flash sale). Writers in other processes are still caught by the
    store's concurrency check."""

    def __init__(self, app: Ledger, attempts: int = 12, backoff: float = 0.004) -> None:
        self.app = app
        self.attempts = attempts
        self.backoff = backoff
        self._retry_lock = threading.RLock()
        self._retrying = 0  # commands of this process now retrying after a conflict
        self._count_lock = threading.Lock()

    def run(self, decide: Callable[[UnitOfWork], T]) -> Outcome[T]:
        """Run one command exactly once. Its events carry a fresh ``command_id``, so that when
        the store refuses a write as a duplicate the runner can tell its own earlier attempt
        (committed, but the answer lost on the way back) from a concurrent writer."""
        with context.acting(replace(context.current(), command_id=uuid4())):
            return self._run(decide)

    def _run(self, decide: Callable[[UnitOfWork], T]) -> Outcome[T]:
        if not self._retrying:
            outcome = self._attempt(decide)
            if outcome is not None:
                return outcome
        self._count(+1)
        try:
            for attempt in range(self.attempts):
                with self._retry_lock:
                    outcome = self._attempt(decide)
                if outcome is not None:
                    return outcome
                time.sleep(random.uniform(0, self.backoff * (2 ** min(attempt, 5))))
        finally:
            self._count(-1)
        raise ConcurrencyError()

    def _count(self, change: int) -> None:
        with self._count_lock:
            self._retrying += change

    def _attempt(self, decide: Callable[[UnitOfWork], T]) -> Outcome[T] | None:
        """One go at the command; None when a concurrent writer got there first."""
        idempotency = context.current().idempotency
        uow = UnitOfWork(self.app)
        if idempotency is not None:
            replay = self._replay(uow, *idempotency)
            if replay is not None:
                return replay
        try:
            result = decide(uow)
        except DomainError:
            # The same key may have committed between our check and our reads: then the
            # refusal is an artefact of the race, and the first response is the answer.
            if idempotency is not None:
                replay = self._replay(UnitOfWork(self.app), *idempotency)
                if replay is not None:
                    return replay
            raise
        if idempotency is not None:
            uow.add(IdempotencyRecord(idempotency[0], idempotency[1], result))
        pending = uow.pending()
        first = (
            (pending[0].id, pending[0].pending_events[0].originator_version) if pending else None
        )
        try:
            recordings = self.app.save(*pending)
        except IntegrityError:
            if first is not None and self._written_by_this_command(*first):
                return Outcome(result, self.app.head())
            return None
        positions = [r.notification.id for r in recordings]
        return Outcome(result, max(positions) if positions else self.app.head())

    def _written_by_this_command(self, aggregate_id: UUID, version: int) -> bool:
        """Is the event at ``version`` of ``aggregate_id`` ours? The save is atomic, so if one
        of its events is stored, all of them are: an earlier attempt committed (the driver
        retries an insert whose COMMIT answer was lost, and the store refuses the repeat)."""
        stored = self.app.recorder.select_events(aggregate_id, gt=version - 1, lte=version)
        if not stored:
            return False
        cause = getattr(self.app.mapper.to_domain_event(stored[0]), "caused_by", None)
        command_id = context.current().command_id
        return command_id is not None and getattr(cause, "command_id", None) == command_id

    def _replay(self, uow: UnitOfWork, key: str, fingerprint: str) -> Outcome[Any] | None:
        record = uow.find(IdempotencyRecord, IdempotencyRecord.create_id(key))
        if record is None:
            return None
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReusedError()
        return Outcome(record.result, self.app.head(), replayed=True)
