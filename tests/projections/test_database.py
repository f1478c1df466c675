"""The view database gateway: one SQL style and the same results on PostgreSQL and SQLite."""

from __future__ import annotations

from decimal import Decimal
from uuid import uuid4

import pytest

from projections.database import ViewDatabase, to_decimal, to_uuid


def make_table(db: ViewDatabase) -> None:
    with db.transaction() as tx:
        tx.ddl(
            "CREATE TABLE IF NOT EXISTS t_money (id {uuid} PRIMARY KEY, label TEXT, "
            "amount {money}, qty {quantity})"
        )


def test_positional_and_named_placeholders_work_on_both_back_ends(db: ViewDatabase) -> None:
    make_table(db)
    a, b = uuid4(), uuid4()
    with db.transaction() as tx:
        tx.execute("INSERT INTO t_money (id, label) VALUES (%s, %s)", (a, "a"))
        tx.execute(
            "INSERT INTO t_money (id, label) VALUES (%(id)s, %(label)s)", {"id": b, "label": "b"}
        )
        rows = tx.fetchall("SELECT label FROM t_money WHERE label LIKE %s ORDER BY label", ("%",))
    assert [r["label"] for r in rows] == ["a", "b"]
    assert to_uuid(db.query("SELECT id FROM t_money WHERE label = %s", ("b",))[0]["id"]) == b


def test_double_percent_is_a_literal_percent_sign(db: ViewDatabase) -> None:
    assert db.query("SELECT '50%%' AS p")[0]["p"] == "50%"
    assert db.query("SELECT '50%%' AS p, %s AS n", (1,))[0]["p"] == "50%"


def test_money_and_quantities_come_back_as_exact_decimals(db: ViewDatabase) -> None:
    make_table(db)
    with db.transaction() as tx:
        tx.execute(
            "INSERT INTO t_money (id, label, amount, qty) VALUES (%s, 'x', %s, %s)",
            (uuid4(), Decimal("1234567890123.10"), Decimal("0.001")),
        )
    row = db.query("SELECT amount, qty FROM t_money")[0]
    assert not isinstance(row["amount"], float)
    assert to_decimal(row["amount"]) == Decimal("1234567890123.10")
    assert str(to_decimal(row["qty"])) == "0.001"


def test_a_failing_transaction_leaves_nothing_behind(db: ViewDatabase) -> None:
    make_table(db)
    with pytest.raises(RuntimeError), db.transaction() as tx:
        tx.execute("INSERT INTO t_money (id, label) VALUES (%s, 'gone')", (uuid4(),))
        raise RuntimeError("boom")
    assert db.query("SELECT * FROM t_money") == []
    with db.transaction() as tx:  # and the database is usable afterwards
        assert tx.execute("INSERT INTO t_money (id, label) VALUES (%s, 'kept')", (uuid4(),)) == 1
    assert len(db.query("SELECT * FROM t_money")) == 1


def test_executemany_and_fetchone(db: ViewDatabase) -> None:
    make_table(db)
    with db.transaction() as tx:
        tx.executemany(
            "INSERT INTO t_money (id, label, amount) VALUES (%s, %s, %s)",
            [(uuid4(), f"r{i}", Decimal(i)) for i in range(5)],
        )
        row = tx.fetchone("SELECT COUNT(*) AS n FROM t_money")
    assert row == {"n": 5}


def test_transactions_do_not_nest(db: ViewDatabase) -> None:
    if db.dialect == "postgres":
        pytest.skip("on PostgreSQL a second transaction is simply another connection")
    with pytest.raises(RuntimeError, match="do not nest"), db.transaction(), db.transaction():
        pass
