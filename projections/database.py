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
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
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


class RowCount:
    """How many rows a buffered write changed, known once the write has been sent.

    It acts as the int it stands for (compare it, test it, ``int()`` it, add to it): the first
    such use sends the writes waiting before it and the write itself. ``Transaction.execute``
    returns one for every INSERT/UPDATE/DELETE, so a handler that checks ``!= 1`` still sees its
    own row count, and one that ignores it lets the write travel with others.
    """

    __slots__ = ("__weakref__", "_tx", "_value")

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx
        self._value: int | None = None

    def __int__(self) -> int:
        if self._value is None:
            self._tx.flush()
        if self._value is None:  # pragma: no cover - flush always sets it
            raise RuntimeError("the write's row count is not known")
        return self._value

    __index__ = __int__

    def __bool__(self) -> bool:
        return int(self) != 0

    def __eq__(self, other: object) -> bool:
        return int(self) == other

    def __ne__(self, other: object) -> bool:
        return int(self) != other

    def __lt__(self, other: int) -> bool:
        return int(self) < other

    def __le__(self, other: int) -> bool:
        return int(self) <= other

    def __gt__(self, other: int) -> bool:
        return int(self) > other

    def __ge__(self, other: int) -> bool:
        return int(self) >= other

    def __add__(self, other: int) -> int:
        return int(self) + other

    __radd__ = __add__

    def __hash__(self) -> int:
        return hash(int(self))

    def __repr__(self) -> str:
        return repr(int(self))

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(int(self), spec)


@dataclass
class _Write:
    statement: str  # as sent (renamed and translated)
    params: Any  # adapted
    counted: weakref.ref[RowCount] | None  # None: nobody can ask for its row count


class Transaction:
    """One database transaction: statements run in it commit or roll back together.

    Writes (INSERT, UPDATE, DELETE without RETURNING) are kept and sent together, consecutive
    runs of the same statement as one ``executemany`` (on PostgreSQL in one pipeline, so a
    flush costs one round trip however many rows it carries), when the transaction next
    reads, runs DDL, takes a lock or commits, or when a write's row count is looked at. So
    every read sees the transaction's own writes, in order. A write's error therefore surfaces
    at the next flush, not at its ``execute``; the projection runner retries a failed batch
    with ``buffered=False`` to name the exact event.

    ``renames`` maps table names to the names the statements are sent with (a rebuild writes
    into new tables; see ``projections.base.Shadow``).
    """

    def __init__(
        self,
        cursor: Any,
        dialect: Dialect,
        translate: Callable[[str], str],
        connection: Any = None,
        renames: Renames | None = None,
        buffered: bool = True,
        pending: list[_Write] | None = None,
    ) -> None:
        self._cursor = cursor
        self.dialect: Dialect = dialect
        self._translate = translate
        self._connection = connection
        self.renames = renames
        self._buffered = buffered and connection is not None
        self._pending: list[_Write] = [] if pending is None else pending  # shared by renamed()

    def renamed(self, renames: Renames | None) -> Transaction:
        """The same transaction, its statements addressed to other tables (or to the real
        ones, with None); both keep their writes in one list, in order, sent by either."""
        return Transaction(
            self._cursor, self.dialect, self._translate, self._connection, renames,
            self._buffered, self._pending,
        )  # fmt: skip

    def _sql(self, statement: str) -> str:
        if self.renames is not None:
            statement = self.renames.apply(statement)
        return self._translate(statement)

    def execute(self, statement: str, params: Params = None) -> int:
        """Run one statement; returns the number of rows it changed (``rowcount``; for a write,
        a RowCount that behaves as that int, see the class)."""
        if self._buffered and is_write(statement):
            counted = RowCount(self)
            self._pending.append(
                _Write(self._sql(statement), adapt(self.dialect, params), weakref.ref(counted))
            )
            if len(self._pending) >= MAX_PENDING:
                self.flush()
            return counted  # type: ignore[return-value]  # an int in every use
        self.flush(then=(self._sql(statement), adapt(self.dialect, params)))
        return int(self._cursor.rowcount)

    def executemany(self, statement: str, rows: Sequence[Params]) -> None:
        if not self._buffered:
            adapted = [adapt(self.dialect, row) for row in rows]
            self._cursor.executemany(self._sql(statement), adapted)
            return
        sql = self._sql(statement)
        self._pending.extend(_Write(sql, adapt(self.dialect, row), None) for row in rows)
        if len(self._pending) >= MAX_PENDING:
            self.flush()

    def flush(self, then: tuple[str, Any] | None = None) -> None:
        """Send the writes kept so far, in order (each RowCount still held gets its count),
        and ``then`` a read (sent statement, adapted params) on the transaction's cursor, in the
        same round trip on PostgreSQL."""
        pending = self._pending[:]
        self._pending.clear()
        if self.dialect == "postgres" and pending:
            self._flush_pipelined(pending, then)
            return
        if pending:
            spare = self._connection.cursor()
            for run in _runs(pending):
                _send(spare, run)
        if then is not None:
            self._cursor.execute(*then)

    def _flush_pipelined(self, pending: list[_Write], then: tuple[str, Any] | None) -> None:
        counted: list[tuple[Any, RowCount]] = []
        spare = self._connection.cursor()
        with self._connection.pipeline():
            for run in _runs(pending):
                owner = _wanted(run[0])
                if owner is None:
                    spare.executemany(run[0].statement, [write.params for write in run])
                    continue
                cursor = self._connection.cursor()
                cursor.execute(run[0].statement, run[0].params)
                counted.append((cursor, owner))
            if then is not None:
                self._cursor.execute(*then)
        for cursor, owner in counted:
            owner._value = int(cursor.rowcount)

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

    def query(self, statement: str, params: Params = None) -> list[Row]:
        """A read inside this transaction (sees its writes), as ``Reader.query``."""
        return self.fetchall(statement, params)

    def ddl(self, template: str) -> None:
        """Run DDL whose back-end specific column types are written ``{money}``, ``{uuid}``..."""
        self.flush()
        statement = template.format(**COLUMN_TYPES[self.dialect])
        if self.renames is not None:
            statement = self.renames.apply(statement)
        self._cursor.execute(statement)

    def lock(self, key: str) -> None:
        """Hold a lock named ``key`` until this transaction ends (serialises concurrent runners).

        PostgreSQL: a transaction-level advisory lock (scoped to the current schema). SQLite: the
        write transaction already holds the database's single write lock.
        """
        if self.dialect == "postgres":
            self.flush()
            self._cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':' || %s, 0))",
                (key,),
            )


