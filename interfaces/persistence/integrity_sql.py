"""The tamper-evidence tables beside the event table, and every statement on them, for
PostgreSQL and for SQLite.

- ``<base>_event_hashes``: one row per event, written in the event's own transaction: its
  position (notification id), its leaf index in the Merkle tree, its stream and version, and its
  chained hash (interfaces/integrity/chain.py).
- ``<base>_merkle_nodes``: the perfect subtrees of the tree from ``NODE_FLOOR`` up (lower ones
  are recomputed from at most 2^NODE_FLOOR leaves), so a proof reads O(log n) rows.
- ``<base>_merkle_head``: one row: the tree's size, its last position and its frontier.
- ``<base>_checkpoints``: signed (size, root, time) statements of the tree.

``<base>`` is the event table's name without ``_events`` (``steelyard`` on PostgreSQL, ``stored``
on SQLite). Each method takes the cursor of a transaction the caller holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from psycopg.sql import SQL, Identifier

from interfaces.integrity.documents import Checkpoint

NODE_FLOOR = 4  # subtrees of 16 leaves and more are stored


@dataclass(frozen=True)
class EventRow:
    notification_id: int
    originator_id: UUID
    originator_version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class HashRow:
    notification_id: int
    leaf_index: int
    originator_id: UUID
    originator_version: int
    event_hash: bytes


@dataclass(frozen=True)
class HeadRow:
    size: int
    last_notification_id: int
    frontier: bytes
    legacy_upto: int = 0  # the last event stored before hashing began (backfill up to it)


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


def _event(row: Any) -> EventRow:
    return EventRow(
        int(row["notification_id"]), _uuid(row["originator_id"]), int(row["originator_version"]),
        str(row["topic"]), bytes(row["state"]),
    )  # fmt: skip


def _hash(row: Any) -> HashRow:
    return HashRow(
        int(row["notification_id"]), int(row["leaf_index"]), _uuid(row["originator_id"]),
        int(row["originator_version"]), bytes(row["event_hash"]),
    )  # fmt: skip


def _checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(
        int(row["tree_size"]), bytes(row["root_hash"]), str(row["taken_at"]),
        str(row["key_id"]), bytes(row["signature"]),
    )  # fmt: skip


class IntegritySql:
    """Statements shared by both databases; each subclass says how its driver spells them."""

    nid = "notification_id"  # the event table's position column

    def __init__(self, events_table: str) -> None:
        base = events_table.removesuffix("_events")
        self.events_table = events_table
        self.names = {
            "hashes": f"{base}_event_hashes",
            "nodes": f"{base}_merkle_nodes",
            "head": f"{base}_merkle_head",
            "checkpoints": f"{base}_checkpoints",
        }

    def q(self, text: str) -> Any:
        """A statement with {events} {hashes} {nodes} {head} {checkpoints} filled in."""
        raise NotImplementedError

    def p(self, text: str) -> str:
        """Placeholders written as %s become the driver's own."""
        return text

    def create_statements(self) -> list[Any]:
        blob, uuid = self.blob_type, self.uuid_type
        return [
            self.q(
                "CREATE TABLE IF NOT EXISTS {hashes} (notification_id bigint PRIMARY KEY, "
                "leaf_index bigint NOT NULL UNIQUE, "
                f"originator_id {uuid} NOT NULL, originator_version bigint NOT NULL, "
                f"event_hash {blob} NOT NULL, UNIQUE (originator_id, originator_version))"
            ),
            self.q(
                "CREATE TABLE IF NOT EXISTS {nodes} (level smallint NOT NULL, idx bigint NOT NULL, "
                f"hash {blob} NOT NULL, PRIMARY KEY (level, idx))"
            ),
            self.q(
                "CREATE TABLE IF NOT EXISTS {head} (one smallint PRIMARY KEY CHECK (one = 1), "
                "size bigint NOT NULL, last_notification_id bigint NOT NULL, "
                f"frontier {blob} NOT NULL, legacy_upto bigint NOT NULL)"
            ),
            self.q(
                "INSERT INTO {head} (one, size, last_notification_id, frontier, legacy_upto) "
                f"SELECT 1, 0, 0, {self.empty_blob}, coalesce(max({{nid}}), 0) "
                "FROM {events} WHERE true ON CONFLICT DO NOTHING"
            ),
            self.q(
                "CREATE TABLE IF NOT EXISTS {checkpoints} (tree_size bigint PRIMARY KEY, "
                f"root_hash {blob} NOT NULL, taken_at text NOT NULL, key_id text NOT NULL, "
                f"signature {blob} NOT NULL)"
            ),
        ]

    blob_type = "bytea"
    uuid_type = "uuid"
    empty_blob = "''::bytea"

    # --- the writer's side (inside the insert's transaction) --------------------------------

    def read_head(self, curs: Any) -> HeadRow:
        curs.execute(self.q("SELECT * FROM {head}"))
        return self.head_of(curs.fetchone())

    @staticmethod
    def head_of(row: Any) -> HeadRow:
        if row is None:
            return HeadRow(0, 0, b"")
        return HeadRow(
            int(row["size"]), int(row["last_notification_id"]), bytes(row["frontier"]),
            int(row["legacy_upto"]),
        )  # fmt: skip

    def events_after(
        self, curs: Any, after: int, limit: int, upto: int | None = None
    ) -> list[EventRow]:
        bound = " AND {nid} <= %s" if upto is not None else ""
        curs.execute(
            self.q(self.p(
                "SELECT {nid} AS notification_id, originator_id, originator_version, topic, "
                "state FROM {events} WHERE {nid} > %s" + bound + " ORDER BY {nid} LIMIT %s"
            )),
            (after, upto, limit) if upto is not None else (after, limit),
        )  # fmt: skip
        return [_event(row) for row in curs.fetchall()]

    def hashes_of(
        self, curs: Any, keys: Iterable[tuple[UUID, int]]
    ) -> dict[tuple[UUID, int], bytes]:
        raise NotImplementedError

    def write(
        self, curs: Any, rows: Sequence[HashRow], nodes: Sequence[tuple[int, int, bytes]],
        head: HeadRow,
    ) -> None:  # fmt: skip
        raise NotImplementedError

    # --- the reader's side ------------------------------------------------------------------

    def hash_at(self, curs: Any, notification_id: int) -> HashRow | None:
        curs.execute(
            self.q(self.p("SELECT * FROM {hashes} WHERE notification_id = %s")),
            (notification_id,),
        )
        row = curs.fetchone()
        return _hash(row) if row is not None else None

    def event_at(self, curs: Any, notification_id: int) -> EventRow | None:
        rows = self.events_after(curs, notification_id - 1, 1, upto=notification_id)
        return rows[0] if rows else None

    def hashes_after(self, curs: Any, after: int, upto: int | None) -> list[HashRow]:
        bound = " AND notification_id <= %s" if upto is not None else ""
        curs.execute(
            self.q(self.p(
                "SELECT * FROM {hashes} WHERE notification_id > %s" + bound
                + " ORDER BY notification_id"
            )),
            (after, upto) if upto is not None else (after,),
        )  # fmt: skip
        return [_hash(row) for row in curs.fetchall()]

    def leaves(self, curs: Any, start: int, end: int) -> list[HashRow]:
        curs.execute(
            self.q(self.p(
                "SELECT * FROM {hashes} WHERE leaf_index >= %s AND leaf_index < %s "
                "ORDER BY leaf_index"
            )),
            (start, end),
        )  # fmt: skip
        return [_hash(row) for row in curs.fetchall()]

    def stored_nodes(
        self, curs: Any, wanted: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]:
        found: dict[tuple[int, int], bytes] = {}
        for level, index in set(wanted):
            curs.execute(
                self.q(self.p("SELECT hash FROM {nodes} WHERE level = %s AND idx = %s")),
                (level, index),
            )
            row = curs.fetchone()
            if row is not None:
                found[(level, index)] = bytes(row["hash"])
        return found

    def add_checkpoint(self, curs: Any, checkpoint: Checkpoint) -> None:
        curs.execute(
            self.q(self.p(
                "INSERT INTO {checkpoints} (tree_size, root_hash, taken_at, key_id, signature) "
                "VALUES (%s, %s, %s, %s, %s)"
            )),
            (checkpoint.tree_size, checkpoint.root_hash, checkpoint.taken_at,
             checkpoint.key_id, checkpoint.signature),
        )  # fmt: skip

    def checkpoints(self, curs: Any, after_size: int = 0, limit: int = 1000) -> list[Checkpoint]:
        curs.execute(
            self.q(self.p(
                "SELECT * FROM {checkpoints} WHERE tree_size > %s ORDER BY tree_size LIMIT %s"
            )),
            (after_size, limit),
        )  # fmt: skip
        return [_checkpoint(row) for row in curs.fetchall()]

    def checkpoint(
        self, curs: Any, size: int | None = None, covering: int = 0
    ) -> Checkpoint | None:
        """The checkpoint of ``size``; without one, the latest (of at least ``covering`` leaves)."""
        if size is not None:
            curs.execute(
                self.q(self.p("SELECT * FROM {checkpoints} WHERE tree_size = %s")), (size,)
            )
        else:
            curs.execute(
                self.q(self.p(
                    "SELECT * FROM {checkpoints} WHERE tree_size >= %s "
                    "ORDER BY tree_size DESC LIMIT 1"
                )),
                (covering,),
            )  # fmt: skip
        row = curs.fetchone()
        return _checkpoint(row) if row is not None else None

    def count_between(self, curs: Any, after: int, upto: int) -> int:
        curs.execute(
            self.q(self.p("SELECT count(*) AS n FROM {events} WHERE {nid} > %s AND {nid} <= %s")),
            (after, upto),
        )
        return int(curs.fetchone()["n"])

    def snapshot(self, curs: Any) -> None:
        """Make the rest of this read transaction see one moment of the store."""

    def lock_events(self, curs: Any) -> None:
        """Keep writers out while a backfill extends the tree (they wait, then see it)."""


