"""The stage for auction tests: certified, bound bidders with a deposit, a listing of coil, and
helpers that act as the operator, the scheduler or a bidder (through the services or HTTP).

The api fixture's clock starts at 2026-11-26 02:00 UTC (10:00 in Shanghai)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain import context
from domain.auctions import LotTerms
from domain.commands import Outcome
from domain.context import Actor, CommandContext, Role
from domain.funds.account import PaymentPurpose
from domain.values import Money, Quantity, UnitPrice
from interfaces.scheduler import run_due
from interfaces.security import TokenClaims
from tests.api.conftest import PASSWORD, Api
from tests.api.trading_support import Stage, acting_as, stage


@dataclass(frozen=True)
class Bidder:
    account_id: UUID
    user_id: UUID
    token: str  # signed in at the stage's time: sign in again (``login``) after moving the clock
    phone: str


@dataclass
class AuctionStage:
    base: Stage
    listing_id: UUID
    bidders: list[Bidder]

    @property
    def api(self) -> Api:
        return self.base.api

    @property
    def services(self) -> Any:
        return self.base.api.services

    # ---- acting ------------------------------------------------------------------------
    def as_operator(self) -> Any:
        return acting_as(self.api, self.base.operator_id, Role.OPERATOR)

    def as_finance(self) -> Any:
        return acting_as(self.api, self.base.finance_id, Role.FINANCE)

    @contextmanager
    def as_bidder(self, bidder: Bidder) -> Iterator[None]:
        actor = self.services.identity.actor_for(
            bidder.user_id, Role.BUYER_ADMIN, bidder.account_id
        )
        with context.acting(CommandContext(actor=actor, clock=self.api.clock)):
            yield

    @contextmanager
    def as_auditor(self) -> Iterator[None]:
        auditor = Actor(uuid4(), Role.AUDITOR)
        with context.acting(CommandContext(actor=auditor, clock=self.api.clock)):
            yield

    @contextmanager
    def as_system(self) -> Iterator[None]:
        with context.acting(CommandContext(actor=Actor.system(), clock=self.api.clock)):
            yield

    def login(self, who: Bidder | str) -> str:
        """A fresh token (tokens expire after an hour of the moved clock)."""
        if isinstance(who, Bidder):
            return _token(self.api, who.user_id, who.account_id)
        return self.api.login(who)

    # ---- commands ----------------------------------------------------------------------
    def session(self, deposit: str = "3000.00", name: str = "Rizhao coil") -> UUID:
        with self.as_operator():
            outcome = self.services.auctions.create_session(name, Money.parse(deposit))
        return UUID(str(outcome.result["session_id"]))

    def lot(
        self,
        session_id: UUID,
        starts: datetime | None = None,
        ends: datetime | None = None,
        quantity: str = "100.000",
        lot_no: str = "A-01",
        **terms: Any,
    ) -> UUID:
        now = self.api.clock.at
        defaults: dict[str, Any] = {
            "starting_price": UnitPrice.parse("4000.00"),
            "increment": UnitPrice.parse("10.00"),
        }
        with self.as_operator():
            outcome = self.services.auctions.add_lot(
                session_id, lot_no, self.listing_id, Quantity.parse(quantity),
                starts or now, ends or now + timedelta(hours=1),
                LotTerms(**{**defaults, **terms}),
            )  # fmt: skip
        return UUID(str(outcome.result["lot_id"]))

    def bid(self, bidder: Bidder, lot_id: UUID, price: str) -> Outcome[Any]:
        with self.as_bidder(bidder):
            return self.services.auctions.bid(lot_id, UnitPrice.parse(price))  # type: ignore[no-any-return]

    def run_scheduler(self) -> dict[str, Any]:
        """The scheduler as it runs in production, after the read models caught up."""
        assert self.services.projections.wait(self.services.ledger.head(), 10)
        return run_due(self.services)  # type: ignore[no-any-return]

    def buckets(self, bidder: Bidder) -> dict[str, Money]:
        with self.as_finance():
            balances = self.services.funds.statement(bidder.account_id)["balances"]
        return {k: Money(v) for k, v in balances.items()}

    def deposit_free(self, bidder: Bidder) -> Money:
        return self.buckets(bidder).get("deposit.free", Money.zero())

    def locked(self, bidder: Bidder, session_id: UUID) -> Money:
        return self.buckets(bidder).get(f"deposit.locked:{session_id}", Money.zero())


def auction_stage(
    api: Api, bidders: int = 3, deposit: str = "3000.00", funds: str = "1000000.00"
) -> AuctionStage:
    """``bidders`` certified companies bound to the east manager, each with ``deposit`` in
    ``deposit.free`` and ``funds`` in HRC; a listing of 1,000 t of coil."""
    base = stage(api)
    rows = [(n, "east") for n in range(2, bidders + 1)]
    if rows:
        api.import_registry(base.operator, *rows)
    first = _first_bidder(base)
    cast = [first] + [_register(api, n) for n in range(2, bidders + 1)]
    listing = base.listing(quantity="1000.000", price="4100.00")
    with acting_as(api, base.finance_id, Role.FINANCE):
        for n, bidder in enumerate(cast, start=1):
            api.services.funds.record_payment(
                bidder.account_id, Money.parse(deposit), f"DEP-{n}", None, PaymentPurpose.DEPOSIT
            )
            if funds:
                api.services.funds.record_payment(
                    bidder.account_id, Money.parse(funds), f"PAY-{n}", "HRC"
                )
    return AuctionStage(base, listing, cast)


def _first_bidder(base: Stage) -> Bidder:
    me = base.api.get("/me", base.buyer).json()
    return Bidder(base.account_id, UUID(me["user_id"]), base.buyer, "13800000001")


def _register(api: Api, n: int) -> Bidder:
    phone = f"138{n:08d}"
    response = api.post(
        "/accounts", json={"phone": phone, "password": PASSWORD, "accept_rules": True}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    token = _token(api, UUID(body["user_id"]), UUID(body["account_id"]))
    bound = api.post(f"/accounts/{body['account_id']}/company", token, json=api.company(n))
    assert bound.status_code == 200 and bound.json()["manager_id"], bound.text
    return Bidder(UUID(body["account_id"]), UUID(body["user_id"]), token, phone)


def _token(api: Api, user_id: UUID, account_id: UUID) -> str:
    """Issued as a sign-in would (50 sign-ins from one address would meet its throttle)."""
    return api.services.tokens.issue(TokenClaims(user_id, Role.BUYER_ADMIN, account_id))  # type: ignore[no-any-return]
