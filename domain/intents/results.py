"""A futures intent as the API shows it, and the shape of each command's answer. The tracking
read model (``projections/intents``) gives its rows the same shape."""

from __future__ import annotations

from typing import Any

from domain.accounts.customers import Customer
from domain.context import Cause
from domain.intents.intent import FuturesIntent
from domain.intents.values import STATE_LABELS, Review, ReviewLevel

Result = dict[str, Any]


def describe(intent: FuturesIntent, customer: Customer, submitted: Cause | None) -> Result:
    """The intent as the API shows it (the tracking read model's rows have the same shape);
    ``submitted``: the cause of its first event (who entered it)."""
    supplement, request = intent.supplement, intent.request
    done = {review.level: review for review in intent.reviews}
    return {
        **state_of(intent),
        "company_id": intent.account_id,
        "company_name": customer.name,
        "submitted_by": submitted.user_id if submitted else None,
        "submitted_at": intent.created_on,
        "updated_at": intent.modified_on,
        "category": request.category,
        "specifications": dict(request.specifications),
        "quantity": request.quantity.tonnes,
        "delivery_address": request.delivery_address,
        "delivery_month": request.delivery_month,
        "unit_price": supplement.unit_price.per_tonne if supplement else None,
        "production_week": supplement.production_week if supplement else None,
        "terms": supplement.terms if supplement else None,
        "supplement_version": supplement.version if supplement else None,
        "amount": amount_of(intent),
        "rejection_reason": intent.rejection_reason,
        "withdrawal_reason": intent.withdrawal_reason,
        "contract_id": intent.contract_id,
        "reviews": [_step(level, done.get(level.level)) for level in intent.review_chain],
    }


def _step(level: ReviewLevel, review: Review | None) -> Result:
    """One level of the review chain: pending, or its decision with score and comment."""
    if review is None:
        decided: Result = dict.fromkeys(("reviewer_id", "score", "comment", "decided_at"))
        return {"level": level.level, "role": level.role, "decision": "pending", **decided}
    return {
        "level": level.level,
        "role": level.role,
        "decision": "approved" if review.approved else "rejected",
        "reviewer_id": review.reviewer_id,
        "score": review.score,
        "comment": review.comment,
        "decided_at": review.decided_at,
    }


def state_of(intent: FuturesIntent) -> Result:
    following = intent.next_level
    return {
        "intent_id": intent.id,
        "intent_no": intent.intent_no,
        "state": intent.state.value,
        "state_label": STATE_LABELS[intent.state],
        "next_level": following.level if following else None,
        "next_role": following.role if following else None,
        "contract_id": intent.contract_id,
    }


def amount_of(intent: FuturesIntent) -> Any:
    amount = intent.amount
    return amount.amount if amount is not None else None