class PostgresIntegritySql(IntegritySql):
    nid = "notification_id"

    def __init__(self, events_table: str, schema: str) -> None:
        super().__init__(events_table)
        self.schema = schema
        self._idents = {
            "events": Identifier(schema, events_table),
            **{key: Identifier(schema, name) for key, name in self.names.items()},
        }
        self._rendered: dict[str, str] = {}

    def create_statements(self) -> list[Any]:
        return [SQL(text) for text in super().create_statements()]  # the library's own type

    def q(self, text: str) -> str:
        """Rendered once per statement text: composing it on every insert cost more than
        the hashing (a few statements per write, each a psycopg ``format`` and ``as_bytes``)."""
        rendered = self._rendered.get(text)
        if rendered is None:
            composed = SQL(text).format(nid=SQL(self.nid), **self._idents)  # type: ignore[arg-type]
            rendered = self._rendered[text] = composed.as_string(None)
        return rendered

    def hashes_of(
        self, curs: Any, keys: Iterable[tuple[UUID, int]]
    ) -> dict[tuple[UUID, int], bytes]:
        wanted = list(keys)
        if not wanted:
            return {}
        curs.execute(
            self.q(
                "SELECT h.originator_id, h.originator_version, h.event_hash FROM {hashes} h "
                "JOIN unnest(%s::uuid[], %s::bigint[]) AS k(id, v) "
                "ON h.originator_id = k.id AND h.originator_version = k.v"
            ),
            ([k[0] for k in wanted], [k[1] for k in wanted]),
        )
        return {
            (_uuid(r["originator_id"]), int(r["originator_version"])): bytes(r["event_hash"])
            for r in curs.fetchall()
        }

    def write(
        self, curs: Any, rows: Sequence[HashRow], nodes: Sequence[tuple[int, int, bytes]],
        head: HeadRow,
    ) -> None:  # fmt: skip
        """One statement (a round trip costs more than the rows): the hashes and the stored
        subtrees go in by data-modifying CTEs of the head's UPDATE."""
        parts: list[str] = []
        params: list[Any] = []
        if rows:
            parts.append(
                "h AS (INSERT INTO {hashes} (notification_id, leaf_index, originator_id, "
                "originator_version, event_hash) SELECT * FROM "
                "unnest(%s::bigint[], %s::bigint[], %s::uuid[], %s::bigint[], %s::bytea[]))"
            )
            params.extend(list(column) for column in zip(*(
                (r.notification_id, r.leaf_index, r.originator_id, r.originator_version,
                 r.event_hash) for r in rows
            ), strict=True))  # fmt: skip
        if nodes:
            parts.append(
                "n AS (INSERT INTO {nodes} (level, idx, hash) "
                "SELECT * FROM unnest(%s::smallint[], %s::bigint[], %s::bytea[]))"
            )
            params.extend(list(column) for column in zip(*nodes, strict=True))
        prefix = f"WITH {', '.join(parts)} " if parts else ""
        curs.execute(
            self.q(
                prefix + "UPDATE {head} SET size = %s, last_notification_id = %s, frontier = %s"
            ),
            (*params, head.size, head.last_notification_id, head.frontier),
        )

    def stored_nodes(
        self, curs: Any, wanted: Iterable[tuple[int, int]]
    ) -> dict[tuple[int, int], bytes]:
        keys = list(set(wanted))
        if not keys:
            return {}
        curs.execute(
            self.q(
                "SELECT n.level, n.idx, n.hash FROM {nodes} n "
                "JOIN unnest(%s::smallint[], %s::bigint[]) AS k(l, i) "
                "ON n.level = k.l AND n.idx = k.i"
            ),
            ([k[0] for k in keys], [k[1] for k in keys]),
        )
        return {(int(r["level"]), int(r["idx"])): bytes(r["hash"]) for r in curs.fetchall()}

    def lock_events(self, curs: Any) -> None:
        curs.execute(self.q("LOCK TABLE {events} IN EXCLUSIVE MODE"))

    def snapshot(self, curs: Any) -> None:
        curs.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


