"""What every benchmark needs: a throw-away PostgreSQL schema, the raw commit-rate baseline
measured on the same server in the same run, and a timed loop over threads."""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

import psycopg

from interfaces.config import Settings


def postgres_settings(pool_size: int = 20) -> Settings:
    env = {
        **os.environ,
        "STEELYARD_SECRET_KEY": "bench-secret-of-at-least-32-bytes-long",
        "STEELYARD_PASSWORD_HASH_COST": "fast",
    }
    settings = Settings.from_env(env)
    if settings.persistence != "postgres":
        sys.exit("set STEELYARD_PERSISTENCE=postgres and POSTGRES_* (see README: Benchmarks)")
    return replace(settings, postgres=replace(settings.postgres, pool_size=pool_size))


@contextmanager
def throwaway_schema(settings: Settings) -> Iterator[Settings]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = replace(settings.postgres, schema="").conninfo()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield replace(settings, postgres=replace(settings.postgres, schema=schema))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def timed(workers: int, seconds: float, work: Callable[[int], bool | None]) -> tuple[float, int]:
    """Run ``work(worker_index)`` in a loop on ``workers`` threads for ``seconds``: completed
    calls per second, and how many calls gave up (returned False)."""
    done, failed = [0] * workers, [0] * workers
    stop = time.monotonic() + seconds
    errors: list[BaseException] = []

    def loop(index: int) -> None:
        try:
            while time.monotonic() < stop:
                if work(index) is False:
                    failed[index] += 1
                else:
                    done[index] += 1
        except BaseException as exc:  # reported after the run, never swallowed
            errors.append(exc)

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return sum(done) / (time.monotonic() - started), sum(failed)


def raw_commit_rate(settings: Settings, workers: int, seconds: float) -> float:
    """The ceiling: one-row INSERT + COMMIT per call, one connection per worker."""
    conninfo = settings.postgres.conninfo()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_raw (id BIGSERIAL PRIMARY KEY, body TEXT)")
    connections = [psycopg.connect(conninfo, autocommit=True) for _ in range(workers)]

    def insert(i: int) -> None:
        connections[i].execute("INSERT INTO bench_raw (body) VALUES ('x')")

    try:
        return timed(workers, seconds, insert)[0]
    finally:
        for conn in connections:
            conn.close()


def loaded_machine_note(seconds: float | None = None) -> str:
    """When and on what the figures were measured: the load average says how much the other
    processes on the machine took from them (a shared machine gives noisy figures)."""
    one, five, _ = os.getloadavg()
    cpus = os.cpu_count() or 1
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    per = f", {seconds:g} s per measurement" if seconds is not None else ""
    loaded = " — a LOADED machine, figures are noisy" if five > cpus else ""
    return f"{when}, {cpus} CPUs, load average {one:.1f} / {five:.1f} (1 / 5 min){loaded}{per}"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}" if baseline else "–"


def client_counts(text: str) -> list[int]:
    """``"1,16,64"`` → ``[1, 16, 64]`` (a command-line option)."""
    return [int(part) for part in text.split(",") if part.strip()]


def table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
