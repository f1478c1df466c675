"""New tables for a rebuild, and the switch to them, on PostgreSQL and SQLite alike.

A rebuild writes into the projection's tables renamed with ``SUFFIX`` (``fund_accounts__next``:
its handlers and DDL run through a Transaction with ``Renames``, so a projection needs no change)
and tracks its progress under its name + ``SUFFIX`` in the tracking table. Queries meanwhile
read the real tables by their own names, and the live projection keeps them following.

Once the new tables have caught up, ``switch`` replaces the old ones in one transaction that
holds the projection's lock: drop the old tables, rename the new ones to the real names (and
their indexes to the names ``create_tables`` gives them). Readers address tables by name only,
in any process, so the next query after the COMMIT reads the new rows; on PostgreSQL a query
that arrives during the switch waits for it (DROP takes the table's exclusive lock), then
resolves the name again and reads the new table; on SQLite a reader keeps its snapshot.
"""

from __future__ import annotations

from projections.base import Projection
from projections.database import Renames, Transaction

SUFFIX = "__next"


def renames(projection: Projection) -> Renames:
    return Renames(projection.tables, SUFFIX)


def tracking_name(projection: Projection) -> str:
    """The tracking row of a rebuild in progress."""
    return projection.name + SUFFIX


def create(tx: Transaction, projection: Projection) -> None:
    """Empty new tables (any left by an earlier, unfinished rebuild are dropped first)."""
    drop(tx, projection)
    projection.create_tables(tx.renamed(renames(projection)))


def drop(tx: Transaction, projection: Projection) -> None:
    for table in projection.tables:
        tx.execute(f"DROP TABLE IF EXISTS {table}{SUFFIX}")


def switch(tx: Transaction, projection: Projection) -> None:
    """Replace the projection's tables by the new ones (inside the caller's transaction)."""
    live = tx.renamed(None)
    for table in projection.tables:
        live.execute(f"DROP TABLE IF EXISTS {table}")
        live.execute(f"ALTER TABLE {table}{SUFFIX} RENAME TO {table}")
    if live.dialect == "postgres":
        _rename_indexes(live, projection)
    else:
        _recreate_indexes(live, projection)


def _rename_indexes(tx: Transaction, projection: Projection) -> None:
    """PostgreSQL: ``x__next`` (and the ``t__next_pkey`` of a renamed ``t``) lose the suffix."""
    rows = tx.fetchall(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = ANY(%s)",
        (list(projection.tables),),
    )
    for row in rows:
        name = row["indexname"]
        if SUFFIX in name:
            tx.execute(f'ALTER INDEX "{name}" RENAME TO "{name.replace(SUFFIX, "")}"')


def _recreate_indexes(tx: Transaction, projection: Projection) -> None:
    """SQLite cannot rename an index: drop the suffixed ones, let ``create_tables`` make them
    under their own names (its tables exist already, so it only adds the indexes)."""
    marks = ", ".join(["%s"] * len(projection.tables))
    rows = tx.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tuple(projection.tables),
    )
    for row in rows:
        if SUFFIX in row["name"]:
            tx.execute(f'DROP INDEX "{row["name"]}"')
    projection.create_tables(tx)