MAX_PENDING = 5000  # writes kept before a flush regardless


def _wanted(write: _Write) -> RowCount | None:
    """The RowCount someone still holds for this write (None: nobody can ask for it)."""
    return None if write.counted is None else write.counted()


def _send(cursor: Any, run: list[_Write]) -> None:
    """One run of the same statement: executemany, or execute when its count is wanted."""
    owner = _wanted(run[0])
    if owner is None:
        cursor.executemany(run[0].statement, [write.params for write in run])
        return
    cursor.execute(run[0].statement, run[0].params)
    owner._value = int(cursor.rowcount)


def _runs(pending: list[_Write]) -> Iterator[list[_Write]]:
    """Consecutive writes of the same statement whose counts nobody holds; a write whose count
    is held is a run of its own."""
    run: list[_Write] = []
    for write in pending:
        wanted = _wanted(write) is not None
        if run and (wanted or write.statement != run[0].statement):
            yield run
            run = []
        run.append(write)
        if wanted:
            yield run
            run = []
    if run:
        yield run


_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def is_write(statement: str) -> bool:
    """An INSERT, UPDATE or DELETE that returns no rows: it can wait for the next flush."""
    return _WRITE.match(statement) is not None and _RETURNING.search(statement) is None


class Renames:
    """Table names → the names to send (a rebuild's new tables: ``name`` + ``suffix``).

    Every whole-word occurrence of a table name outside quoted literals is renamed, and so is
    the index named by ``CREATE [UNIQUE] INDEX [IF NOT EXISTS] name``, since index names are
    unique per schema (PostgreSQL) or database (SQLite).
    """

    def __init__(self, tables: Sequence[str], suffix: str) -> None:
        self.suffix = suffix
        self.tables = {table: table + suffix for table in tables}
        names = "|".join(sorted((re.escape(t) for t in tables), key=len, reverse=True))
        self._pattern = re.compile(
            r"('(?:[^']|'')*')"
            r"|(?<=INDEX IF NOT EXISTS )(\w+)|(?<=INDEX )(?!IF\b)(\w+)"
            + (rf"|\b({names})\b" if names else ""),
            re.IGNORECASE,
        )
        self.apply = lru_cache(maxsize=2048)(self._apply)

    def _apply(self, statement: str) -> str:
        def rename(match: re.Match[str]) -> str:
            if match.group(1):
                return match.group(1)
            return match.group(0) + self.suffix

        return self._pattern.sub(rename, statement)


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
    def transaction(self, buffered: bool = True) -> Any:
        """``with db.transaction() as tx:`` commits at the end, rolls back on an exception.
        ``buffered=False``: every write is sent at its ``execute`` (see Transaction)."""

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
