"""The store's Merkle tree as an auditor meets it: signed checkpoints, inclusion proofs of an
event against a checkpoint, consistency proofs between two checkpoints, and the one-time
backfill of a store written before hashing existed.

``IntegrityLog.of(ledger)`` works over the ledger's own recorder (its connection pool and its
tables); every proof is built from stored perfect subtrees, O(log n) rows.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from domain.errors import ConflictError, NotFoundError, ValidationError
from interfaces.integrity.chain import GENESIS, event_leaf, leaf_data
from interfaces.integrity.documents import CONSISTENCY, INCLUSION, Checkpoint
from interfaces.integrity.keys import SigningKey
from interfaces.integrity.merkle import (
    Frontier,
    Node,
    consistency_ranges,
    fold,
    inclusion_ranges,
    mth,
    perfect_parts,
)
from interfaces.persistence.hash_writer import HashWriter
from interfaces.persistence.integrity_sql import NODE_FLOOR, HeadRow, IntegritySql


class IntegrityLog:
    def __init__(self, datastore: Any, sql: IntegritySql, writer: HashWriter) -> None:
        self.datastore = datastore
        self.sql = sql
        self.writer = writer

    @classmethod
    def of(cls, ledger: Any) -> IntegrityLog:
        recorder = ledger.recorder
        sql = getattr(recorder, "integrity", None)
        if sql is None:
            raise RuntimeError("this event store's recorder keeps no hashes")
        return cls(recorder.datastore, sql, recorder.hash_writer)

    @contextmanager
    def cursor(self, write: bool = False) -> Iterator[Any]:
        with self.datastore.transaction(commit=write) as curs:
            yield curs

    def head(self) -> HeadRow:
        with self.cursor() as curs:
            return self.sql.read_head(curs)

    # --- checkpoints ------------------------------------------------------------------------

    def take_checkpoint(self, key: SigningKey, now: datetime | None = None) -> Checkpoint | None:
        """Sign the tree as it stands; the latest checkpoint if nothing was written since,
        None for an empty store."""
        with self.cursor(write=True) as curs:
            head = self.sql.read_head(curs)
            latest = self.sql.checkpoint(curs)
            if head.size == 0 or (latest is not None and latest.tree_size >= head.size):
                return latest
            root = Frontier.unpack(head.size, head.frontier).root()
            moment = (now or datetime.now(UTC)).astimezone(UTC)
            taken = moment.isoformat(timespec="seconds").replace("+00:00", "Z")
            unsigned = Checkpoint(head.size, root, taken, key.key_id(), b"")
            checkpoint = Checkpoint(
                head.size, root, taken, key.key_id(), key.sign(unsigned.message())
            )
            self.sql.add_checkpoint(curs, checkpoint)
            return checkpoint

    def position_of(self, tree_size: int) -> int:
        """The position of the newest event in the tree of ``tree_size`` leaves."""
        with self.cursor() as curs:
            rows = self.sql.leaves(curs, tree_size - 1, tree_size)
        return rows[0].notification_id if rows else 0

    def checkpoints(self, after_size: int = 0, limit: int = 1000) -> list[Checkpoint]:
        with self.cursor() as curs:
            return self.sql.checkpoints(curs, after_size, limit)

    def checkpoint(self, size: int) -> Checkpoint:
        with self.cursor() as curs:
            found = self.sql.checkpoint(curs, size)
        if found is None:
            raise NotFoundError("checkpoint")
        return found

    # --- proofs -----------------------------------------------------------------------------

    def inclusion_proof(self, position: int, tree_size: int | None = None) -> dict[str, Any]:
        """The proof that the event at ``position`` is in the checkpoint of ``tree_size``
        (default: the latest checkpoint)."""
        with self.cursor() as curs:
            hashed = self.sql.hash_at(curs, position)
            event = self.sql.event_at(curs, position)
            if hashed is None or event is None:
                raise NotFoundError("event at this position")
            checkpoint = self._covering(curs, hashed.leaf_index, position, tree_size)
            previous = GENESIS
            if hashed.originator_version > 1:
                key = (hashed.originator_id, hashed.originator_version - 1)
                previous = self.sql.hashes_of(curs, [key]).get(key, GENESIS)
            ranges = inclusion_ranges(hashed.leaf_index, checkpoint.tree_size)
            path = self._range_hashes(curs, ranges)
        data = leaf_data(position, hashed.event_hash)
        return {
            "kind": INCLUSION,
            "event": {
                "position": position,
                "stream_id": str(event.originator_id),
                "version": event.originator_version,
                "topic": event.topic,
                "state": base64.b64encode(event.state).decode(),
                "previous_hash": previous.hex(),
                "hash": hashed.event_hash.hex(),
            },
            "leaf": {
                "index": hashed.leaf_index,
                "data": data.hex(),
                "hash": event_leaf(position, hashed.event_hash).hex(),
            },
            "tree_size": checkpoint.tree_size,
            "path": [p.hex() for p in path],
            "checkpoint": checkpoint.document(),
        }

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> dict[str, Any]:
        with self.cursor() as curs:
            old = self.sql.checkpoint(curs, old_size)
            new = self.sql.checkpoint(curs, new_size) if new_size is not None else None
            if new_size is None:
                new = self.sql.checkpoint(curs)
            if old is None or new is None:
                raise NotFoundError("checkpoint")
            if old.tree_size > new.tree_size:
                raise ValidationError(
                    "checkpoint_order",
                    f"The old checkpoint ({old.tree_size}) is larger than the new one "
                    f"({new.tree_size}).",
                )
            path = self._range_hashes(curs, consistency_ranges(old.tree_size, new.tree_size))
        return {
            "kind": CONSISTENCY,
            "old": old.document(),
            "new": new.document(),
            "path": [p.hex() for p in path],
        }

    def _covering(self, curs: Any, index: int, position: int, size: int | None) -> Checkpoint:
        checkpoint = self.sql.checkpoint(curs, size, covering=index + 1)
        if checkpoint is None and size is not None:
            raise NotFoundError("checkpoint")
        if checkpoint is None or index >= checkpoint.tree_size:
            latest = self.sql.checkpoint(curs)
            covers = f"the latest covers {latest.tree_size} events" if latest else "none yet"
            raise ConflictError(
                "position_not_checkpointed",
                f"Position {position} is not yet in any checkpoint ({covers}); take one "
                "(POST /audit/checkpoints) or wait for the next.",
                position=position,
            )
        return checkpoint

    def _range_hashes(self, curs: Any, ranges: list[tuple[int, int]]) -> list[bytes]:
        parts = {r: perfect_parts(*r) for r in ranges}
        wanted = [p for ps in parts.values() for p in ps]
        nodes = self.sql.stored_nodes(curs, [p for p in wanted if p[0] >= NODE_FLOOR])
        for level, index in {p for p in wanted if p[0] < NODE_FLOOR}:
            rows = self.sql.leaves(curs, index << level, (index + 1) << level)
            nodes[(level, index)] = mth([event_leaf(r.notification_id, r.event_hash) for r in rows])
        missing: list[Node] = [p for p in wanted if p not in nodes]
        if missing:
            raise ConflictError("tree_incomplete", f"Stored tree nodes are missing: {missing[:3]}")
        return [fold([nodes[p] for p in parts[r]]) for r in ranges]

    # --- backfill ---------------------------------------------------------------------------

    def unhashed(self) -> int:
        """How many stored events are not yet leaves (a store written before hashing)."""
        with self.cursor() as curs:
            head = self.sql.read_head(curs)
            return self.sql.count_between(curs, head.last_notification_id, head.legacy_upto)

    def backfill(self, batch: int = 5000, progress: Callable[[int], None] | None = None) -> int:
        """Hash every event not yet hashed, ``batch`` per transaction (each holding the event
        table's lock, so writers wait and then extend the tree after it). Resumable: each
        committed batch moves the head; an interrupted run goes on from there."""
        total = 0
        while True:
            with self.cursor(write=True) as curs:
                self.sql.lock_events(curs)
                head = self.sql.read_head(curs)
                after = self.writer.catch_up(curs, head, limit=batch)
            self.writer.committed()
            done = after.size - head.size
            total += done
            if progress is not None and done:
                progress(done)
            if done < batch:
                return total
