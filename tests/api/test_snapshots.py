"""Every aggregate's state survives a snapshot: taken, stored through the transcoder and read
back, it equals the aggregate replayed from its events. And a ledger with snapshots loads the
same aggregate from a snapshot plus the events after it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot

from domain.commands import CommandRunner
from domain.context import FrozenClock
from domain.funds.account import FundsAccount
from domain.funds.service import FundsService
from domain.ledger import Ledger
from domain.values import Money
from interfaces.config import Settings
from tests.api.conftest import Api
from tests.api.trading_support import stage
from tests.projections.funds_story import START, acting, new_company


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def test_every_aggregate_of_a_trading_day_survives_a_snapshot(api: Api) -> None:
    s = stage(api)
    listing = s.listing()
    s.fund("100000.00")
    api.post("/cart/items", s.buyer, json={"listing_id": str(listing), "quantity": "3"})
    placed = api.post("/cart/checkout", s.buyer, json={"delivery_address": "Dock"}).json()
    contract = placed["contracts"][0]
    api.post(f"/contracts/{contract['contract_id']}/effect", s.manager)
    api.post(f"/contracts/{contract['contract_id']}/confirm", s.buyer,
             json={"digest": contract["digest"]})  # fmt: skip
    api.post(f"/contracts/{contract['contract_id']}/pay", s.buyer)

    ledger = api.services.ledger
    ids = {n.originator_id for n in ledger.recorder.select_notifications(start=1, limit=10_000)}
    kinds = set()
    for aggregate_id in ids:
        aggregate = ledger.repository.get(UUID(str(aggregate_id)))
        stored = ledger.mapper.to_stored_event(Snapshot.take(aggregate))
        restored = ledger.mapper.to_domain_event(stored).mutate(None)
        assert _state(restored) == _state(aggregate), type(aggregate).__name__
        kinds.add(type(aggregate).__name__)
    assert {"Account", "FundsAccount", "Listing", "CatalogCategory", "CatalogProduct", "Cart",
            "Order", "Contract",
            "StaffMember", "StaffDirectory", "CustomerRegistry", "Claim"} <= kinds  # fmt: skip


def test_a_ledger_with_snapshots_loads_the_same_aggregate(settings: Settings) -> None:
    writer = Ledger(env=settings.eventsourcing_env(), snapshot_every={FundsAccount: 3})
    try:
        company = new_company(writer)
        funds = FundsService(CommandRunner(writer))
        with acting(FrozenClock(START)):
            for n in range(7):
                funds.record_payment(company, Money.parse("10.00"), f"REF-{n}", "HRC")
        funds_id = FundsAccount.id_for(company)
        assert writer.snapshots is not None
        assert list(writer.snapshots.get(funds_id, desc=True, limit=1))
    finally:
        writer.close()
    reader = Ledger(env=settings.eventsourcing_env(), snapshot_every={FundsAccount: 3})
    replayer = Ledger(env=settings.eventsourcing_env())
    try:
        from_snapshot = reader.repository.get(funds_id)
        from_events = replayer.repository.get(funds_id)
        assert _state(from_snapshot) == _state(from_events)
        assert from_snapshot.balance("category:HRC") == Money.parse("70.00")
    finally:
        reader.close()
        replayer.close()
