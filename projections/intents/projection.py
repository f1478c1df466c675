"""Fed by the FuturesIntent events (and the Account events that say which manager a company
has, for the managers' scope). Each handler does to the rows what the aggregate's applier does
to its state, so a row's state is the intent's state after that event.

  intent_companies      company → name and bound manager
  intent_tracking       each intent: number, company, who entered it and when, category,
                        specifications (JSON pairs, in the template's order), tonnes, delivery
                        address and month, state, the supplement (price, week, terms, version,
                        amount), rejection or withdrawal reason, the contract
  intent_review_steps   the review chain from the customer's confirmation: per level its role,
                        decision (pending, approved, rejected), reviewer, score, comment, time
"""

from __future__ import annotations

import json
from typing import Any

from domain.intents import FuturesIntent, IntentState
from domain.intents.values import intent_number
from domain.values import Quantity
from projections.base import Projection, event_class, on
from projections.company_scope import CompanyScope
from projections.database import Transaction
from projections.tracking.rows import tonnes
from projections.tracking.tables import insert_row, update_row, utc

Submitted = event_class(FuturesIntent, "Submitted")
Supplemented = event_class(FuturesIntent, "Supplemented")
Confirmed = event_class(FuturesIntent, "Confirmed")
Withdrawn = event_class(FuturesIntent, "Withdrawn")
Rejected = event_class(FuturesIntent, "Rejected")
LevelApproved = event_class(FuturesIntent, "LevelApproved")
Approved = event_class(FuturesIntent, "Approved")
ReviewRejected = event_class(FuturesIntent, "ReviewRejected")
Converted = event_class(FuturesIntent, "Converted")

S = IntentState
TABLES = ("intent_companies", "intent_tracking", "intent_review_steps")
DDL = (
    "CREATE TABLE IF NOT EXISTS intent_companies (company_id {uuid} PRIMARY KEY, "
    "company_name TEXT, manager_id {uuid})",
    "CREATE INDEX IF NOT EXISTS intent_companies_manager ON intent_companies (manager_id)",
    "CREATE TABLE IF NOT EXISTS intent_tracking (intent_id {uuid} PRIMARY KEY, "
    "intent_no TEXT NOT NULL, company_id {uuid} NOT NULL, submitted_by {uuid}, "
    "submitted_at {timestamp} NOT NULL, category TEXT NOT NULL, specifications TEXT NOT NULL, "
    "quantity {quantity} NOT NULL, delivery_address TEXT NOT NULL, "
    "delivery_month TEXT NOT NULL, state TEXT NOT NULL, unit_price {price}, "
    "production_week TEXT, terms TEXT, supplement_version INTEGER, amount {money}, "
    "rejection_reason TEXT, withdrawal_reason TEXT, contract_id {uuid}, "
    "updated_at {timestamp} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS intent_tracking_company "
    "ON intent_tracking (company_id, submitted_at)",
    "CREATE INDEX IF NOT EXISTS intent_tracking_state ON intent_tracking (state, submitted_at)",
    "CREATE TABLE IF NOT EXISTS intent_review_steps (intent_id {uuid} NOT NULL, "
    "level INTEGER NOT NULL, role TEXT NOT NULL, decision TEXT NOT NULL, reviewer_id {uuid}, "
    "score INTEGER, comment TEXT, decided_at {timestamp}, PRIMARY KEY (intent_id, level))",
)


class IntentTrackingProjection(CompanyScope, Projection):
    name = "intents"
    tables = TABLES
    companies_table = "intent_companies"

    def create_tables(self, tx: Transaction) -> None:
        for statement in DDL:
            tx.ddl(statement)

    # ---- the intent (as ``domain/intents/intent.py``'s appliers) -------------------------
    @on(Submitted)
    def submitted(self, event: Any, tx: Transaction) -> None:
        request, at = event.request, utc(event.timestamp)
        insert_row(
            tx,
            "intent_tracking",
            intent_id=event.originator_id,
            intent_no=intent_number(event.originator_id, at),
            company_id=event.account_id,
            submitted_by=event.caused_by.user_id,
            submitted_at=at,
            category=request.category,
            specifications=json.dumps([list(pair) for pair in request.specifications]),
            quantity=request.quantity.tonnes,
            delivery_address=request.delivery_address,
            delivery_month=request.delivery_month,
            state=S.SUBMITTED.value,
            updated_at=at,
        )

    @on(Supplemented)
    def supplemented(self, event: Any, tx: Transaction) -> None:
        supplement = event.supplement
        row = tx.fetchone(
            "SELECT quantity FROM intent_tracking WHERE intent_id = %s", (event.originator_id,)
        )
        if row is None:
            raise LookupError(f"intent_tracking: no intent {event.originator_id}")
        self._intent(
            tx,
            event,
            state=S.SUPPLEMENTED.value,
            unit_price=supplement.unit_price.per_tonne,
            production_week=supplement.production_week,
            terms=supplement.terms,
            supplement_version=supplement.version,
            amount=supplement.amount(Quantity(tonnes(row["quantity"]))).amount,
        )

    @on(Confirmed)
    def confirmed(self, event: Any, tx: Transaction) -> None:
        for level in event.review_chain:
            insert_row(
                tx,
                "intent_review_steps",
                intent_id=event.originator_id,
                level=level.level,
                role=level.role,
                decision="pending",
            )
        self._intent(tx, event, state=S.CONFIRMED.value)

    @on(Withdrawn)
    def withdrawn(self, event: Any, tx: Transaction) -> None:
        self._intent(tx, event, state=S.WITHDRAWN.value, withdrawal_reason=event.reason)

    @on(Rejected)
    def rejected(self, event: Any, tx: Transaction) -> None:
        self._intent(tx, event, state=S.REJECTED.value, rejection_reason=event.reason)

    @on(LevelApproved)
    def level_approved(self, event: Any, tx: Transaction) -> None:
        self._step(tx, event, "approved")
        self._intent(tx, event, state=S.IN_REVIEW.value)

    @on(ReviewRejected)
    def review_rejected(self, event: Any, tx: Transaction) -> None:
        self._step(tx, event, "rejected")
        reason = event.review.comment
        self._intent(tx, event, state=S.REJECTED.value, rejection_reason=reason)

    @on(Approved)
    def approved(self, event: Any, tx: Transaction) -> None:
        self._intent(tx, event, state=S.APPROVED.value)

    @on(Converted)
    def converted(self, event: Any, tx: Transaction) -> None:
        self._intent(tx, event, state=S.CONVERTED.value, contract_id=event.contract_id)

    @staticmethod
    def _step(tx: Transaction, event: Any, decision: str) -> None:
        review = event.review
        update_row(
            tx,
            "intent_review_steps",
            {"intent_id": event.originator_id, "level": review.level},
            decision=decision,
            reviewer_id=review.reviewer_id,
            score=review.score,
            comment=review.comment,
            decided_at=utc(review.decided_at),
        )

    @staticmethod
    def _intent(tx: Transaction, event: Any, **columns: Any) -> None:
        keys = {"intent_id": event.originator_id}
        update_row(tx, "intent_tracking", keys, **columns, updated_at=utc(event.timestamp))
