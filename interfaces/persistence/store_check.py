"""Verify the whole store: every stream's hash chain against the hashes recorded with its
events, and the Merkle tree recomputed from the events as they now stand against every signed
checkpoint.

One pass in store order over one snapshot of the store (events and their hash rows side by side).
Each stream's FIRST broken link is named with what happened to it:

- ``edited``: the event's contents no longer hash to the hash recorded with it;
- ``deleted``: a recorded event is gone (its hash row has no event), or versions are missing;
- ``inserted``: an event has no recorded hash (written around the recorder);
- ``reordered``: an event sits at a position recorded for another event (or version).

The tree is recomputed from the events themselves (each chained to its predecessor as stored now),
so even rows rewritten together with their hashes are caught by the first checkpoint that no
longer matches; a checkpoint whose signature fails is named too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from uuid import UUID

from interfaces.integrity.chain import GENESIS, event_hash, event_leaf
from interfaces.integrity.documents import Checkpoint
from interfaces.integrity.merkle import Frontier
from interfaces.persistence.integrity_log import IntegrityLog
from interfaces.persistence.integrity_sql import EventRow, HashRow, HeadRow

PAGE = 5000


@dataclass(frozen=True)
class BrokenLink:
    stream_id: UUID
    version: int
    position: int
    kind: str  # edited | deleted | inserted | reordered
    detail: str


@dataclass(frozen=True)
class BrokenCheckpoint:
    tree_size: int
    taken_at: str
    detail: str


@dataclass
class StoreReport:
    events: int = 0
    streams: int = 0
    checkpoints: int = 0
    broken: list[BrokenLink] = field(default_factory=list)
    checkpoint: BrokenCheckpoint | None = None
    head_problem: str | None = None
    unhashed: int = 0  # events stored before hashing began, not yet backfilled

    @property
    def ok(self) -> bool:
        return (
            not self.broken
            and self.checkpoint is None
            and not self.head_problem
            and (not self.unhashed)
        )


@dataclass
class _Stream:
    version: int = 0
    stored: bytes | None = GENESIS  # the hash recorded with its latest event
    recomputed: bytes = GENESIS  # its latest event's hash as the events now stand


class StoreCheck:
    def __init__(self, log: IntegrityLog, public_pem: str | None) -> None:
        self.log = log
        self.public_pem = public_pem
        self.report = StoreReport()
        self.streams: dict[UUID, _Stream] = {}
        self.first: dict[UUID, BrokenLink] = {}
        self.frontier = Frontier()
        self.pending: list[Checkpoint] = []
        self.head = HeadRow(0, 0, b"")

    def run(
        self, total: Callable[[int], None] | None = None, step: Callable[[int], None] | None = None
    ) -> StoreReport:
        sql = self.log.sql
        with self.log.cursor() as curs:
            sql.snapshot(curs)
            self.head = sql.read_head(curs)
            checkpoints = sql.checkpoints(curs, 0, 10**12)
            self.pending = list(reversed(checkpoints))
            self.report.checkpoints = len(checkpoints)
            if total is not None:
                total(sql.count_between(curs, 0, 2**62))
            for events, hashes in self._pages(curs):
                for event, hashed in _merge(events, hashes):
                    self._one(event, hashed)
                if step is not None:
                    step(len(events))
        self._finish()
        return self.report

    def _pages(self, curs: object) -> Iterator[tuple[list[EventRow], list[HashRow]]]:
        after = 0
        while True:
            events = self.log.sql.events_after(curs, after, PAGE)
            upto = events[-1].notification_id if len(events) == PAGE else None
            yield events, self.log.sql.hashes_after(curs, after, upto)
            if upto is None:
                return
            after = upto

    def _one(self, event: EventRow | None, hashed: HashRow | None) -> None:
        if event is None:
            if hashed is None:
                return
            self._break(
                hashed.originator_id,
                hashed.originator_version,
                hashed.notification_id,
                "deleted",
                "the event recorded here is gone",
            )
            return
        self.report.events += 1
        stream = self.streams.setdefault(event.originator_id, _Stream())
        if event.notification_id <= self.head.last_notification_id:
            self._leaf(event, stream)
        elif hashed is None and event.notification_id <= self.head.legacy_upto:
            self.report.unhashed += 1  # stored before hashing began; the backfill is not done
            return
        self._link(event, hashed, stream)
        stream.version = event.originator_version
        stream.stored = hashed.event_hash if hashed is not None else None

    def _leaf(self, event: EventRow, stream: _Stream) -> None:
        previous = GENESIS if event.originator_version == 1 else stream.recomputed
        stream.recomputed = event_hash(
            event.originator_id, event.originator_version, event.topic, event.state, previous
        )
        self.frontier.append(event_leaf(event.notification_id, stream.recomputed))
        while self.pending and self.pending[-1].tree_size == self.frontier.size:
            self._check_checkpoint(self.pending.pop())

    def _link(self, event: EventRow, hashed: HashRow | None, stream: _Stream) -> None:
        at = (event.originator_id, event.originator_version, event.notification_id)
        if hashed is None:
            after = event.notification_id > self.head.last_notification_id
            where = " (after the tree's head: written around the recorder)" if after else ""
            self._break(*at, "inserted", "it has no recorded hash" + where)
        elif (hashed.originator_id, hashed.originator_version) != at[:2]:
            recorded = f"stream {hashed.originator_id} version {hashed.originator_version}"
            self._break(*at, "reordered", f"this position was recorded for {recorded}")
        elif event.originator_version > stream.version + 1:
            gone = f"versions {stream.version + 1}..{event.originator_version - 1} are gone"
            self._break(
                event.originator_id, stream.version + 1, event.notification_id, "deleted", gone
            )
        elif event.originator_version <= stream.version:
            order = f"version {event.originator_version} comes after version {stream.version}"
            self._break(*at, "reordered", order + " in store order")
        else:
            previous = GENESIS if event.originator_version == 1 else stream.stored
            expected = event_hash(
                event.originator_id, event.originator_version, event.topic, event.state,
                previous or GENESIS,
            )  # fmt: skip
            if expected != hashed.event_hash:
                self._break(*at, "edited", "its contents no longer match the hash recorded with it")

    def _break(self, stream_id: UUID, version: int, position: int, kind: str, detail: str) -> None:
        known = self.first.get(stream_id)
        moved = known is not None and (known.version, known.kind) == (version, "deleted")
        if known is None or version < known.version or (moved and kind == "reordered"):
            # a gap that turns up later at another position was a move, not a deletion
            self.first[stream_id] = BrokenLink(stream_id, version, position, kind, detail)

    def _check_checkpoint(self, checkpoint: Checkpoint) -> None:
        if self.report.checkpoint is not None:
            return
        if self.public_pem is not None and not checkpoint.verifies(self.public_pem):
            detail = "its signature does not verify with the platform's key"
        elif self.frontier.root() != checkpoint.root_hash:
            now, signed = self.frontier.root().hex()[:16], checkpoint.root_hash.hex()[:16]
            detail = (
                f"the first {checkpoint.tree_size} events now hash to root {now}…, "
                f"not the signed {signed}…"
            )
        else:
            return
        self.report.checkpoint = BrokenCheckpoint(checkpoint.tree_size, checkpoint.taken_at, detail)

    def _finish(self) -> None:
        for checkpoint in reversed(self.pending):  # larger than the tree as it now stands
            if self.report.checkpoint is None:
                self.report.checkpoint = BrokenCheckpoint(
                    checkpoint.tree_size, checkpoint.taken_at,
                    f"it signs {checkpoint.tree_size} events; the store now holds "
                    f"{self.frontier.size} of them",
                )  # fmt: skip
        head_root = Frontier.unpack(self.head.size, self.head.frontier).root()
        if self.frontier.size != self.head.size or self.frontier.root() != head_root:
            self.report.head_problem = (
                f"the tree's head ({self.head.size} events) does not match the "
                f"{self.frontier.size} events up to its position"
            )
        self.report.streams = len(self.streams)
        self.report.broken = sorted(self.first.values(), key=lambda b: b.position)


def _merge(
    events: list[EventRow], hashes: list[HashRow]
) -> Iterator[tuple[EventRow | None, HashRow | None]]:
    """Events and hash rows side by side by position (either may be missing)."""
    by_position = {h.notification_id: h for h in hashes}
    seen: set[int] = set()
    rows: list[tuple[int, EventRow | None, HashRow | None]] = []
    for event in events:
        rows.append((event.notification_id, event, by_position.get(event.notification_id)))
        seen.add(event.notification_id)
    rows.extend((h.notification_id, None, h) for h in hashes if h.notification_id not in seen)
    rows.sort(key=lambda row: row[0])
    for _, found, hashed in rows:
        yield found, hashed
