"""Demo auctions: a finished session and an open one, on a listing of coil put up for them.

The finished session (场次) ran three days ago, 10:00–11:00 in Shanghai, and is seeded on a clock
set to then: Qingdao Coil won lot F-01 after two late bids extended its end (it pays its contract
today, which releases its deposit); F-02 went unsold below its reserve (流拍); Tianjin Plate won
F-03 and never paid, so the scheduler forfeited its deposit under a breach notice (违约通知) the
day before yesterday. The open session closes a day from now: lot O-01 has bids from both, O-02
opens tomorrow. The deposits they lock were paid on the same past clock, so every funds account
stays consistent as of any date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from domain import context
from domain.auctions import LotTerms
from domain.context import SHANGHAI, Actor, CommandContext, Role
from domain.funds.account import PaymentPurpose
from domain.values import Money, Quantity, UnitPrice

Acting = Callable[..., CommandContext]  # demo._as: (services, role, user_id, account_id)


def seed_auctions(
    services: Any,
    acting: Acting,
    staff: dict[Role, UUID],
    cast: dict[str, tuple[UUID, UUID]],
    product_id: UUID,
) -> None:
    """``cast``: "qingdao" and "tianjin" → (account id, admin user id); ``product_id``: the coil
    the lots sell."""
    today = services.clock().astimezone(SHANGHAI).date()
    t0 = datetime.combine(today - timedelta(days=3), time(10), tzinfo=SHANGHAI)
    qingdao, tianjin = cast["qingdao"], cast["tianjin"]

    @contextmanager
    def at(moment: datetime | None, role: Role, who: tuple[UUID | None, UUID]) -> Iterator[None]:
        user, account = who[1], who[0]
        ctx = acting(services, role, user, account)
        with context.acting(ctx if moment is None else replace(ctx, clock=lambda: moment)):
            yield

    operator = (None, staff[Role.OPERATOR])
    finance = (None, staff[Role.FINANCE])
    with at(t0 - timedelta(hours=1), Role.OPERATOR, operator):
        listing = UUID(str(services.catalog.create_listing(
            product_id, "日照 Rizhao", Quantity.parse("500"), UnitPrice.parse("4150.00")
        ).result["listing_id"]))  # fmt: skip
        services.catalog.publish_listing(listing)
    with at(t0 - timedelta(hours=1), Role.FINANCE, finance):
        for (account, _), reference in ((qingdao, "DEP-DEMO-AUC-QD"), (tianjin, "DEP-DEMO-AUC-TJ")):
            services.funds.record_payment(
                account, Money.parse("3000.00"), reference, None, PaymentPurpose.DEPOSIT
            )
    auctions = services.auctions
    with at(t0 - timedelta(minutes=30), Role.OPERATOR, operator):
        finished = auctions.create_session("日照热卷竞拍 第1场").result["session_id"]
        f1 = _lot(auctions, finished, "F-01", listing, "50", t0, payment_days=5)
        f2 = _lot(auctions, finished, "F-02", listing, "30", t0, reserve="4500.00")
        f3 = _lot(auctions, finished, "F-03", listing, "20", t0)
    for minutes, bidder, lot, price in (
        (10, tianjin, f1, "4000.00"), (15, tianjin, f2, "4100.00"), (16, tianjin, f3, "4000.00"),
        (20, qingdao, f1, "4050.00"), (57, tianjin, f1, "4060.00"), (60, qingdao, f1, "4100.00"),
    ):  # fmt: skip
        with at(t0 + timedelta(minutes=minutes), Role.BUYER_ADMIN, bidder):
            auctions.bid(lot, UnitPrice.parse(price))  # the last two extend F-01's end
    closing, forfeiting = t0 + timedelta(minutes=66), t0 + timedelta(days=2)
    with context.acting(CommandContext(Actor.system(), "seed-demo", lambda: closing)):
        for lot in (f1, f2, f3):
            auctions.close_lot(lot)  # as the scheduler does at the end
    with context.acting(CommandContext(Actor.system(), "seed-demo", lambda: forfeiting)):
        auctions.forfeit_overdue(f3)  # the day after F-03's payment day
    contract = auctions.get_lot(f1).contract_id
    with at(None, Role.BUYER_ADMIN, qingdao):
        digest = services.contracts.get(contract).digest
        services.contracts.confirm(contract, digest)
        services.contracts.pay(contract)  # releases Qingdao's deposit
    _open_session(services, at, operator, listing, (tianjin, qingdao))


def _lot(
    auctions: Any,
    session: UUID,
    lot_no: str,
    listing: UUID,
    tonnes: str,
    starts: datetime,
    reserve: str | None = None,
    payment_days: int = 1,
) -> UUID:
    terms = LotTerms(
        starting_price=UnitPrice.parse("4000.00"),
        increment=UnitPrice.parse("10.00"),
        reserve_price=UnitPrice.parse(reserve) if reserve else None,
        payment_days=payment_days,
    )
    outcome = auctions.add_lot(
        session, lot_no, listing, Quantity.parse(tonnes), starts, starts + timedelta(hours=1),
        terms,
    )  # fmt: skip
    return UUID(str(outcome.result["lot_id"]))


def _open_session(
    services: Any, at: Any, operator: Any, listing: UUID, bidders: tuple[Any, Any]
) -> None:
    now = services.clock()
    tomorrow = datetime.combine(
        now.astimezone(SHANGHAI).date() + timedelta(days=1), time(10), tzinfo=SHANGHAI
    )
    with at(None, Role.OPERATOR, operator):
        session = services.auctions.create_session("青岛热卷限时抢购 第2场").result["session_id"]
        o1 = UUID(str(services.auctions.add_lot(
            session, "O-01", listing, Quantity.parse("40"), now, now + timedelta(days=1),
            LotTerms(UnitPrice.parse("4000.00"), UnitPrice.parse("10.00")),
        ).result["lot_id"]))  # fmt: skip
        _lot(services.auctions, session, "O-02", listing, "60", tomorrow)
    for bidder, price in zip(bidders, ("4000.00", "4020.00"), strict=True):
        with at(None, Role.BUYER_ADMIN, bidder):
            services.auctions.bid(o1, UnitPrice.parse(price))
