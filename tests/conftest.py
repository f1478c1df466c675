"""Shared fixtures: each test gets a clean store.

With PostgreSQL configured (the test command exports STEELYARD_PERSISTENCE=postgres and the
POSTGRES_* variables of its throw-away cluster) every test gets a fresh schema, dropped after it.
Without it, tests run on a SQLite file in the test's temporary folder.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from interfaces.config import PostgresSettings, Settings

ON_POSTGRES = os.environ.get("STEELYARD_PERSISTENCE") == "postgres"


def _admin_conninfo(pg: PostgresSettings) -> str:
    return replace(pg, schema="").conninfo()


@contextmanager
def throwaway_settings(folder: Path) -> Iterator[Settings]:
    """Settings on a clean store: a fresh PostgreSQL schema (dropped after) or a SQLite file."""
    base = Settings.from_env(
        {
            **os.environ,
            "STEELYARD_SECRET_KEY": "test-secret-of-at-least-32-bytes-long",
            "STEELYARD_ALLOW_DEV_SECRET": "1",  # a dev signing key in the test's folder
            "STEELYARD_PASSWORD_HASH_COST": "fast",
            "STEELYARD_READ_WAIT_SECONDS": "5",
        }
        | {"STEELYARD_SQLITE_PATH": str(folder / "steelyard.db")}
    )
    if not ON_POSTGRES:
        yield base
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_conninfo(base.postgres), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield replace(base, postgres=replace(base.postgres, schema=schema, pool_size=4))
    finally:
        with psycopg.connect(_admin_conninfo(base.postgres), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    with throwaway_settings(tmp_path) as configured:
        yield configured


@pytest.fixture
def pg_settings(settings: Settings) -> Settings:
    """For tests that only make sense on PostgreSQL (LISTEN/NOTIFY, real concurrency)."""
    if settings.persistence != "postgres":
        pytest.skip("needs PostgreSQL: run through scripts/test")
    return settings
