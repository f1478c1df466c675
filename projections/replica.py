"""Read models read from a PostgreSQL hot standby: ``ReplicaReads`` sends the queries
(``query``, ``snapshot``) to the standby and everything else (the projections' transactions,
LISTEN, table set-up) to the primary, where the projections write.

Waiting for one's own writes (``wait_for``) still holds: with a replica the waiters read the
projections' positions from the standby's copy of the tracking table (``reads_elsewhere``), so a
wait ends only once the standby has replayed the rows the query will read, never when the
primary alone has them. The standby is the engine's own streaming replication
(``pg_basebackup -R``); nothing here copies data.
"""

from __future__ import annotations

from typing import Any

from projections.database import Params, Row, ViewDatabase


class ReplicaReads(ViewDatabase):
    reads_elsewhere = True

    def __init__(self, primary: ViewDatabase, replica: ViewDatabase) -> None:
        self.primary = primary
        self.replica = replica
        self.dialect = primary.dialect

    def transaction(self, *args: Any, **kwargs: Any) -> Any:
        return self.primary.transaction(*args, **kwargs)

    def query(self, statement: str, params: Params = None) -> list[Row]:
        return self.replica.query(statement, params)

    def snapshot(self) -> Any:
        return self.replica.snapshot()

    def listen(self, channel: str) -> Any:
        return self.primary.listen(channel)

    def close(self) -> None:
        try:
            self.replica.close()
        finally:
            self.primary.close()

    def __getattr__(self, name: str) -> Any:  # anything else the machinery asks: the primary
        return getattr(self.primary, name)
