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

import contextvars
import copy
import random
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
from domain.group_commit import GroupCommit, Job
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
    """What one attempt of a command loaded and created; saved together at the end.

    In a group commit, ``batch`` holds the aggregates the commands before this one changed: this
    command reads (a copy of) their changed state, and only if it succeeds are its own changes
    adopted into the batch, so a refused command leaves nothing behind."""

    def __init__(self, app: Ledger, batch: dict[UUID, Aggregate] | None = None) -> None:
        self.app = app
        self._batch = batch if batch is not None else {}
        self._touched: dict[UUID, Aggregate] = {}

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        if aggregate_id in self._touched:
            found = self._touched[aggregate_id]
        elif aggregate_id in self._batch:
            found = copy.deepcopy(self._batch[aggregate_id])
            self._touched[aggregate_id] = found
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

    def again(self) -> UnitOfWork:
        """A fresh attempt over the same batch: nothing of this one's reads or changes."""
        return UnitOfWork(self.app, self._batch)

    def adopt_into_batch(self) -> None:
        """This command succeeded: the next ones in the batch see what it changed."""
        self._batch.update((a.id, a) for a in self.pending())


@dataclass(frozen=True)
class Outcome(Generic[T]):
    result: T
    position: int  # the notification id of the last event this command wrote (or the head)
    replayed: bool = False


class CommandRunner:
    """Every command of this process goes through one group commit: the commands queued while
    a transaction is in flight are decided one after another, each on the state the ones before
    it left (so sixteen payments into one company never conflict with each other), and saved
    together in one atomic write. A command refused by the domain is refused alone; the others
    go on. Each caller is answered once the batch is durable.

    If a writer in another process changed an aggregate meanwhile, the store refuses the whole
    write and the batch is decided again from fresh state (bounded, with jittered back-off). Each
    command stamps its events with its own ``command_id``, so a write refused as a duplicate of
    one that did commit (its COMMIT answer lost) is recognised, never applied twice."""

    def __init__(
        self,
        app: Ledger,
        attempts: int = 12,
        backoff: float = 0.004,
        max_batch: int = 64,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> None:
        """``on_batch(size, conflicts)`` is told of every batch once it is answered: how many
        commands it held and how many times another writer made it start again (the metrics
        set it at wiring; the domain knows no metrics library)."""
        self.app = app
        self.attempts = attempts
        self.backoff = backoff
        self.on_batch = on_batch
        self._group = GroupCommit(self._commit, max_batch)

    def run(self, decide: Callable[[UnitOfWork], T]) -> Outcome[T]:
        """Run one command exactly once, as the current context's actor."""
        ctx = contextvars.copy_context()
        ctx.run(context.enter, replace(context.current(), command_id=uuid4()))
        outcome: Outcome[T] = self._group.submit(Job(decide, ctx))
        return outcome

    def _commit(self, jobs: list[Job]) -> None:
        size, conflicts = len(jobs), 0
        try:
            for attempt in range(self.attempts):
                batch: dict[UUID, Aggregate] = {}
                decided = [(job, result) for job in jobs if (result := self._decide(job, batch))]
                pending = [a for a in batch.values() if a.pending_events]
                if self._save(pending, [job for job, _ in decided], decided):
                    return
                conflicts += 1
                jobs = [job for job, _ in decided]
                time.sleep(random.uniform(0, self.backoff * (2 ** min(attempt, 5))))
            for job in jobs:
                job.fail(ConcurrencyError())
        finally:
            if self.on_batch is not None:
                self.on_batch(size, conflicts)

    def _decide(self, job: Job, batch: dict[UUID, Aggregate]) -> tuple[Any] | None:
        """Decide one command into the batch: (result,) if it goes into this write, None if it
        was answered already (refused, or replayed from its Idempotency-Key)."""
        try:
            outcome = job.context.run(self._decide_in, job.work, UnitOfWork(self.app, batch))
        except Exception as error:  # the command's own refusal (or fault) is its answer alone
            job.fail(error)
            return None
        if isinstance(outcome, Outcome):
            job.finish(outcome)
            return None
        return (outcome,)

    def _decide_in(self, decide: Callable[[UnitOfWork], T], uow: UnitOfWork) -> Any:
        idempotency = context.current().idempotency
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
                replay = self._replay(uow.again(), *idempotency)
                if replay is not None:
                    return replay
            raise
        if idempotency is not None:
            uow.add(IdempotencyRecord(idempotency[0], idempotency[1], result))
        uow.adopt_into_batch()
        return result

    def _save(
        self, pending: list[Aggregate], jobs: list[Job], decided: list[tuple[Job, tuple[Any]]]
    ) -> bool:
        """Write the batch; answer its jobs and say True, or False when another writer got
        there first (nothing of the batch is stored then)."""
        first = (
            (pending[0].id, pending[0].pending_events[0].originator_version) if pending else None
        )
        try:
            recordings = self.app.save(*pending)
        except IntegrityError:
            if first is None or not self._written_by(jobs, *first):
                return False
            recordings = []
        positions = [r.notification.id for r in recordings]
        position = max(positions) if positions else self.app.head()
        for job, (result,) in decided:
            job.finish(Outcome(result, position))
        return True

    def _written_by(self, jobs: list[Job], aggregate_id: UUID, version: int) -> bool:
        """Is the event at ``version`` of ``aggregate_id`` one of these jobs'? The save is
        atomic, so if one of its events is stored, all of them are: an earlier attempt
        committed (the driver retries an insert whose COMMIT answer was lost, and the store
        refuses the repeat)."""
        stored = self.app.recorder.select_events(aggregate_id, gt=version - 1, lte=version)
        if not stored:
            return False
        cause = getattr(self.app.mapper.to_domain_event(stored[0]), "caused_by", None)
        ours = {job.context.run(lambda: context.current().command_id) for job in jobs}
        return getattr(cause, "command_id", None) in ours

    def _replay(self, uow: UnitOfWork, key: str, fingerprint: str) -> Outcome[Any] | None:
        record = uow.find(IdempotencyRecord, IdempotencyRecord.create_id(key))
        if record is None:
            return None
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReusedError()
        return Outcome(record.result, self.app.head(), replayed=True)
