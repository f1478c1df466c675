"""The auction read model: the public board, auction history (抢购历史), breach notices (违约通知).

Fed by the AuctionSession and AuctionLot events:

  auction_sessions       each session (场次): name, deposit, cancelled
  auction_lots           each lot: goods, window (the end with its extensions), terms, the current
                         highest price, bid and bidder counts, how it ended (state, winner,
                         winning price, 流拍 reasons, contract, payment day, breach notice)
  auction_bids           every accepted bid, in the lot's order (who bid is never on the board)
  auction_lot_bidders    per lot and bidder: its bids, best price and last bid
  breach_notices         each forfeited award: the company, lot, contract and the deposit taken

The lot's state before a close (scheduled, open, ended) follows from the clock, so the view
works it out at query time; recorded endings are stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.auctions import AuctionLot, AuctionSession
from projections.base import Projection, event_class, on
from projections.database import Transaction

SessionCreated = event_class(AuctionSession, "Created")
SessionCancelled = event_class(AuctionSession, "Cancelled")
DepositForfeited = event_class(AuctionSession, "DepositForfeited")
LotCreated = event_class(AuctionLot, "Created")
BidPlaced = event_class(AuctionLot, "BidPlaced")
EndExtended = event_class(AuctionLot, "EndExtended")
Awarded = event_class(AuctionLot, "Awarded")
Unsold = event_class(AuctionLot, "Unsold")
ContractLinked = event_class(AuctionLot, "ContractLinked")
AwardPaid = event_class(AuctionLot, "AwardPaid")
AwardForfeited = event_class(AuctionLot, "AwardForfeited")
LotCancelled = event_class(AuctionLot, "Cancelled")

ZERO = Decimal("0.00")

TABLES = {
    "auction_sessions": (
        "session_id {uuid} PRIMARY KEY, name TEXT NOT NULL, deposit {money} NOT NULL, "
        "cancel_reason TEXT, created_at {timestamp} NOT NULL"
    ),
    "auction_lots": (
        "lot_id {uuid} PRIMARY KEY, session_id {uuid} NOT NULL, lot_no TEXT NOT NULL, "
        "listing_id {uuid} NOT NULL, product_id {uuid} NOT NULL, category TEXT NOT NULL, "
        "description TEXT NOT NULL, warehouse TEXT NOT NULL, quantity {quantity} NOT NULL, "
        "starting_price {price} NOT NULL, increment {price} NOT NULL, "
        "min_bidders INTEGER NOT NULL, "
        "soft_close_seconds INTEGER NOT NULL, starts_at {timestamp} NOT NULL, "
        "scheduled_end {timestamp} NOT NULL, ends_at {timestamp} NOT NULL, "
        "extensions INTEGER NOT NULL, highest_price {price}, bid_count INTEGER NOT NULL, "
        "bidder_count INTEGER NOT NULL, decided TEXT, winner_id {uuid}, winning_price {price}, "
        "amount {money}, unsold_reasons TEXT NOT NULL, closed_at {timestamp}, "
        "payment_due_on TEXT, contract_id {uuid}, cancel_reason TEXT, breach_notice TEXT, "
        "created_at {timestamp} NOT NULL, updated_at {timestamp} NOT NULL"
    ),
    "auction_bids": (
        "lot_id {uuid} NOT NULL, sequence INTEGER NOT NULL, bidder_id {uuid} NOT NULL, "
        "price {price} NOT NULL, placed_at {timestamp} NOT NULL, extended BOOLEAN NOT NULL, "
        "PRIMARY KEY (lot_id, sequence)"
    ),
    "auction_lot_bidders": (
        "lot_id {uuid} NOT NULL, bidder_id {uuid} NOT NULL, bids INTEGER NOT NULL, "
        "best_price {price} NOT NULL, first_bid_at {timestamp} NOT NULL, "
        "last_bid_at {timestamp} NOT NULL, PRIMARY KEY (lot_id, bidder_id)"
    ),
    "breach_notices": (
        "notice_no TEXT PRIMARY KEY, company_id {uuid} NOT NULL, lot_id {uuid} NOT NULL, "
        "session_id {uuid} NOT NULL, lot_no TEXT NOT NULL, contract_id {uuid}, "
        "penalty {money} NOT NULL, reason TEXT NOT NULL, issued_at {timestamp} NOT NULL"
    ),
}


class AuctionsProjection(Projection):
    name = "auctions"
    tables = tuple(TABLES)

    def create_tables(self, tx: Transaction) -> None:
        for table, columns in TABLES.items():
            tx.ddl(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        tx.ddl("CREATE INDEX IF NOT EXISTS auction_lots_due ON auction_lots (decided, ends_at)")
        tx.ddl("CREATE INDEX IF NOT EXISTS auction_lots_session ON auction_lots (session_id)")
        tx.ddl("CREATE INDEX IF NOT EXISTS auction_bidders_by ON auction_lot_bidders (bidder_id)")
        tx.ddl("CREATE INDEX IF NOT EXISTS breach_notices_company ON breach_notices (company_id)")

    # ---- sessions ----------------------------------------------------------------------
    @on(SessionCreated)
    def session_created(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "INSERT INTO auction_sessions (session_id, name, deposit, cancel_reason, created_at) "
            "VALUES (%s, %s, %s, NULL, %s)",
            (event.originator_id, event.name, event.deposit.amount, event.timestamp),
        )

    @on(SessionCancelled)
    def session_cancelled(self, event: Any, tx: Transaction) -> None:
        tx.execute(
            "UPDATE auction_sessions SET cancel_reason = %s WHERE session_id = %s",
            (event.reason, event.originator_id),
        )

    @on(DepositForfeited)
    def deposit_forfeited(self, event: Any, tx: Transaction) -> None:
        """The session's side of a forfeit: how much deposit the notice took (none when it
        was forfeited under an earlier notice of the session)."""
        row = tx.fetchone(
            "SELECT deposit FROM auction_sessions WHERE session_id = %s", (event.originator_id,)
        )
        if row is None:
            raise LookupError(f"no auction session {event.originator_id}")
        penalty = row["deposit"] if event.forfeited else ZERO
        self._notice(tx, event.breach_notice, event.bidder_id, event.lot_id, event)
        tx.execute(
            "UPDATE breach_notices SET penalty = %s WHERE notice_no = %s",
            (penalty, event.breach_notice),
        )

    # ---- lots --------------------------------------------------------------------------
    @on(LotCreated)
    def lot_created(self, event: Any, tx: Transaction) -> None:
        goods, terms = event.goods, event.terms
        tx.execute(
            "INSERT INTO auction_lots (lot_id, session_id, lot_no, listing_id, product_id, "
            "category, description, warehouse, quantity, starting_price, increment, min_bidders, "
            "soft_close_seconds, starts_at, scheduled_end, ends_at, extensions, bid_count, "
            "bidder_count, unsold_reasons, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, "
            "%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, 0, 0, '', %s, %s)",
            (
                event.originator_id, event.session_id, event.lot_no, goods.listing_id,
                goods.product_id, goods.category, goods.description, goods.warehouse,
                goods.quantity.tonnes, terms.starting_price.per_tonne, terms.increment.per_tonne,
                terms.min_bidders, terms.soft_close_seconds, event.starts_at, event.ends_at,
                event.ends_at, event.timestamp, event.timestamp,
            ),
        )  # fmt: skip

    @on(BidPlaced)
    def bid_placed(self, event: Any, tx: Transaction) -> None:
        bid, lot_id = event.bid, event.originator_id
        tx.execute(
            "INSERT INTO auction_bids (lot_id, sequence, bidder_id, price, placed_at, extended) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (lot_id, bid.sequence, bid.bidder_id, bid.price.per_tonne, bid.placed_at, False),
        )
        tx.execute(
            "INSERT INTO auction_lot_bidders (lot_id, bidder_id, bids, best_price, first_bid_at, "
            "last_bid_at) VALUES (%(lot)s, %(bidder)s, 1, %(price)s, %(at)s, %(at)s) "
            "ON CONFLICT (lot_id, bidder_id) DO UPDATE SET bids = auction_lot_bidders.bids + 1, "
            "best_price = excluded.best_price, last_bid_at = excluded.last_bid_at",
            {"lot": lot_id, "bidder": bid.bidder_id, "price": bid.price.per_tonne,
             "at": bid.placed_at},
        )  # fmt: skip
        bidders = tx.fetchone(
            "SELECT COUNT(*) AS n FROM auction_lot_bidders WHERE lot_id = %s", (lot_id,)
        )
        self._lot(
            tx, event, highest_price=bid.price.per_tonne, bid_count=bid.sequence,
            bidder_count=int(bidders["n"]) if bidders else 1,
        )  # fmt: skip

    @on(EndExtended)
    def end_extended(self, event: Any, tx: Transaction) -> None:
        extension = event.extension
        row = tx.fetchone(
            "SELECT extensions FROM auction_lots WHERE lot_id = %s", (event.originator_id,)
        )
        done = int(row["extensions"]) if row else 0
        self._lot(tx, event, ends_at=extension.new_end, extensions=done + 1)
        tx.execute(
            "UPDATE auction_bids SET extended = %s WHERE lot_id = %s AND sequence = %s",
            (True, event.originator_id, extension.bid_sequence),
        )

    @on(Awarded, Unsold)
    def closed(self, event: Any, tx: Transaction) -> None:
        outcome = event.outcome
        highest = outcome.highest if outcome.sold else None
        self._lot(
            tx, event,
            decided="awarded" if outcome.sold else "unsold",
            winner_id=highest.bidder_id if highest else None,
            winning_price=highest.price.per_tonne if highest else None,
            amount=outcome.amount.amount if outcome.amount else None,
            unsold_reasons=",".join(outcome.unsold_reasons),
            closed_at=outcome.closed_at,
            payment_due_on=outcome.payment_due_on.isoformat() if outcome.payment_due_on else None,
        )  # fmt: skip

    @on(ContractLinked)
    def contract_linked(self, event: Any, tx: Transaction) -> None:
        self._lot(tx, event, contract_id=event.contract_id)

    @on(AwardPaid)
    def award_paid(self, event: Any, tx: Transaction) -> None:
        self._lot(tx, event, decided="paid")

    @on(AwardForfeited)
    def award_forfeited(self, event: Any, tx: Transaction) -> None:
        self._lot(tx, event, decided="forfeited", breach_notice=event.breach_notice)
        if event.winner_id is not None:
            self._notice(tx, event.breach_notice, event.winner_id, event.originator_id, event)

    @on(LotCancelled)
    def lot_cancelled(self, event: Any, tx: Transaction) -> None:
        self._lot(tx, event, decided="cancelled", cancel_reason=event.reason)

    # ---- helpers -----------------------------------------------------------------------
    @staticmethod
    def _lot(tx: Transaction, event: Any, **columns: Any) -> None:
        assignments = ", ".join(f"{name} = %({name})s" for name in columns)
        changed = tx.execute(
            f"UPDATE auction_lots SET {assignments}, updated_at = %(updated_at)s "
            "WHERE lot_id = %(lot_id)s",
            {**columns, "updated_at": event.timestamp, "lot_id": event.originator_id},
        )
        if changed != 1:
            raise LookupError(f"no auction lot {event.originator_id}")

    @staticmethod
    def _notice(tx: Transaction, notice: str, company_id: Any, lot_id: Any, event: Any) -> None:
        """The notice row, from whichever of its two events (lot, session) comes first."""
        lot = tx.fetchone(
            "SELECT session_id, lot_no, contract_id, payment_due_on FROM auction_lots "
            "WHERE lot_id = %s",
            (lot_id,),
        )
        if lot is None:
            raise LookupError(f"no auction lot {lot_id}")
        reason = f"Lot {lot['lot_no']} won and not paid by {lot['payment_due_on']}"
        tx.execute(
            "INSERT INTO breach_notices (notice_no, company_id, lot_id, session_id, lot_no, "
            "contract_id, penalty, reason, issued_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (notice_no) DO NOTHING",
            (
                notice, company_id, lot_id, lot["session_id"], lot["lot_no"],
                lot["contract_id"], ZERO, reason, event.timestamp,
            ),
        )  # fmt: skip
