"""An old checkpoint still holds after a million more events: the consistency proof from it to
a checkpoint of the grown store verifies, and so do inclusion proofs of an early event against
both (the million are written through the recorder in batches of 10,000, hashed as any write)."""

from __future__ import annotations

import time
import uuid

import pytest
from eventsourcing.persistence import StoredEvent

from domain.ledger import Ledger
from interfaces.config import Settings
from interfaces.integrity.documents import check_document
from interfaces.integrity.keys import SigningKey
from interfaces.persistence.integrity_log import IntegrityLog
from tests.audit.helpers import ledger_on, write_streams

MORE = 1_000_000
BATCH = 10_000
VERSIONS = 100  # events per stream


def _write_million(ledger: Ledger) -> None:
    state = b'{"amount":{"_t":"dec","_v":"1000.00"},"reference":"bulk"}'
    for _ in range(MORE // BATCH):
        streams = [uuid.uuid4() for _ in range(BATCH // VERSIONS)]
        ledger.recorder.insert_events(
            [
                StoredEvent(stream, version, "bench:Bulk.Event", state)
                for stream in streams
                for version in range(1, VERSIONS + 1)
            ]
        )


@pytest.mark.slow
def test_an_old_checkpoint_holds_after_a_million_more_events(pg_settings: Settings) -> None:
    key = SigningKey.generate()
    ledger = ledger_on(pg_settings)
    try:
        write_streams(ledger, 4, 5)
        log = IntegrityLog.of(ledger)
        old = log.take_checkpoint(key)
        assert old is not None and old.tree_size == 20
        early = log.inclusion_proof(7)
        started = time.monotonic()
        _write_million(ledger)
        written = time.monotonic() - started
        new = log.take_checkpoint(key)
        assert new is not None and new.tree_size == 20 + MORE
        pem = key.public_key_pem()
        assert check_document(log.consistency_proof(old.tree_size, new.tree_size), pem) == []
        assert check_document(early, pem) == []  # the proof kept from before still holds
        assert check_document(log.inclusion_proof(7, new.tree_size), pem) == []
        assert check_document(log.inclusion_proof(ledger.head()), pem) == []
        print(f"\n{MORE} events written and hashed in {written:.1f} s")
    finally:
        ledger.close()
