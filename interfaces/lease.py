"""A lease that at most one process holds at a time: the scheduler runs its jobs only while it
holds one, however many schedulers (or ``steelyard serve`` processes) are started.

PostgreSQL: a session-level advisory lock on a connection of its own, named after the store's
schema, so two stores on one server do not share it. If the holder dies, or its connection
drops, the server releases the lock and the next process to ask takes it over. SQLite: an
exclusive ``flock`` on a file beside the store, released by the kernel when the holder exits.

The jobs stay idempotent (each re-checks from fresh state inside its command), so the short
moment in which a holder that lost its connection finishes a tick while another takes over
can change nothing twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path
from typing import IO, Any

import psycopg

from interfaces.config import Settings

log = logging.getLogger("steelyard.lease")


def lock_key(name: str, scope: str) -> int:
    """A stable signed 64-bit key for ``pg_try_advisory_lock``."""
    digest = hashlib.sha256(f"steelyard:{scope}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Lease:
    def __init__(self, settings: Settings, name: str) -> None:
        self.settings = settings
        self.name = name
        self._conn: psycopg.Connection[Any] | None = None
        self._file: IO[str] | None = None

    @property
    def where(self) -> str:
        if self.settings.persistence == "sqlite":
            return str(self._lock_path())
        return f"advisory lock {lock_key(self.name, self.settings.postgres.schema or 'public')}"

    def held(self) -> bool:
        """Whether this process holds the lease now, taking it if it is free."""
        if self.settings.persistence == "sqlite":
            return self._held_file()
        return self._held_advisory()

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()  # the session ends: the server releases its locks
            finally:
                self._conn = None
        if self._file is not None:
            try:
                fcntl.flock(self._file, fcntl.LOCK_UN)
                self._file.close()
            finally:
                self._file = None

    # ---- PostgreSQL ----------------------------------------------------------------------
    def _held_advisory(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute("SELECT 1")
                return True  # still our session, so still our lock
            except psycopg.Error:
                log.warning("lease %s: connection lost; the lock is free for others", self.name)
                self._conn = None
        key = lock_key(self.name, self.settings.postgres.schema or "public")
        try:
            conn = psycopg.connect(
                self.settings.postgres.conninfo(), autocommit=True, connect_timeout=5
            )
        except psycopg.OperationalError as exc:
            log.warning("lease %s: cannot reach the store: %s", self.name, exc)
            return False
        row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
        if row is None or not row[0]:
            conn.close()
            return False
        self._conn = conn
        log.info("lease %s taken by process %d", self.name, os.getpid())
        return True

    # ---- SQLite --------------------------------------------------------------------------
    def _lock_path(self) -> Path:
        store = self.settings.sqlite_path.resolve()
        return store.with_name(f"{store.name}.{self.name}.lock")

    def _held_file(self) -> bool:
        if self._file is not None:
            return True
        path = self._lock_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        log.info("lease %s taken by process %d", self.name, os.getpid())
        return True
