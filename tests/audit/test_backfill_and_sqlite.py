"""A store written before hashing existed gets its hashes by a resumable backfill (and a write
meanwhile hashes what is left first, in order); the embedded SQLite store is hashed, proven and
verified the same way as PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from domain.ledger import Ledger
from interfaces.config import Settings
from interfaces.integrity.documents import check_document
from interfaces.integrity.keys import SigningKey
from interfaces.persistence.integrity_log import IntegrityLog
from tests.audit.helpers import check, ledger_on, write_streams

PLAIN = {
    "postgres": "eventsourcing.postgres:PostgresApplicationRecorder",
    "sqlite": "eventsourcing.sqlite:SQLiteApplicationRecorder",
}


class StopBackfillError(Exception):
    pass


def _stop(done: int) -> None:
    raise StopBackfillError


def _legacy_store(settings: Settings) -> None:
    """Events written by the library's own recorder, as before this change."""
    env = settings.eventsourcing_env() | {"APPLICATION_RECORDER_TOPIC": PLAIN[settings.persistence]}
    old = Ledger(env=env)
    write_streams(old, 6, 4)
    old.close()


def test_a_legacy_store_is_backfilled_resumably_and_then_verifies(settings: Settings) -> None:
    _legacy_store(settings)
    key = SigningKey.generate()
    ledger = ledger_on(settings)  # the hash tables are added beside the old events
    try:
        log = IntegrityLog.of(ledger)
        before = check(ledger, key)
        assert not before.ok and before.unhashed == 24 and before.broken == []
        assert log.unhashed() == 24

        with pytest.raises(StopBackfillError):
            log.backfill(batch=10, progress=_stop)
        assert log.head().size == 10 and log.unhashed() == 14  # the first batch committed
        assert log.backfill(batch=10) == 14
        assert log.head().size == 24 and log.unhashed() == 0
        write_streams(ledger, 1, 2)
        checkpoint = log.take_checkpoint(key)
        assert checkpoint is not None and checkpoint.tree_size == 26
        assert check(ledger, key).ok
        assert check_document(log.inclusion_proof(1), key.public_key_pem()) == []
    finally:
        ledger.close()


def test_a_write_before_the_backfill_finishes_hashes_the_rest_first(settings: Settings) -> None:
    _legacy_store(settings)
    ledger = ledger_on(settings)
    log = IntegrityLog.of(ledger)
    try:
        with pytest.raises(StopBackfillError):
            log.backfill(batch=5, progress=_stop)
        write_streams(ledger, 1, 1)  # the old events become leaves first, in store order
        assert log.head().size == 25 and log.unhashed() == 0
        assert check(ledger).ok
    finally:
        ledger.close()


def test_the_embedded_sqlite_store_is_proven_and_tampering_named(tmp_path: Path) -> None:
    settings = Settings.from_env({"STEELYARD_SQLITE_PATH": str(tmp_path / "s.db")})
    key = SigningKey.from_settings(settings)  # the embedded default's dev key
    ledger = ledger_on(settings)
    try:
        _a, b = write_streams(ledger, 2, 3)
        log = IntegrityLog.of(ledger)
        old = log.take_checkpoint(key)
        write_streams(ledger, 3, 2)
        new = log.take_checkpoint(key)
        assert old is not None and new is not None
        pem = key.public_key_pem()
        assert check_document(log.inclusion_proof(2, old.tree_size), pem) == []
        assert check_document(log.consistency_proof(old.tree_size), pem) == []
        assert check(ledger, key).ok
        with sqlite3.connect(tmp_path / "s.db") as conn:
            conn.execute(
                "UPDATE stored_events SET state = X'7B7D' "
                "WHERE originator_id = ? AND originator_version = 3",
                (b.hex,),
            )
        report = check(ledger, key)
        assert [(x.stream_id, x.version, x.kind) for x in report.broken] == [(b, 3, "edited")]
        assert report.checkpoint is not None and report.checkpoint.tree_size == old.tree_size
    finally:
        ledger.close()