class SqliteIntegritySql(IntegritySql):
    nid = "rowid"
    blob_type = "BLOB"
    uuid_type = "TEXT"
    empty_blob = "X''"

    def q(self, text: str) -> str:
        return text.format(nid=self.nid, events=self.events_table, **self.names)

    def p(self, text: str) -> str:
        return text.replace("%s", "?")

    def hashes_of(
        self, curs: Any, keys: Iterable[tuple[UUID, int]]
    ) -> dict[tuple[UUID, int], bytes]:
        found: dict[tuple[UUID, int], bytes] = {}
        statement = self.q(
            "SELECT event_hash FROM {hashes} WHERE originator_id = ? AND originator_version = ?"
        )
        for key in keys:
            curs.execute(statement, (key[0].hex, key[1]))
            row = curs.fetchone()
            if row is not None:
                found[key] = bytes(row["event_hash"])
        return found

    def write(
        self, curs: Any, rows: Sequence[HashRow], nodes: Sequence[tuple[int, int, bytes]],
        head: HeadRow,
    ) -> None:  # fmt: skip
        curs.executemany(
            self.q(
                "INSERT INTO {hashes} (notification_id, leaf_index, originator_id, "
                "originator_version, event_hash) VALUES (?, ?, ?, ?, ?)"
            ),
            [(r.notification_id, r.leaf_index, r.originator_id.hex, r.originator_version,
              r.event_hash) for r in rows],
        )  # fmt: skip
        curs.executemany(self.q("INSERT INTO {nodes} (level, idx, hash) VALUES (?, ?, ?)"), nodes)
        curs.execute(
            self.q("UPDATE {head} SET size = ?, last_notification_id = ?, frontier = ?"),
            (head.size, head.last_notification_id, head.frontier),
        )

    def lock_events(self, curs: Any) -> None:
        curs.execute(self.q("UPDATE {head} SET size = size"))  # takes the write lock now
