"""A folder to run `steelyard` from, and the environment pointing it at a clean store location.

On PostgreSQL (the test command's cluster) each test gets its own empty schema, dropped after;
on SQLite the store's default location is `var/steelyard.db` under the test's own folder, which
is the working directory of every run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from interfaces.config import Settings
from tests.conftest import ON_POSTGRES

STEELYARD = Path(sys.executable).with_name("steelyard")


@dataclass
class Cli:
    folder: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(STEELYARD), *args],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            check=False,
            text=True,
            timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(STEELYARD), *args],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def store_exists(self) -> bool:
        if not ON_POSTGRES:
            return (self.folder / "var" / "steelyard.db").exists()
        with psycopg.connect(self.settings().postgres.conninfo()) as conn:
            row = conn.execute("SELECT to_regclass('steelyard_events')").fetchone()
        return row is not None and row[0] is not None

    def settings(self) -> Settings:
        return Settings.from_env(self.env)


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    env = {k: v for k, v in os.environ.items() if k != "STEELYARD_SQLITE_PATH"}
    env |= {
        "STEELYARD_SECRET_KEY": "test-secret-of-at-least-32-bytes-long",
        "STEELYARD_PASSWORD_HASH_COST": "fast",
    }
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    if not ON_POSTGRES:
        yield Cli(folder, env)
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Settings.from_env(env).postgres.conninfo()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield Cli(folder, env | {"POSTGRES_SCHEMA": schema, "POSTGRES_POOL_SIZE": "2"})
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The run's error: exactly one line on stderr, no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr, result.stderr
    assert len(lines) == 1, result.stderr
    return lines[0]
