"""What a futures intent (期货意向) is made of: its states and their names, the customer's
request and its specifications checked against the category's attribute template, the
manager's supplement, and the review chain with each level's decision."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from uuid import UUID

from domain.context import SHANGHAI
from domain.errors import ValidationError
from domain.intents.errors import MissingSpecificationError, UnknownSpecificationError
from domain.values import Money, Quantity, UnitPrice


class IntentState(Enum):
    SUBMITTED = "submitted"  # the customer entered it
    SUPPLEMENTED = "supplemented"  # its manager gave price, production week and terms
    CONFIRMED = "confirmed"  # the customer accepted them; review not begun
    IN_REVIEW = "in_review"  # one or more review levels approved, more to come
    APPROVED = "approved"  # every level approved: ready to become a contract
    CONVERTED = "converted"  # its contract exists
    REJECTED = "rejected"  # by its manager or a reviewer, with a reason
    WITHDRAWN = "withdrawn"  # by the customer, before its confirmation


STATE_LABELS: dict[IntentState, str] = {
    IntentState.SUBMITTED: "意向提报",
    IntentState.SUPPLEMENTED: "意向补充",
    IntentState.CONFIRMED: "客户确认",
    IntentState.IN_REVIEW: "评审中",
    IntentState.APPROVED: "评审通过",
    IntentState.CONVERTED: "已转合同",
    IntentState.REJECTED: "已驳回",
    IntentState.WITHDRAWN: "已撤回",
}


def intent_number(intent_id: UUID, submitted_at: datetime) -> str:
    """The number people quote (FI + the Shanghai date it was entered + 10 hex digits of its
    id); its contract takes the same number, so one intent can become one contract only."""
    return f"FI{submitted_at.astimezone(SHANGHAI):%Y%m%d}{intent_id.hex[:10].upper()}"


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class SpecificationTemplate:
    """A category's attribute template as the service reads it from the catalog: the attributes
    a request must give (``required``) and those it may give (``optional``)."""

    category: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return self.required + tuple(n for n in self.optional if n not in self.required)

    def check(self, given: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        """The specifications, trimmed, in the template's order; refused with the names that
        are missing or unknown."""
        specs = {str(k).strip(): str(v).strip() for k, v in given.items()}
        unknown = sorted(n for n in specs if n not in self.known)
        if unknown:
            raise UnknownSpecificationError(
                f"Category {self.category} has no attribute {', '.join(unknown)}.",
                unknown=unknown,
                known=list(self.known),
            )
        missing = [n for n in self.required if not specs.get(n)]
        if missing:
            raise MissingSpecificationError(
                f"Category {self.category} requires: {', '.join(missing)}.", missing=missing
            )
        return tuple((n, specs[n]) for n in self.known if specs.get(n))


@dataclass(frozen=True)
class IntentRequest:
    """What the customer asks for (its specifications as (name, value) pairs)."""

    category: str
    specifications: tuple[tuple[str, str], ...]
    quantity: Quantity
    delivery_address: str
    delivery_month: str  # YYYY-MM

    def specification(self, name: str) -> str | None:
        return dict(self.specifications).get(name)


def check_request(
    category: str,
    specifications: Mapping[str, str],
    quantity: Quantity,
    delivery_address: str,
    delivery_month: str,
    template: SpecificationTemplate,
    today: date,
) -> IntentRequest:
    code = (category or "").strip().upper()
    if code != template.category.strip().upper():
        raise ValidationError("template_mismatch", f"The template is not category {code}'s.")
    specs = template.check(specifications)
    if not isinstance(quantity, Quantity) or quantity.tonnes <= 0:
        raise ValidationError("invalid_quantity", "The tonnes must be above zero.")
    if not (delivery_address or "").strip():
        raise ValidationError("required", "A delivery address is required.")
    first = month_start(delivery_month)
    if first < today.replace(day=1):
        raise ValidationError("invalid_delivery_month", "The delivery month has passed.")
    return IntentRequest(code, specs, quantity, delivery_address.strip(), delivery_month)


def month_start(month: str) -> date:
    found = _MONTH.match(month or "")
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValidationError("invalid_delivery_month", "The delivery month must read YYYY-MM.")
    return date(int(found[1]), int(found[2]), 1)


def week_start(week: str) -> date:
    """The Monday of an ISO week written YYYY-Www (e.g. 2026-W49)."""
    found = _WEEK.match(week or "")
    try:
        if not found:
            raise ValueError(week)
        return date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise ValidationError(
            "invalid_production_week", "The production week must read YYYY-Www (ISO week)."
        ) from None


@dataclass(frozen=True)
class Supplement:
    """The manager's offer: price per tonne, the production week, and the terms in words."""

    unit_price: UnitPrice
    production_week: str  # ISO week, YYYY-Www
    terms: str
    version: int  # 1, 2 … each supplement replaces the one before

    def amount(self, quantity: Quantity) -> Money:
        return self.unit_price.times(quantity)


def check_supplement(
    unit_price: UnitPrice, production_week: str, terms: str, request: IntentRequest, today: date
) -> None:
    if not isinstance(unit_price, UnitPrice) or unit_price.per_tonne <= 0:
        raise ValidationError("invalid_price", "The price per tonne must be above zero.")
    monday = week_start(production_week)
    if monday + timedelta(days=6) < today:
        raise ValidationError("invalid_production_week", "That production week is over.")
    month = month_start(request.delivery_month)
    after_month = (month + timedelta(days=31)).replace(day=1)
    if monday >= after_month:
        raise ValidationError(
            "invalid_production_week", "Production would start after the delivery month."
        )
    if not (terms or "").strip():
        raise ValidationError("required", "Give the terms (payment, delivery …).")


@dataclass(frozen=True)
class ReviewLevel:
    level: int  # 1, 2 … in the order they decide
    role: str  # the approver's role name, e.g. sales_supervisor, production_planning


def review_chain(roles: Sequence[str]) -> tuple[ReviewLevel, ...]:
    """The seller's configured chain, from its roles in order."""
    return tuple(ReviewLevel(n, role) for n, role in enumerate(roles, start=1))


def check_chain(chain: tuple[ReviewLevel, ...]) -> None:
    if not chain or [lv.level for lv in chain] != list(range(1, len(chain) + 1)):
        raise ValidationError("invalid_review_chain", "Review levels are numbered 1, 2 …")
    if any(not (lv.role or "").strip() for lv in chain):
        raise ValidationError("invalid_review_chain", "Every review level needs a role.")


@dataclass(frozen=True)
class Review:
    """One level's decision, with its score (0–100) and comment."""

    level: int
    role: str
    reviewer_id: UUID
    approved: bool
    score: int | None  # required to approve
    comment: str
    decided_at: datetime


def check_score(score: int | None, required: bool) -> None:
    if score is None and not required:
        return
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise ValidationError("invalid_score", "A score is a whole number from 0 to 100.")
