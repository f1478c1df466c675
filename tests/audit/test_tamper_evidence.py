"""Tamper evidence on PostgreSQL: rows of the event table edited, deleted, reordered or inserted
directly with SQL are each found by `verify`, which names the first broken link of every broken
stream and the first checkpoint that no longer matches; untouched streams are not named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.ledger import Ledger
from interfaces.config import Settings
from interfaces.integrity.chain import GENESIS, event_hash
from interfaces.integrity.keys import SigningKey
from interfaces.persistence.integrity_log import IntegrityLog
from tests.audit.helpers import check, ledger_on, raw_sql, write_streams

EVENTS, HASHES = "steelyard_events", "steelyard_event_hashes"


@pytest.fixture
def ledger(pg_settings: Settings) -> Iterator[Ledger]:
    ledger = ledger_on(pg_settings)
    yield ledger
    ledger.close()


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate()


def _named(report, stream) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    found = [b for b in report.broken if b.stream_id == stream]
    assert len(found) == 1, report.broken
    return found[0].version, found[0].kind


def test_an_untouched_store_verifies(ledger: Ledger, key: SigningKey) -> None:
    write_streams(ledger, 5, 3)
    IntegrityLog.of(ledger).take_checkpoint(key)
    write_streams(ledger, 2, 2)
    report = check(ledger, key)
    assert report.ok, report
    assert (report.events, report.streams, report.checkpoints) == (19, 7, 1)


def test_an_edited_event_is_named_with_the_first_checkpoint_it_breaks(
    ledger: Ledger, pg_settings: Settings, key: SigningKey
) -> None:
    _a, b, _c = write_streams(ledger, 3, 3)
    log = IntegrityLog.of(ledger)
    first = log.take_checkpoint(key)  # 9 events
    write_streams(ledger, 1, 1)
    log.take_checkpoint(key)  # 10
    with raw_sql(pg_settings) as conn:
        conn.execute(
            f"UPDATE {EVENTS} SET state = convert_to('{{\"forged\": 1}}', 'UTF8') "
            "WHERE originator_id = %s AND originator_version = 2",
            (b,),
        )
    report = check(ledger, key)
    assert not report.ok
    assert _named(report, b) == (2, "edited")
    assert {x.stream_id for x in report.broken} == {b}
    assert report.checkpoint is not None and report.checkpoint.tree_size == first.tree_size


def test_a_deleted_event_is_named(ledger: Ledger, pg_settings: Settings, key: SigningKey) -> None:
    _a, _b, c = write_streams(ledger, 3, 4)
    IntegrityLog.of(ledger).take_checkpoint(key)
    with raw_sql(pg_settings) as conn:
        conn.execute(
            f"DELETE FROM {EVENTS} WHERE originator_id = %s AND originator_version = 2", (c,)
        )
    report = check(ledger, key)
    assert _named(report, c) == (2, "deleted")
    assert [x.stream_id for x in report.broken] == [c]
    assert report.checkpoint is not None


def test_an_event_deleted_with_its_hash_row_is_named_by_the_gap(
    ledger: Ledger, pg_settings: Settings, key: SigningKey
) -> None:
    a, _b = write_streams(ledger, 2, 4)
    with raw_sql(pg_settings) as conn:
        for table in (EVENTS, HASHES):
            conn.execute(
                f"DELETE FROM {table} WHERE originator_id = %s AND originator_version = 3", (a,)
            )
    report = check(ledger, key)
    assert _named(report, a) == (3, "deleted")
    assert "versions 3..3 are gone" in report.broken[0].detail


def test_reordered_events_are_named(ledger: Ledger, pg_settings: Settings, key: SigningKey) -> None:
    a, b, c = write_streams(ledger, 3, 2)
    IntegrityLog.of(ledger).take_checkpoint(key)
    with raw_sql(pg_settings) as conn:  # a's first event and c's first event swap places
        (pa,), (pc,) = (
            conn.execute(
                f"SELECT notification_id FROM {EVENTS} WHERE originator_id = %s "
                "AND originator_version = 1",
                (s,),
            ).fetchone()
            for s in (a, c)
        )
        conn.execute(f"UPDATE {EVENTS} SET notification_id = -1 WHERE notification_id = %s", (pa,))
        conn.execute(
            f"UPDATE {EVENTS} SET notification_id = %s WHERE notification_id = %s", (pa, pc)
        )
        conn.execute(f"UPDATE {EVENTS} SET notification_id = %s WHERE notification_id = -1", (pc,))
    report = check(ledger, key)
    assert _named(report, a)[1] == "reordered"
    assert _named(report, c)[1] == "reordered"
    assert b not in {x.stream_id for x in report.broken}
    assert report.checkpoint is not None


def test_versions_swapped_within_a_stream_are_named(
    ledger: Ledger, pg_settings: Settings, key: SigningKey
) -> None:
    (a,) = write_streams(ledger, 1, 4)
    with raw_sql(pg_settings) as conn:
        swap = (
            f"UPDATE {EVENTS} SET originator_version = %s "
            "WHERE originator_id = %s AND originator_version = %s"
        )
        conn.execute(swap, (-3, a, 3))
        conn.execute(swap, (3, a, 2))
        conn.execute(swap, (2, a, -3))
    report = check(ledger, key)
    version, kind = _named(report, a)
    assert (version, kind) == (2, "reordered")


def test_an_inserted_event_is_named_and_never_becomes_a_leaf(
    ledger: Ledger, pg_settings: Settings, key: SigningKey
) -> None:
    a, _b = write_streams(ledger, 2, 2)
    log = IntegrityLog.of(ledger)
    log.take_checkpoint(key)
    with raw_sql(pg_settings) as conn:
        conn.execute(
            f"INSERT INTO {EVENTS} (originator_id, originator_version, topic, state) "
            f"SELECT originator_id, 3, topic, state FROM {EVENTS} "
            "WHERE originator_id = %s AND originator_version = 2",
            (a,),
        )
    write_streams(ledger, 1, 1)  # the next write does not adopt the intruder's row
    log.take_checkpoint(key)
    report = check(ledger, key)
    assert _named(report, a) == (3, "inserted")
    assert [x.stream_id for x in report.broken] == [a]


def test_rows_rewritten_with_their_hashes_are_caught_by_the_checkpoint(
    ledger: Ledger, pg_settings: Settings, key: SigningKey
) -> None:
    """An intruder who also recomputes the hash rows leaves every chain whole: the signed
    checkpoint, recomputed from the events themselves, is what no longer holds."""
    (a,) = write_streams(ledger, 1, 1)
    checkpoint = IntegrityLog.of(ledger).take_checkpoint(key)
    assert checkpoint is not None
    with raw_sql(pg_settings) as conn:
        topic, state = conn.execute(f"SELECT topic, state FROM {EVENTS}").fetchone()
        forged = bytes(state).replace(b"test", b"tost")
        conn.execute(f"UPDATE {EVENTS} SET state = %s", (forged,))
        conn.execute(
            f"UPDATE {HASHES} SET event_hash = %s", (event_hash(a, 1, topic, forged, GENESIS),)
        )
    report = check(ledger, key)
    assert report.broken == []
    assert report.checkpoint is not None and report.checkpoint.tree_size == 1
    assert "now hash to root" in report.checkpoint.detail
