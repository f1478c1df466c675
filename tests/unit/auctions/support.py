"""Builders shared by the auction tests: one session, lots of 100 t of coil at ¥4,000.00/t
rising by ¥10.00, open 10:00–11:00 Shanghai time on 26 November 2026."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from domain.auctions import AuctionLot, AuctionSession, LotGoods, LotTerms
from domain.context import SHANGHAI, FrozenClock
from domain.values import Quantity, UnitPrice

START = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)  # the clock, before the lot opens
OPENS = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
ENDS = datetime(2026, 11, 26, 11, 0, tzinfo=SHANGHAI)

ALICE, BOB, CAROL = UUID(int=0xA), UUID(int=0xB), UUID(int=0xC)

GOODS = LotGoods(
    listing_id=UUID(int=21),
    product_id=UUID(int=11),
    category="HRC",
    description="Q235B 4.75×1500×C 热轧卷板",
    warehouse="Rizhao WH1",
    quantity=Quantity.parse("100"),
)
TERMS = LotTerms(starting_price=UnitPrice.parse("4000.00"), increment=UnitPrice.parse("10.00"))


def price(value: str) -> UnitPrice:
    return UnitPrice.parse(value)


def new_lot(
    session_id: UUID = UUID(int=99),
    starts: datetime = OPENS,
    ends: datetime = ENDS,
    **terms: Any,
) -> AuctionLot:
    return AuctionLot.create(session_id, "A-01", GOODS, starts, ends, replace(TERMS, **terms))


def open_lot(clock: FrozenClock, **terms: Any) -> AuctionLot:
    lot = new_lot(**terms)
    clock.at = OPENS + timedelta(minutes=1)
    return lot


def session_with(*lots: AuctionLot) -> AuctionSession:
    session = AuctionSession.create("Rizhao coil, 26 Nov")
    for lot in lots:
        session.add_lot(lot.id)
    return session


def code_of(error: pytest.ExceptionInfo[Any]) -> str:
    return str(error.value.code)


def event_names(aggregate: Any) -> list[str]:
    return [type(e).__name__ for e in aggregate.collect_events()]
