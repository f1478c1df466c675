"""The two view databases behind ``ViewDatabase``: PostgreSQL (a psycopg pool) and SQLite.

On PostgreSQL the views live in the event store's database and schema (``conninfo`` carries the
search_path); ``listen`` opens a dedicated connection for LISTEN. On SQLite they live in their own
file in WAL mode: one writer connection guarded by a lock (``BEGIN IMMEDIATE`` also makes writers
in other processes wait) and a few reader connections that never wait for it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from projections.database import (
    Dialect,
    Params,
    Row,
    Snapshot,
    Transaction,
    ViewDatabase,
    adapt,
    same_placeholders,
    to_qmark,
)


class PostgresViewDatabase(ViewDatabase):
    dialect: Dialect = "postgres"

    def __init__(self, conninfo: str, pool_size: int = 4) -> None:
        self.conninfo = conninfo
        self._pool: ConnectionPool[Any] = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"autocommit": True, "row_factory": dict_row},
            name="steelyard-views",
            open=True,
        )

    @contextmanager
    def transaction(self, buffered: bool = True) -> Iterator[Transaction]:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            tx = Transaction(cursor, "postgres", same_placeholders, conn, buffered=buffered)
            yield tx
            tx.flush()

    def query(self, statement: str, params: Params = None) -> list[Row]:
        with self._pool.connection() as conn, conn.cursor() as cursor:
            cursor.execute(statement, adapt("postgres", params))
            return list(cursor.fetchall())

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield Snapshot(cursor, "postgres", same_placeholders)

    @contextmanager
    def listen(self, channel: str) -> Iterator[Callable[[float], bool]]:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

            def wait(timeout: float) -> bool:
                return any(True for _ in conn.notifies(timeout=timeout, stop_after=1))

            yield wait

    def close(self) -> None:
        self._pool.close()


class SQLiteViewDatabase(ViewDatabase):
    dialect: Dialect = "sqlite"

    def __init__(self, path: Path, lock_timeout: float = 30.0) -> None:
        self.path = path
        self._timeout = lock_timeout
        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = self._connect()
        self._writer.execute("PRAGMA journal_mode=WAL")
        self._write_lock = threading.Lock()
        self._writing: int | None = None  # the thread inside a write transaction
        self._readers: list[sqlite3.Connection] = []
        self._all_readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    @contextmanager
    def transaction(self, buffered: bool = True) -> Iterator[Transaction]:
        if self._writing == threading.get_ident():
            raise RuntimeError("transactions do not nest: use the one you are in")
        with self._write_lock:
            self._writing = threading.get_ident()
            try:
                self._writer.execute("BEGIN IMMEDIATE")  # other processes' writers wait
                tx = Transaction(
                    self._writer.cursor(), "sqlite", to_qmark, self._writer, buffered=buffered
                )
                yield tx
                tx.flush()
                self._writer.commit()
            except BaseException:
                self._writer.rollback()
                raise
            finally:
                self._writing = None

    def query(self, statement: str, params: Params = None) -> list[Row]:
        conn = self._reader()
        try:
            cursor = conn.execute(to_qmark(statement), adapt("sqlite", params))
            return [dict(row) for row in cursor.fetchall()]
        finally:
            with self._readers_lock:
                self._readers.append(conn)

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        conn = self._reader()
        try:
            conn.execute("BEGIN")  # deferred: the snapshot is taken at the first read
            try:
                yield Snapshot(conn.cursor(), "sqlite", to_qmark)
            finally:
                conn.rollback()
        finally:
            with self._readers_lock:
                self._readers.append(conn)

    def _reader(self) -> sqlite3.Connection:
        with self._readers_lock:
            if self._readers:
                return self._readers.pop()
            conn = self._connect()
            self._all_readers.append(conn)
            return conn

    def close(self) -> None:
        with self._write_lock, self._readers_lock:
            for conn in [self._writer, *self._all_readers]:
                conn.close()
            self._readers.clear()
            self._all_readers.clear()


class ViewSettings(Protocol):
    """What ``open_views`` reads (``interfaces.config.Settings`` fits; not imported here)."""

    @property
    def persistence(self) -> str: ...

    @property
    def sqlite_path(self) -> Path: ...

    @property
    def postgres(self) -> Any: ...


def open_views(settings: ViewSettings, pool_size: int | None = None) -> ViewDatabase:
    """The read models' database: PostgreSQL (the event store's database and schema), or a
    SQLite file beside the embedded store."""
    if settings.persistence == "postgres":
        default = int(getattr(settings.postgres, "pool_size", 4))
        size = default if pool_size is None else pool_size
        primary = PostgresViewDatabase(settings.postgres.conninfo(), size)
        standby = getattr(settings, "read_replica", None)
        if standby is None:
            return primary
        from projections.replica import ReplicaReads  # queries on the hot standby

        return ReplicaReads(primary, PostgresViewDatabase(standby.conninfo(), size))
    return SQLiteViewDatabase(Path(settings.sqlite_path).with_suffix(".views.db"))
