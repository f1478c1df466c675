"""A ledger on a test's store with a few streams of events, and raw access to its tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from domain.ledger import Claim, Ledger
from interfaces.config import Settings
from interfaces.integrity.keys import SigningKey
from interfaces.persistence.integrity_log import IntegrityLog
from interfaces.persistence.store_check import StoreCheck, StoreReport


def ledger_on(settings: Settings) -> Ledger:
    return Ledger(env=settings.eventsourcing_env())


def write_streams(ledger: Ledger, streams: int, versions: int) -> list[uuid.UUID]:
    """``streams`` claims of ``versions`` events each, saved one stream at a time."""
    ids = []
    for n in range(streams):
        claim = Claim(kind="test", value=f"{uuid.uuid4()}-{n}", owner_id=uuid.uuid4())
        for _ in range(versions - 1):
            claim.transfer(uuid.uuid4())
        ledger.save(claim)
        ids.append(claim.id)
    return ids


def check(ledger: Ledger, key: SigningKey | None = None) -> StoreReport:
    pem = key.public_key_pem() if key is not None else None
    return StoreCheck(IntegrityLog.of(ledger), pem).run()


@contextmanager
def raw_sql(settings: Settings) -> Iterator[Any]:
    """A connection to the test's schema, outside the recorder (as an intruder would)."""
    with psycopg.connect(settings.postgres.conninfo(), autocommit=True) as conn:
        yield conn
