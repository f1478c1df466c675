"""A small SQL gateway for read models, the same API on PostgreSQL and SQLite.

SQL is written once, in psycopg's placeholder style (``%s`` or ``%(name)s``; ``%%`` for a literal
percent sign) and translated to ``?``/``:name`` for SQLite. Column types that differ between the
back ends are named in DDL as ``{money}``, ``{quantity}``, ``{uuid}``, ``{timestamp}``, ``{bigint}``
and filled in by ``tx.ddl(...)``.

Money and quantities are NUMERIC on PostgreSQL and TEXT on SQLite (parameters are adapted: a
``Decimal`` is stored as its string), so a View turns them back with ``to_decimal``. Do decimal
arithmetic in Python, not in SQL: on SQLite ``total + %s`` or ``SUM(total)`` over TEXT goes
through floating point.

What a column holds: every value the domain can hold, sums included. A domain value is exact to
Python's decimal precision (28 digits): an amount, with its 2 places, is below 10^26 CNY and a
quantity below 10^25 t (``Money``/``Quantity`` cannot round a larger one to their places), and
NUMERIC(28,2) / NUMERIC(28,3) hold exactly those. That is 10^13 times the largest single amount
the API accepts (``domain/values.py``), so no sum of accepted amounts a store can ever hold
overflows a column. On SQLite, TEXT keeps every digit. Integer columns (``{bigint}``: positions,
cents and nanometres kept for filtering and sorting) hold only values the domain's bounds keep
far below 2^63.

The two implementations are in ``projections.backends``.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal, Protocol
from uuid import UUID

Params = Sequence[Any] | Mapping[str, Any] | None
Row = dict[str, Any]
Dialect = Literal["postgres", "sqlite"]

COLUMN_TYPES: dict[str, dict[str, str]] = {
    "postgres": {
        "money": "NUMERIC(28,2)",
        "quantity": "NUMERIC(28,3)",
        "price": "NUMERIC(28,2)",
        "uuid": "UUID",
        "timestamp": "TIMESTAMPTZ",
        "bigint": "BIGINT",
    },
    "sqlite": {
        "money": "TEXT",
        "quantity": "TEXT",
        "price": "TEXT",
        "uuid": "TEXT",
        "timestamp": "TEXT",
        "bigint": "INTEGER",
    },
}


def to_decimal(value: Any) -> Decimal | None:
    """A stored money/quantity value as a Decimal (NUMERIC on PostgreSQL, TEXT on SQLite)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"not a stored decimal: {value!r}")


def to_uuid(value: Any) -> UUID | None:
    """A stored id as a UUID (UUID on PostgreSQL, TEXT on SQLite)."""
    return value if value is None or isinstance(value, UUID) else UUID(str(value))


class Transaction:
    """One database transaction: statements run in it commit or roll back together."""

    def __init__(self, cursor: Any, dialect: Dialect, translate: Callable[[str], str]) -> None:
        self._cursor = cursor
        self.dialect: Dialect = dialect
        self._translate = translate

    def execute(self, statement: str, params: Params = None) -> int:
        """Run one statement; returns the number of rows it changed (``rowcount``)."""
        self._cursor.execute(self._translate(statement), adapt(self.dialect, params))
        return int(self._cursor.rowcount)

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        adapted = [adapt(self.dialect, row) for row in rows]
        self._cursor.executemany(self._translate(statement), adapted)

    def fetchall(self, statement: str | None = None, params: Params = None) -> list[Row]:
        """Rows of the last statement, or run ``statement`` first and return its rows."""
        if statement is not None:
            self.execute(statement, params)
        return [dict(row) for row in self._cursor.fetchall()]

    def fetchone(self, statement: str | None = None, params: Params = None) -> Row | None:
        if statement is not None:
            self.execute(statement, params)
        row = self._cursor.fetchone()
        return None if row is None else dict(row)

    def ddl(self, template: str) -> None:
        """Run DDL whose back-end specific column types are written ``{money}``, ``{uuid}``..."""
        self._cursor.execute(template.format(**COLUMN_TYPES[self.dialect]))

    def lock(self, key: str) -> None:
        """Hold a lock named ``key`` until this transaction ends (serialises concurrent runners).

        PostgreSQL: a transaction-level advisory lock (scoped to the current schema). SQLite: the
        write transaction already holds the database's single write lock.
        """
        if self.dialect == "postgres":
            self._cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || %s, 0))",
                (key,),
            )


class Reader(Protocol):
    """Something that answers read-only queries: a ViewDatabase, or one of its snapshots."""

    def query(self, statement: str, params: Params = None) -> list[Row]: ...

    def snapshot(self) -> Any:
        """``with reader.snapshot() as same:`` reads from one moment (a Snapshot is its own)."""


class Snapshot:
    """Queries inside one read-only transaction: every answer is from the same moment, however
    many committed writes land meanwhile (REPEATABLE READ on PostgreSQL; a WAL read transaction
    on SQLite)."""

    def __init__(self, cursor: Any, dialect: Dialect, translate: Callable[[str], str]) -> None:
        self._cursor = cursor
        self.dialect: Dialect = dialect
        self._translate = translate

    def query(self, statement: str, params: Params = None) -> list[Row]:
        self._cursor.execute(self._translate(statement), adapt(self.dialect, params))
        return [dict(row) for row in self._cursor.fetchall()]

    def snapshot(self) -> AbstractContextManager[Snapshot]:
        return nullcontext(self)


class ViewDatabase(ABC):
    dialect: Dialect

    @abstractmethod
    def transaction(self) -> Any:
        """``with db.transaction() as tx:`` commits at the end, rolls back on an exception."""

    @abstractmethod
    def query(self, statement: str, params: Params = None) -> list[Row]:
        """Run a read-only statement outside any write transaction; rows as dicts."""

    @abstractmethod
    def snapshot(self) -> Any:
        """``with db.snapshot() as reader: reader.query(...)``: consistent reads (see Snapshot)."""

    @abstractmethod
    def close(self) -> None: ...

    def listen(self, channel: str) -> Any:
        """PostgreSQL only: ``with db.listen(ch) as wait: wait(seconds) -> bool`` (notified?)."""
        raise NotImplementedError(f"{self.dialect} has no LISTEN/NOTIFY")


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%s|%%")


def same_placeholders(statement: str) -> str:
    return statement


@lru_cache(maxsize=1024)
def to_qmark(statement: str) -> str:
    """psycopg placeholders → sqlite3's: ``%s`` → ``?``, ``%(n)s`` → ``:n``, ``%%`` → ``%``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            return ":" + match.group(1)
        return "?" if match.group(0) == "%s" else "%"

    return _PLACEHOLDER.sub(replace, statement)


def adapt(dialect: Dialect, params: Params) -> Sequence[Any] | Mapping[str, Any]:
    """Never None, so ``%%`` means ``%`` on both (psycopg skips parsing when given no params)."""
    if params is None:
        return ()
    if dialect == "postgres":
        return params
    if isinstance(params, Mapping):
        return {key: _sqlite_value(value) for key, value in params.items()}
    return [_sqlite_value(value) for value in params]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
