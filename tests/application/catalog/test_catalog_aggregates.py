"""The catalog as small aggregates: a product's command writes its own stream (and its
category's only for the first product), never one stream for the whole catalog; the tree's
rules hold across them, under racing writers too."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from domain import context
from domain.catalog.catalog import ProductAttributes
from domain.catalog.entries import CatalogCategory, CatalogProduct
from domain.catalog.service import CatalogService
from domain.catalog.tree import ROOT
from domain.commands import CommandRunner
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.errors import ConflictError, DomainError
from domain.ledger import Ledger

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)
COIL = ProductAttributes(
    grade="Q235B", thickness=Decimal("3.0"), width=Decimal(1500), standard="GB/T 3274"
)


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Ledger]:
    app = Ledger(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(tmp_path / "es.db"),
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
        }
    )
    yield app
    app.close()


@pytest.fixture
def service(ledger: Ledger) -> Iterator[CatalogService]:
    actor = Actor(user_id=uuid4(), role=Role.OPERATOR)
    with context.acting(CommandContext(actor=actor, clock=FrozenClock(NOW))):
        yield CatalogService(CommandRunner(ledger, attempts=60))


def written_by(ledger: Ledger, since: int) -> list[str]:
    notifications = ledger.recorder.select_notifications(start=since + 1, limit=100)
    return [n.topic.rpartition(":")[2] for n in notifications]


def test_a_product_writes_its_own_stream_and_its_category_only_for_the_first(
    service: CatalogService, ledger: Ledger
) -> None:
    service.define_default_categories()
    before = ledger.head()
    first = service.add_product("HRC", "HRC 1", COIL)
    assert sorted(written_by(ledger, before)) == [
        "CatalogCategory.FirstProductFiled",
        "CatalogProduct.Added",
    ]
    for n in range(2, 5):
        before = ledger.head()
        service.add_product("HRC", f"HRC {n}", COIL)
        assert written_by(ledger, before) == ["CatalogProduct.Added"]
    entry = ledger.repository.get(UUID(str(first.result["product_id"])))
    assert isinstance(entry, CatalogProduct) and entry.version == 1
    hrc = ledger.repository.get(CatalogCategory.create_id("HRC"))
    assert isinstance(hrc, CatalogCategory) and hrc.version == 2


def test_the_tree_is_walked_from_its_root_in_the_order_defined(service: CatalogService) -> None:
    service.define_default_categories()
    service.define_category("NONMETAL", "非金属")
    codes = [c["code"] for c in service.get_category_tree()]
    assert codes[:3] == ["METAL", "NONMETAL", "STEEL"]
    assert ROOT not in codes and len(codes) == 9


def test_a_category_and_its_first_product_racing_cannot_both_win(
    service: CatalogService, ledger: Ledger
) -> None:
    service.define_default_categories()
    ctx = context.current()

    def child() -> str:
        with context.acting(ctx):
            return str(service.define_category("HRC_WIDE", "宽带", "HRC").result["code"])

    def product() -> str:
        with context.acting(ctx):
            return str(service.add_product("HRC", "coil", COIL).result["product_id"])

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(child), pool.submit(product)]
    outcomes = []
    for future in futures:
        try:
            outcomes.append(future.result())
        except DomainError as error:
            outcomes.append(error.code)
    assert sorted(o in ("category_has_products", "not_a_leaf_category") for o in outcomes) == [
        False,
        True,
    ]
    hrc = ledger.repository.get(CatalogCategory.create_id("HRC"))
    assert not (hrc.children and hrc.holds_products)


def test_two_categories_with_one_code_cannot_both_be_defined(service: CatalogService) -> None:
    service.define_default_categories()
    ctx = context.current()

    def define(name: str) -> None:
        with context.acting(ctx):
            service.define_category("PIPE", name, "STEEL")

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(define, name) for name in ("钢管", "管材")]
    errors = [f.exception() for f in futures]
    assert sum(e is None for e in errors) == 1
    assert [e.code for e in errors if isinstance(e, ConflictError)] == ["duplicate_code"]
