"""The event store's recorders: the library's own, plus tamper evidence in the same
transaction as every insert (interfaces/persistence/hash_writer.py).

Selected through ``APPLICATION_RECORDER_TOPIC`` (interfaces/config.py), so the Ledger, its
group commit and every reader stay the library's. On PostgreSQL the insert has taken the event
table's EXCLUSIVE lock and received its notification ids before the hashes are written; on
SQLite the transaction holds the database's write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from interfaces.persistence.hash_writer import HashWriter
from interfaces.persistence.integrity_sql import (
    IntegritySql,
    PostgresIntegritySql,
    SqliteIntegritySql,
)


class HashingPostgresRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.integrity: IntegritySql = PostgresIntegritySql(events_table_name, datastore.schema)
        self.sql_create_statements.extend(self.integrity.create_statements())
        self.hash_writer = HashWriter(self.integrity)

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super().insert_events(stored_events, **kwargs)
        self.hash_writer.committed()
        return ids

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        self.hash_writer.after_insert(curs, stored_events, ids or [])
        return ids


class HashingSQLiteRecorder(SQLiteApplicationRecorder):
    def __init__(
        self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"
    ) -> None:
        # The base class builds its create statements in __init__: ours must exist first.
        self.integrity: IntegritySql = SqliteIntegritySql(events_table_name)
        self.hash_writer = HashWriter(self.integrity)
        super().__init__(datastore, events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.integrity.create_statements()]

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super().insert_events(stored_events, **kwargs)
        self.hash_writer.committed()
        return ids

    def _insert_events(
        self, c: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        self.hash_writer.after_insert(c, stored_events, ids or [])
        return ids
