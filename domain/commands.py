"""The one place every command runs.

``CommandRunner.run(decide)`` is the command path: a fresh unit of work loads aggregates,
``decide`` checks the rules and records events, then everything it touched is saved at once. If a
concurrent writer got there first the store refuses the whole write, and the command is run again
from fresh state (bounded, with jittered back-off). An ``Idempotency-Key`` from the context is
saved in the same write, so a repeated request can never apply twice.
"""

from __future__ import annotations

import contextvars
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar
from uuid import UUID, uuid4

from eventsourcing.persistence import IntegrityError

from domain import context
from domain.base import Aggregate
from domain.errors import (
    ConcurrencyError,
    DomainError,
    IdempotencyKeyReusedError,
)
from domain.group_commit import GroupCommit, Job
from domain.ledger import Claim, IdempotencyRecord, Ledger
from domain.unit_of_work import UnitOfWork

T = TypeVar("T")

CONTENDED_FOR = 5.0  # seconds an aggregate another process wrote is read from the store only


@dataclass(frozen=True)
class Prepared:
    """A command decided in its caller's thread: its result, the versions it read (0: an id
    with nothing stored) and the aggregates it changed."""

    result: Any
    read: dict[UUID, int]
    changed: list[Aggregate]


class NestedCommandError(Exception):
    """A command ran another command while being prepared: the leader decides it instead."""


class StaleReadError(Exception):
    """A decision taken on what this process knew rested on an aggregate that has moved on in
    the store since: it is decided again, on what the store holds."""


class WrittenVersions:
    """The version each aggregate had after this process last saved it, for the newest
    ``size`` aggregates saved: a decision prepared before one of those saves is stale. (An id
    pushed out was saved more than ``size`` aggregate writes ago, long before any decision
    still waiting for the leader was prepared.)"""

    def __init__(self, size: int = 65_536) -> None:
        self.size = size
        self._versions: OrderedDict[UUID, int] = OrderedDict()

    def get(self, aggregate_id: UUID) -> int:
        return self._versions.get(aggregate_id, 0)

    def record(self, aggregates: Iterable[Aggregate]) -> None:
        for aggregate in aggregates:
            self._versions[aggregate.id] = aggregate.version
            self._versions.move_to_end(aggregate.id)
        while len(self._versions) > self.size:
            self._versions.popitem(last=False)


