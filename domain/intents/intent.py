"""A futures intent (期货意向): a customer's request for material not yet produced, on its way
to a contract.

    submitted ─supplement→ supplemented ─confirm→ confirmed ─approve (level 1)→ in_review
    ─approve (… last level)→ approved ─convert(contract)→ converted
    reject (with a reason): by the manager before the confirmation, by the current level's
    reviewer in review → rejected.  withdraw (the customer, before its confirmation) → withdrawn.

The manager may supplement again before the customer confirms (each supplement a new version;
the customer may name the version it accepts). The review chain is the seller's, given when the
customer confirms: levels 1 … n, each an approver role; they decide in order, one level each.
The aggregate checks the order and the roles; who may act for which customer is the service's.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.domain import event

from domain import context
from domain.base import Aggregate, CopiesCheaply
from domain.errors import ConflictError, InvalidTransitionError, ValidationError
from domain.intents.errors import (
    NotSupplementedError,
    OutOfTurnError,
    SupplementChangedError,
    WrongReviewerError,
)
from domain.intents.values import (
    STATE_LABELS,
    IntentRequest,
    IntentState,
    Review,
    ReviewLevel,
    SpecificationTemplate,
    Supplement,
    check_chain,
    check_request,
    check_score,
    check_supplement,
    intent_number,
)
from domain.values import Money, Quantity, UnitPrice

S = IntentState
BEFORE_CONFIRMATION = (S.SUBMITTED, S.SUPPLEMENTED)
REVIEWING = (S.CONFIRMED, S.IN_REVIEW)


class FuturesIntent(CopiesCheaply, Aggregate):
    @classmethod
    def submit(
        cls,
        account_id: UUID,
        category: str,
        specifications: Mapping[str, str],
        quantity: Quantity,
        delivery_address: str,
        delivery_month: str,
        template: SpecificationTemplate,
    ) -> FuturesIntent:
        """By the customer (``account_id``: its company); ``template`` is the category's."""
        request = check_request(
            category, specifications, quantity, delivery_address, delivery_month, template,
            context.current().today(),
        )  # fmt: skip
        return cls(account_id=account_id, request=request)

    @event("Submitted")
    def __init__(self, account_id: UUID, request: IntentRequest) -> None:
        self.account_id = account_id
        self.request = request
        self.state = S.SUBMITTED
        self.supplement: Supplement | None = None
        self.review_chain: tuple[ReviewLevel, ...] = ()
        self.reviews: tuple[Review, ...] = ()
        self.rejection_reason: str | None = None
        self.withdrawal_reason: str | None = None
        self.contract_id: UUID | None = None

    # ---- queries -----------------------------------------------------------------------
    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def intent_no(self) -> str:
        return intent_number(self.id, self.created_on)

    @property
    def amount(self) -> Money | None:
        """The supplemented price × tonnes."""
        return self.supplement.amount(self.request.quantity) if self.supplement else None

    @property
    def next_level(self) -> ReviewLevel | None:
        """The review level whose decision is awaited, while in review."""
        if self.state not in REVIEWING:
            return None
        return self.review_chain[len(self.reviews)]

    # ---- the customer and its manager --------------------------------------------------
    def supplement_terms(self, unit_price: UnitPrice, production_week: str, terms: str) -> int:
        """By the customer's manager, before the confirmation. Returns the version."""
        self._require("supplement", *BEFORE_CONFIRMATION)
        check_supplement(
            unit_price, production_week, terms, self.request, context.current().today()
        )
        version = self.supplement.version + 1 if self.supplement else 1
        supplement = Supplement(unit_price, production_week.strip(), terms.strip(), version)
        self._supplemented(supplement=supplement)
        return version

    def confirm(
        self, review_chain: tuple[ReviewLevel, ...], supplement_version: int | None = None
    ) -> None:
        """By the customer: it accepts the supplement (the version it saw, if it names one);
        the seller's review chain now applies."""
        if self.state is not S.SUBMITTED:
            self._require("confirm", S.SUPPLEMENTED)
        supplement = self.supplement
        if supplement is None:
            raise NotSupplementedError("The manager has not supplemented this intent yet.")
        if supplement_version is not None and supplement_version != supplement.version:
            raise SupplementChangedError(
                "The supplement changed since you saw it.", version=supplement.version
            )
        check_chain(review_chain)
        self._confirmed(supplement_version=supplement.version, review_chain=review_chain)

    def withdraw(self, reason: str = "") -> None:
        """By the customer, before its confirmation."""
        self._require("withdraw", *BEFORE_CONFIRMATION)
        self._withdrawn(reason=(reason or "").strip())

    def reject(self, reason: str) -> None:
        """By the manager, before the customer's confirmation; in review, only the current
        level's reviewer rejects (``reject_in_review``)."""
        if self.state in REVIEWING:
            raise WrongReviewerError("In review, only the reviewer of the current level rejects.")
        self._require("reject", *BEFORE_CONFIRMATION)
        self._rejected(reason=_reason(reason), stage=self.state)

    # ---- the review chain --------------------------------------------------------------
    def approve(
        self, level: int, role: str, reviewer_id: UUID, score: int, comment: str = ""
    ) -> bool:
        """A level approves, in turn, by a reviewer of its role. True when it was the last."""
        current = self._check_turn(level, role, "approve")
        check_score(score, required=True)
        review = self._review(current, reviewer_id, True, score, comment)
        self._level_approved(review=review)
        if len(self.reviews) == len(self.review_chain):
            self._approved()
            return True
        return False

    def reject_in_review(
        self, level: int, role: str, reviewer_id: UUID, reason: str, score: int | None = None
    ) -> None:
        current = self._check_turn(level, role, "reject")
        check_score(score, required=False)
        review = self._review(current, reviewer_id, False, score, _reason(reason))
        self._review_rejected(review=review)

    def convert(self, contract_id: UUID) -> bool:
        """The approved intent's contract was generated (by the service, same write). False if
        this contract is already recorded."""
        if self.contract_id == contract_id:
            return False
        if self.contract_id is not None:
            raise ConflictError("already_converted", "This intent has its contract.")
        self._require("convert", S.APPROVED)
        self._converted(contract_id=contract_id)
        return True

    # ---- helpers -----------------------------------------------------------------------
    def _check_turn(self, level: int, role: str, action: str) -> ReviewLevel:
        self._require(action, *REVIEWING)
        found = next((lv for lv in self.review_chain if lv.level == level), None)
        if found is None:
            raise ValidationError("unknown_level", f"The review chain has no level {level}.")
        if (role or "").strip() != found.role:
            raise WrongReviewerError(
                f"Level {level} is decided by {found.role}.", role_required=found.role
            )
        current = self.next_level
        if current is None or current.level != level:
            expected = current.level if current else None
            raise OutOfTurnError(f"Level {expected} decides now.", expected_level=expected)
        return current

    @staticmethod
    def _review(
        level: ReviewLevel, reviewer_id: UUID, approved: bool, score: int | None, comment: str
    ) -> Review:
        now = context.current().now()
        text = (comment or "").strip()
        return Review(level.level, level.role, reviewer_id, approved, score, text, now)

    def _require(self, action: str, *states: IntentState) -> None:
        if self.state not in states:
            raise InvalidTransitionError("futures intent", self.state.value, action)

    # ---- appliers: state only, replayed as they were recorded --------------------------
    @event("Supplemented")
    def _supplemented(self, supplement: Supplement) -> None:
        self.supplement = supplement
        self.state = S.SUPPLEMENTED

    @event("Confirmed")
    def _confirmed(self, supplement_version: int, review_chain: tuple[ReviewLevel, ...]) -> None:
        self.review_chain = review_chain
        self.state = S.CONFIRMED

    @event("Withdrawn")
    def _withdrawn(self, reason: str) -> None:
        self.withdrawal_reason = reason
        self.state = S.WITHDRAWN

    @event("Rejected")
    def _rejected(self, reason: str, stage: IntentState) -> None:
        self.rejection_reason = reason
        self.state = S.REJECTED

    @event("LevelApproved")
    def _level_approved(self, review: Review) -> None:
        self.reviews += (review,)
        self.state = S.IN_REVIEW

    @event("Approved")
    def _approved(self) -> None:
        self.state = S.APPROVED

    @event("ReviewRejected")
    def _review_rejected(self, review: Review) -> None:
        self.reviews += (review,)
        self.rejection_reason = review.comment
        self.state = S.REJECTED

    @event("Converted")
    def _converted(self, contract_id: UUID) -> None:
        self.contract_id = contract_id
        self.state = S.CONVERTED


def _reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError("reason_required", "Give a reason.")
    return reason.strip()
