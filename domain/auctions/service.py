"""Auction commands (竞拍): sessions and lots (operators), bids (buyers), close and award and the
forfeit of an unpaid award (the scheduler), and what a contract payment settles.

Each public method is one command through ``CommandRunner.run``: the lot, its session, the
bidders' funds accounts, the listing's stock and the award's contract are decided together and
saved in one atomic write, so a bid never stands without its deposit locked and a close never
leaves a loser's deposit locked. Stock: a lot holds its quantity on the listing (a reservation
under the lot's id, out of spot sale) from its creation; it returns to sale when the lot is
unsold or cancelled, or when an award is forfeited; it is sold when the award is paid.

The contract area does not know auctions: the award's contract says where it came from
(source ``auction``, the lot id), and ``contract_paid_in`` is registered with the contract
service at wiring, so paying the contract releases the winner's deposit in the payment's write.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from uuid import UUID

from domain import context
from domain.access import require_buyer_permission, require_role
from domain.accounts.customers import customer_in, record_activity_in
from domain.auctions.composition import SOURCE_KIND, award_facts, lot_goods
from domain.auctions.lot import AuctionLot
from domain.auctions.replay import LotReplay, replay_lot
from domain.auctions.results import (
    Result,
    bid_result,
    close_result,
    lot_result,
    session_result,
)
from domain.auctions.session import AuctionSession
from domain.auctions.values import DEFAULT_DEPOSIT, LotState, LotTerms
from domain.catalog.offers import offer_in
from domain.catalog.service import CatalogService
from domain.commands import CommandRunner, Outcome
from domain.context import Role
from domain.errors import ConflictError, NotFoundError
from domain.funds.journal import deposit_locked
from domain.funds.service import FundsService
from domain.trading.contract_service import ContractService
from domain.trading.contract_text import PaidContract
from domain.unit_of_work import UnitOfWork
from domain.values import Money, Quantity, UnitPrice


class AuctionService:
    def __init__(
        self,
        runner: CommandRunner,
        catalog: CatalogService,
        funds: FundsService,
        contracts: ContractService,
    ) -> None:
        self.runner = runner
        self.catalog = catalog
        self.funds = funds
        self.contracts = contracts

    # ---- sessions and lots (operators) -------------------------------------------------
    def create_session(self, name: str, deposit: Money = DEFAULT_DEPOSIT) -> Outcome[Result]:
        require_role(_actor(), Role.OPERATOR)

        def decide(uow: UnitOfWork) -> Result:
            session = AuctionSession.create(name, deposit)
            uow.add(session)
            return session_result(session)

        return self.runner.run(decide)

    def add_lot(
        self,
        session_id: UUID,
        lot_no: str,
        listing_id: UUID,
        quantity: Quantity,
        starts_at: datetime,
        ends_at: datetime,
        terms: LotTerms,
    ) -> Outcome[Result]:
        """A quantity of one listing's stock, held out of spot sale while the lot is open (409
        ``oversold`` when the listing has less left)."""
        require_role(_actor(), Role.OPERATOR)

        def decide(uow: UnitOfWork) -> Result:
            session = uow.get(AuctionSession, session_id, "auction session")
            offer = offer_in(uow, listing_id, quantity)  # its minimum and step apply
            lot = AuctionLot.create(
                session.id, lot_no, lot_goods(offer, quantity), starts_at, ends_at, terms
            )
            if not uow.claim("auction_lot_no", f"{session.id}:{lot.lot_no}", lot.id):
                raise ConflictError("duplicate_lot_no", f"Lot {lot.lot_no} is in this session.")
            session.add_lot(lot.id)
            self.catalog.reserve_in(
                uow, offer.listing_id, lot.id, quantity, context.current().now()
            )
            uow.add(lot)
            return lot_result(lot)

        return self.runner.run(decide)

    def cancel_lot(self, lot_id: UUID, reason: str) -> Outcome[Result]:
        """Before the close: every bidder's deposit is released and the stock is back on sale."""
        require_role(_actor(), Role.OPERATOR)

        def decide(uow: UnitOfWork) -> Result:
            lot = uow.get(AuctionLot, lot_id, "auction lot")
            session = uow.get(AuctionSession, lot.session_id, "auction session")
            released = self._cancel_in(uow, session, lot, reason)
            return close_result(lot, None, released)

        return self.runner.run(decide)

    def cancel_session(self, session_id: UUID, reason: str) -> Outcome[Result]:
        """No more lots or bids; every lot still open is cancelled in the same write."""
        require_role(_actor(), Role.OPERATOR)

        def decide(uow: UnitOfWork) -> Result:
            session = uow.get(AuctionSession, session_id, "auction session")
            for lot_id in session.cancel(reason):
                lot = uow.get(AuctionLot, lot_id, "auction lot")
                if lot.is_closed:
                    continue  # closed by the scheduler, its session record not yet settled
                self._cancel_in(uow, session, lot, reason)
            return session_result(session)

        return self.runner.run(decide)

    def _cancel_in(
        self, uow: UnitOfWork, session: AuctionSession, lot: AuctionLot, reason: str
    ) -> tuple[UUID, ...]:
        if not lot.cancel(reason):
            return ()
        released = session.settle_lot(lot.id, None)
        self._release_in(uow, session, released)
        self.catalog.release_in(uow, lot.goods.listing_id, lot.id)
        return released

    # ---- bidding (buyers) --------------------------------------------------------------
    def bid(self, lot_id: UUID, price: UnitPrice) -> Outcome[Result]:
        """A bid by the signed-in customer; its first stake in the session locks the session's
        deposit from ``deposit.free`` in the same write (409 ``insufficient_deposit``)."""
        actor = _actor()
        company_id = actor.account_id
        if company_id is None or not actor.role.is_buyer:
            raise NotFoundError("auction lot")
        require_buyer_permission(actor, company_id, "deposits.manage")

        def decide(uow: UnitOfWork) -> Result:
            lot = uow.get(AuctionLot, lot_id, "auction lot")
            receipt = lot.bid(company_id, price)  # the lot's refusals first: the common ones
            customer_in(uow, company_id).require_may_trade()
            session = uow.get(AuctionSession, lot.session_id, "auction session")
            amount = session.admit(company_id, lot.id)
            if amount is not None:  # a new stake in the session: business activity too
                self.funds.lock_deposit_in(uow, company_id, session.id, amount)
                record_activity_in(uow, company_id, receipt.bid.placed_at)
            return bid_result(lot, receipt, amount)

        return self.runner.run(decide)

    # ---- close, payment, forfeit (the scheduler; the contract's payment) ---------------
    def close_lot(self, lot_id: UUID) -> Outcome[Result]:
        """At or after the lot's (extended) end: award it (the winner's contract, effective at
        once) or leave it unsold; every other bidder's deposit released. Closing a closed lot
        changes nothing (``closed`` False)."""
        require_role(_actor(), Role.SYSTEM, Role.OPERATOR)
        return self.runner.run(partial(self._close_in, lot_id=lot_id))

    def _close_in(self, uow: UnitOfWork, lot_id: UUID) -> Result:
        lot = uow.get(AuctionLot, lot_id, "auction lot")
        outcome = lot.close()
        if outcome is None:
            return close_result(lot, None)
        session = uow.get(AuctionSession, lot.session_id, "auction session")
        released = session.settle_lot(lot.id, outcome.winner_id)
        self._release_in(uow, session, released)
        if outcome.winner_id is None:
            self.catalog.release_in(uow, lot.goods.listing_id, lot.id)
        else:
            lot.link_contract(self._award_contract_in(uow, lot, outcome.winner_id))
        return close_result(lot, outcome, released)

    def _award_contract_in(self, uow: UnitOfWork, lot: AuctionLot, winner_id: UUID) -> UUID:
        facts = award_facts(lot, customer_in(uow, winner_id))
        return self.contracts.generate_in(uow, facts, effective=True)

    def contract_paid_in(self, uow: UnitOfWork, contract: PaidContract) -> None:
        """Registered with the contract service: an award's contract was paid, in this write.
        The lot is paid, its stock sold, and the winner's deposit released unless another
        stake in the session still holds it."""
        lot = self._lot_of(uow, contract)
        if lot is None or not contract.fully_secured:
            return
        if not lot.mark_paid():
            return
        session = uow.get(AuctionSession, lot.session_id, "auction session")
        if session.award_paid(lot.id, contract.buyer_id):
            self.funds.release_deposit_in(uow, contract.buyer_id, session.id)
        self.catalog.sell_in(uow, lot.goods.listing_id, lot.id)

    def forfeit_overdue(self, lot_id: UUID) -> Outcome[Result]:
        """After the payment day passed unpaid: the award is forfeited under a breach notice
        (违约通知), the winner's deposit goes to the seller, the contract is voided and the stock
        is back on sale. Anything else (not awarded, paid, not yet due) changes nothing."""
        require_role(_actor(), Role.SYSTEM)
        return self.runner.run(partial(self._forfeit_in, lot_id=lot_id))

    def _forfeit_in(self, uow: UnitOfWork, lot_id: UUID) -> Result:
        lot = uow.get(AuctionLot, lot_id, "auction lot")
        due = lot.outcome.payment_due_on if lot.outcome else None
        winner = lot.winner_id
        overdue = due is not None and context.current().today() > due
        if lot.decided is not LotState.AWARDED or winner is None or not overdue:
            return {**close_result(lot, None), "forfeited": False, "breach_notice": None}
        notice = breach_notice_no(lot.id)
        lot.forfeit(notice)
        session = uow.get(AuctionSession, lot.session_id, "auction session")
        if session.forfeit(lot.id, winner, notice):
            self.funds.forfeit_deposit_in(uow, winner, session.id, notice)
        if lot.contract_id is not None:
            self.contracts.void_in(uow, lot.contract_id, f"违约通知 {notice}: unpaid by {due}")
        self.catalog.release_in(uow, lot.goods.listing_id, lot.id)
        return {**close_result(lot, None), "forfeited": True, "breach_notice": notice}

    # ---- queries -----------------------------------------------------------------------
    def get_lot(self, lot_id: UUID) -> AuctionLot:
        """The lot from its history (for a bidder's own view; the board reads the view)."""
        return UnitOfWork(self.runner.app).get(AuctionLot, lot_id, "auction lot")

    def replay(self, lot_id: UUID) -> LotReplay:
        """Auditors and finance: the lot rebuilt from its events alone, every step re-checked,
        with the deposit movements of its bidders in the session from their funds events."""
        require_role(_actor(), Role.AUDITOR, Role.FINANCE)
        lot_events = list(self.runner.app.repository.event_store.get(lot_id))
        if not lot_events or not isinstance(lot_events[0], AuctionLot.Created):
            raise NotFoundError("auction lot")
        session_id = lot_events[0].session_id  # type: ignore[attr-defined]
        bidders = dict.fromkeys(e.bid.bidder_id for e in lot_events if hasattr(e, "bid"))
        deposits = [
            (bidder, event)
            for bidder in bidders
            for event in self.funds.deposit_movements(bidder, session_id)
        ]
        return replay_lot(lot_events, deposits, deposit_locked(session_id))

    # ---- helpers -----------------------------------------------------------------------
    def _release_in(
        self, uow: UnitOfWork, session: AuctionSession, bidders: tuple[UUID, ...]
    ) -> None:
        for bidder in bidders:
            self.funds.release_deposit_in(uow, bidder, session.id)

    @staticmethod
    def _lot_of(uow: UnitOfWork, contract: PaidContract) -> AuctionLot | None:
        source = contract.source
        if source.kind != SOURCE_KIND:
            return None
        return uow.get(AuctionLot, UUID(source.reference), "auction lot")


def breach_notice_no(lot_id: UUID) -> str:
    """The breach notice of a lot's forfeited award: one per lot, the same on every run."""
    return f"BN-{lot_id.hex[:16].upper()}"


def _actor() -> context.Actor:
    return context.current().actor