class Contended:
    """The aggregates found lately to have moved on in the store behind this process's back
    (the newest ``size``): for ``CONTENDED_FOR`` seconds a command reads them from the store,
    not from the cache."""

    def __init__(self, size: int = 65_536) -> None:
        self.size = size
        self._until: OrderedDict[UUID, float] = OrderedDict()

    def mark(self, aggregate_ids: Iterable[UUID]) -> None:
        until = time.monotonic() + CONTENDED_FOR
        for aggregate_id in aggregate_ids:
            self._until[aggregate_id] = until
            self._until.move_to_end(aggregate_id)
        while len(self._until) > self.size:
            self._until.popitem(last=False)

    def __contains__(self, aggregate_id: UUID) -> bool:
        return self._until.get(aggregate_id, 0.0) > time.monotonic()


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

    A command is first decided in its caller's own thread, on the state the store holds then
    (so the reads of sixteen callers run at once, not one after another in the leader). The
    leader takes that decision as it is when nothing it read has changed since: no command
    before it in the batch touched those ids, and no write of this process has moved them past
    the versions read. Otherwise, and whenever it was refused or failed, the leader decides it
    again on the batch's state, as above.

    A first decision reads cached aggregates from the cache without asking the store (it is
    current unless another process wrote since). That read is checked before the decision
    counts: an aggregate the command writes is checked by the store itself (its next version is
    taken already if another process wrote it, and the batch starts again from the store); those
    it only read, or every one a refused command read, are asked of the store in one query after
    the decision, and if one has moved on the command is decided again on the store's state.
    Either way those aggregates are read from the store for a while (``CONTENDED_FOR``).

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
        self._written = WrittenVersions()  # what this process's saves made of each aggregate
        self._contended = Contended()  # moved behind the cache's back lately: read the store
        self._preparing = threading.local()
        # The share of prepared decisions the leader could keep, recently: when most are
        # decided again (many callers on one account), preparing is wasted work, so fewer
        # commands are prepared, never none (so the share is still seen to recover).
        self._worth_preparing = 1.0

    def run(self, decide: Callable[[UnitOfWork], T]) -> Outcome[T]:
        """Run one command exactly once, as the current context's actor."""
        if getattr(self._preparing, "on", False):
            raise NestedCommandError()
        ctx = contextvars.copy_context()
        ctx.run(context.enter, replace(context.current(), command_id=uuid4()))
        job = Job(decide, ctx)
        if not self._group.is_leading and random.random() < self._worth_preparing:
            prepared = ctx.run(self._prepare, decide)
            if isinstance(prepared, Outcome):  # replayed from its Idempotency-Key
                return prepared
            job.prepared = prepared
        outcome: Outcome[T] = self._group.submit(job)
        return outcome

    def _prepare(self, decide: Callable[[UnitOfWork], T]) -> Prepared | Outcome[T] | None:
        """Decide in the caller's thread on the store's current state; None when the leader
        must decide (refused, failed, or it runs another command inside: that one must not
        commit before the leader decides this one)."""
        uow = UnitOfWork(self.app, known=self._known)
        self._preparing.on = True
        try:
            outcome = self._decide_in(decide, uow)
        except Exception:
            return None
        finally:
            self._preparing.on = False
        if isinstance(outcome, Outcome):
            return outcome
        return Prepared(outcome, uow.read, uow.pending())

    def _learn(self, jobs: list[Job], adopted: int) -> None:
        prepared = sum(1 for job in jobs if job.prepared is not None)
        if prepared:
            share = adopted / prepared
            self._worth_preparing = max(0.1, 0.8 * self._worth_preparing + 0.2 * share)

    def _adopt(self, job: Job, batch: dict[UUID, Aggregate]) -> tuple[Any] | None:
        """The job's own decision, into the batch, if what it read is still current."""
        prepared: Prepared | None = job.prepared
        if prepared is None:
            return None
        changed = {a.id for a in prepared.changed}
        if any(i in batch for i in changed.union(prepared.read)):
            return None
        if any(self._written.get(i) > version for i, version in prepared.read.items()):
            return None
        batch.update((a.id, a) for a in prepared.changed)
        return (prepared.result,)

    def _commit(self, jobs: list[Job]) -> None:
        size, conflicts = len(jobs), 0
        try:
            for attempt in range(self.attempts):
                batch: dict[UUID, Aggregate] = {}
                decided, adopted = [], 0
                for job in jobs:
                    result = self._adopt(job, batch) if attempt == 0 else None
                    adopted += result is not None
                    if result is None:
                        result = self._decide(job, batch, trusting=attempt == 0)
                    if result is not None:
                        decided.append((job, result))
                if attempt == 0:
                    self._learn(jobs, adopted)
                pending = [a for a in batch.values() if a.pending_events]
                if self._save(pending, [job for job, _ in decided], decided):
                    self._written.record(batch.values())
                    self._keep(pending)
                    return
                self._contended.mark(a.id for a in pending)
                conflicts += 1
                jobs = [job for job, _ in decided]
                time.sleep(random.uniform(0, self.backoff * (2 ** min(attempt, 5))))
            for job in jobs:
                job.fail(ConcurrencyError())
        finally:
            if self.on_batch is not None:
                self.on_batch(size, conflicts)

    def _decide(self, job: Job, batch: dict[UUID, Aggregate], trusting: bool) -> tuple[Any] | None:
        """Decide one command into the batch: (result,) if it goes into this write, None if it
        was answered already (refused, or replayed from its Idempotency-Key)."""
        known = self._known if trusting else None
        try:
            try:
                outcome = job.context.run(
                    self._decide_in, job.work, UnitOfWork(self.app, batch, known)
                )
            except StaleReadError:
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
        except Exception as error:
            if self._moved(uow, set()):  # refused (or failed) on a state that is not current
                raise StaleReadError() from error
            if not isinstance(error, DomainError):
                raise
            # The same key may have committed between our check and our reads: then the
            # refusal is an artefact of the race, and the first response is the answer.
            if idempotency is not None:
                replay = self._replay(uow.again(), *idempotency)
                if replay is not None:
                    return replay
            raise
        if self._moved(uow, {a.id for a in uow.pending()}):
            raise StaleReadError()
        if idempotency is not None:
            uow.add(IdempotencyRecord(idempotency[0], idempotency[1], result))
        uow.adopt_into_batch()
        return result

    def _known(self, aggregate_id: UUID) -> Aggregate | None:
        """A copy of the cached aggregate, unless it was found lately to have moved behind the
        cache's back."""
        if aggregate_id in self._contended:
            return None
        found: Aggregate | None = self.app.repository.cached_copy(aggregate_id)
        return found

    def _moved(self, uow: UnitOfWork, written: set[UUID]) -> bool:
        """Has any aggregate the command took from the cache, and does not write, moved on in
        the store since? (One it writes is checked by the store: its next version is taken.)"""
        unchecked = [i for i in uow.trusted if i not in written]
        if not unchecked:
            return False
        stored = self.app.versions_of(unchecked)
        moved = [i for i in unchecked if stored.get(i, 0) > uow.read[i]]
        self._contended.mark(moved)
        return bool(moved)

    def _keep(self, saved: list[Aggregate]) -> None:
        """The cache holds what this process just saved (a claim or an idempotency record only
        if it was cached already: most are never read again, and would push out the aggregates
        that are)."""
        for aggregate in saved:
            seldom = isinstance(aggregate, Claim | IdempotencyRecord)
            self.app.repository.keep(aggregate, only_if_cached=seldom)

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
