"""Two throw-away PostgreSQL 15 clusters: a primary and its hot standby, made the engine's own
way (``pg_basebackup -R``, streaming replication). Run as the ``postgres`` user when the tests
run as root (the server refuses root). Both are stopped and deleted on exit."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.serving import free_port

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
USER, PASSWORD, DBNAME = "steelyard", "steelyard", "steelyard"


@dataclass(frozen=True)
class Pair:
    primary_port: int
    standby_port: int

    def conninfo(self, port: int, dbname: str = DBNAME, user: str = USER) -> str:
        return f"host=127.0.0.1 port={port} dbname={dbname} user={user} password={PASSWORD}"


def available() -> bool:
    return (PG_BIN / "pg_basebackup").is_file() and (os.geteuid() != 0 or _has_postgres_user())


def _has_postgres_user() -> bool:
    return subprocess.run(["id", "postgres"], capture_output=True, check=False).returncode == 0


def _as_owner(*command: str | Path, cwd: Path) -> None:
    args = [str(c) for c in command]
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stdout}{done.stderr}")


def _start(folder: Path, data: Path, port: int) -> None:
    _as_owner(
        PG_BIN / "pg_ctl", "-D", data, "-l", folder / f"{data.name}.log",
        "-o", f"-p {port}", "-w", "-t", "60", "start", cwd=folder,
    )  # fmt: skip


@contextmanager
def primary_and_standby() -> Iterator[Pair]:
    folder = Path(tempfile.mkdtemp(prefix="steelyard-pair-", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    primary, standby = folder / "primary", folder / "standby"
    started: list[Path] = []
    try:
        _as_owner(
            PG_BIN / "initdb", "-D", primary, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync", "--no-instructions", cwd=folder,
        )  # fmt: skip
        with (primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{folder}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                "max_connections = 100\ntimezone = 'UTC'\nfsync = off\n"
            )
        with (primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        primary_port = free_port()
        _start(folder, primary, primary_port)
        started.append(primary)
        with psycopg.connect(
            f"host=127.0.0.1 port={primary_port} dbname=postgres user=postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE ROLE {USER} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
            conn.execute(f"CREATE DATABASE {DBNAME} OWNER {USER}")
        _as_owner(
            PG_BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U",
            "postgres", "-D", standby, "-R", "-X", "stream", "-c", "fast", cwd=folder,
        )  # fmt: skip
        standby_port = free_port()
        _start(folder, standby, standby_port)
        started.append(standby)
        pair = Pair(primary_port, standby_port)
        _until_streaming(pair)
        yield pair
    finally:
        for data in reversed(started):
            with suppress(RuntimeError):
                _as_owner(
                    PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", cwd=folder
                )
        shutil.rmtree(folder, ignore_errors=True)


def _until_streaming(pair: Pair) -> None:
    deadline = time.monotonic() + 60
    query = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
    while True:
        with psycopg.connect(pair.conninfo(pair.primary_port, "postgres", "postgres")) as conn:
            row = conn.execute(query).fetchone()
        if row and row[0] >= 1:
            return
        if time.monotonic() > deadline:
            raise RuntimeError("the standby never started streaming")
        time.sleep(0.2)
