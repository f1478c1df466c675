"""What every ``steelyard`` command shares: exit codes, one-line errors, opening the store.

Every error is one line on stderr and one of the exit codes below (README, "Command line"),
never a traceback. Commands that only read (status, reconcile, rebuild, project, scheduler,
audit …) never create a store: with none at the configured location they stop with exit 3.
New command modules (``interfaces/commands/<topic>.py``) import from here, and ``interfaces/cli.py``
imports them, so no command module imports the ``steelyard`` app itself.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import psycopg
import typer
from eventsourcing.persistence import PersistenceError
from typer.core import TyperGroup

from domain.errors import DomainError
from interfaces.config import ConfigError, Settings

if TYPE_CHECKING:
    from interfaces.wiring import Services

EXIT_CHECK_FAILED = 1  # a check found a problem: differences, a stopped read model, a failed job
EXIT_USAGE = 2  # the command line itself is wrong (or asks for what needs an explicit flag)
EXIT_NO_STORE = 3  # no event store at the configured location, or it cannot be reached
EXIT_BAD_INPUT = 4  # the input is refused: unreadable file, encoding, CSV, a refused command
EXIT_CONFIG = 5  # the environment's settings are invalid
EXIT_INTERNAL = 70  # a defect; STEELYARD_DEBUG=1 shows its traceback


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"steelyard: {' '.join(message.split())}", err=True)
    raise typer.Exit(code=code)


class GuardedGroup(TyperGroup):
    """Turns every error a command raises into one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:  # typer's own click Context
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except CliError as exc:
            fail(exc.message, exc.code)
        except ConfigError as exc:
            fail(f"configuration: {exc}", EXIT_CONFIG)
        except DomainError as exc:
            fail(f"{exc.code}: {exc.detail}", EXIT_BAD_INPUT)
        except (psycopg.Error, sqlite3.Error, PersistenceError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            fail(f"the event store failed: {first}", EXIT_NO_STORE)
        except Exception as exc:
            if os.environ.get("STEELYARD_DEBUG") == "1":
                raise
            fail(
                f"unexpected {type(exc).__name__}: {exc} (STEELYARD_DEBUG=1 shows the traceback)",
                EXIT_INTERNAL,
            )


def store_location(settings: Settings) -> str:
    """Where the event store is, unambiguously: the absolute file, or server, database, schema."""
    if settings.persistence == "sqlite":
        return f"sqlite {settings.sqlite_path.resolve()}"
    pg = settings.postgres
    return f"postgres {pg.user}@{pg.host}:{pg.port}/{pg.dbname} schema {pg.schema or 'public'}"


def require_store(settings: Settings) -> None:
    """Stop with exit 3 unless an event store exists where the settings point; creates nothing."""
    if settings.persistence == "sqlite":
        path = settings.sqlite_path.resolve()
        if not path.is_file():
            raise CliError(
                f"no event store at {path} (set STEELYARD_SQLITE_PATH to the store's file, "
                "or run from the folder that holds var/)",
                EXIT_NO_STORE,
            )
        found = _sqlite_has_events(path)
    else:
        from domain.ledger import Ledger

        try:
            with psycopg.connect(settings.postgres.conninfo(), connect_timeout=5) as pg:
                row = pg.execute("SELECT to_regclass(%s)", (f"{Ledger.name}_events",)).fetchone()
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0]
            raise CliError(
                f"cannot reach the event store ({store_location(settings)}): {first}",
                EXIT_NO_STORE,
            ) from None
        found = row is not None and row[0] is not None
    if not found:
        raise CliError(f"no event store at {store_location(settings)}", EXIT_NO_STORE)


def _sqlite_has_events(path: Path) -> bool:
    """Whether the file holds the event table (opened read-only: nothing is created)."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        query = "SELECT 1 FROM sqlite_master WHERE type='table' AND name='stored_events'"
        return conn.execute(query).fetchone() is not None
    finally:
        conn.close()


def open_store(read_only: bool = True) -> Services:
    """The services on the configured store; a read-only command requires it to exist."""
    from interfaces.wiring import Services

    settings = Settings.from_env()
    if read_only:
        require_store(settings)
    return Services.build(settings, create_tables=not read_only)


def configure_logs() -> None:
    """The long-running commands log as the API does (interfaces/logs.py)."""
    from interfaces.logs import configure_logging

    configure_logging(Settings.from_env())
