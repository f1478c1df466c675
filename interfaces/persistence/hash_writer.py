"""Hashes events into the chain of their stream and the store's Merkle tree, inside the
transaction that inserts them (the recorders call ``after_insert``), so no event is ever stored
unhashed; and extends the tree over events written before hashing existed (``catch_up``).

Writers are serialised by the event table's lock (PostgreSQL) or the database's write lock
(SQLite), so the head row read here is the one this transaction extends.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from interfaces.integrity.chain import GENESIS, event_hash, event_leaf
from interfaces.integrity.merkle import Frontier
from interfaces.persistence.integrity_sql import (
    NODE_FLOOR,
    EventRow,
    HashRow,
    HeadRow,
    IntegritySql,
)

CATCH_UP_BATCH = 2000
KNOWN = 50_000  # committed (stream, version) -> hash kept in memory: a hash never changes


class BrokenChainError(Exception):
    """An event's predecessor has no recorded hash: the store was changed behind our back."""


class HashWriter:
    def __init__(self, sql: IntegritySql) -> None:
        self.sql = sql
        self._known: OrderedDict[tuple[UUID, int], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._last = threading.local()  # the rows this thread's transaction is writing

    def committed(self) -> None:
        """The insert this thread just ran has committed: its hashes are the chain's now, so
        the next write of those streams need not read them back."""
        rows: list[HashRow] = getattr(self._last, "rows", [])
        self._last.rows = []
        with self._lock:
            for row in rows:
                self._known[(row.originator_id, row.originator_version)] = row.event_hash
            while len(self._known) > KNOWN:
                self._known.popitem(last=False)

    def after_insert(
        self,
        curs: Any,
        stored: Sequence[StoredEvent],
        ids: Sequence[int],
        head: HeadRow | None = None,
    ) -> None:
        """``head``: the head row, if the caller read it already in this transaction."""
        if not stored:
            return
        events = sorted(
            (
                EventRow(nid, _uuid(e.originator_id), e.originator_version, e.topic, e.state)
                for nid, e in zip(ids, stored, strict=True)
            ),
            key=lambda e: e.notification_id,
        )
        self._last.rows = []  # a retried insert starts again
        if head is None:
            head = self.sql.read_head(curs)
        if head.last_notification_id < head.legacy_upto:  # a backfill has not finished
            head = self.catch_up(curs, head)
        self.append(curs, head, events)

    def catch_up(self, curs: Any, head: HeadRow, limit: int = 0) -> HeadRow:
        """Hash the events stored before hashing began that are not leaves yet (at most
        ``limit`` if given). Rows stored later without a hash were written around the
        recorder: they never become leaves, and verification names them."""
        done = 0
        while not limit or done < limit:
            batch = CATCH_UP_BATCH if not limit else min(CATCH_UP_BATCH, limit - done)
            upto = head.legacy_upto
            events = self.sql.events_after(curs, head.last_notification_id, batch, upto)
            if not events:
                break
            head = self.append(curs, head, events)
            done += len(events)
        return head

    def append(self, curs: Any, head: HeadRow, events: Sequence[EventRow]) -> HeadRow:
        frontier = Frontier.unpack(head.size, head.frontier)
        latest: dict[UUID, tuple[int, bytes]] = {}
        wanted = {
            (e.originator_id, e.originator_version - 1) for e in events if e.originator_version > 1
        } - {(e.originator_id, e.originator_version) for e in events}
        with self._lock:
            stored = {key: self._known[key] for key in wanted if key in self._known}
        if len(stored) < len(wanted):
            stored |= self.sql.hashes_of(curs, wanted - stored.keys())
        rows: list[HashRow] = []
        nodes: list[tuple[int, int, bytes]] = []
        for e in events:
            previous = self._previous(e, latest, stored)
            hashed = event_hash(e.originator_id, e.originator_version, e.topic, e.state, previous)
            index = frontier.size
            completed = frontier.append(event_leaf(e.notification_id, hashed))
            nodes.extend(node for node in completed if node[0] >= NODE_FLOOR)
            rows.append(
                HashRow(e.notification_id, index, e.originator_id, e.originator_version, hashed)
            )
            latest[e.originator_id] = (e.originator_version, hashed)
        new_head = HeadRow(
            frontier.size, events[-1].notification_id, frontier.packed(), head.legacy_upto
        )
        self.sql.write(curs, rows, nodes, new_head)
        self._last.rows = [*getattr(self._last, "rows", []), *rows]
        return new_head

    @staticmethod
    def _previous(
        e: EventRow,
        latest: dict[UUID, tuple[int, bytes]],
        stored: dict[tuple[UUID, int], bytes],
    ) -> bytes:
        if e.originator_version == 1:
            return GENESIS
        mine = latest.get(e.originator_id)
        if mine is not None and mine[0] == e.originator_version - 1:
            return mine[1]
        found = stored.get((e.originator_id, e.originator_version - 1))
        if found is None:
            raise BrokenChainError(
                f"stream {e.originator_id} version {e.originator_version - 1} has no recorded "
                "hash (run `steelyard audit verify`)"
            )
        return found


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
