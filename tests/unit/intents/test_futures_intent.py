"""Futures intent rules, without I/O: the request against its category's template, the manager's
supplement, the customer's confirmation, the review chain, rejection, withdrawal, conversion."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.context import SHANGHAI, FrozenClock
from domain.errors import ConflictError, ErrorKind, InvalidTransitionError, ValidationError
from domain.intents import (
    STATE_LABELS,
    FuturesIntent,
    IntentState,
    Review,
    SpecificationTemplate,
    review_chain,
)
from domain.intents.errors import (
    MissingSpecificationError,
    NotSupplementedError,
    OutOfTurnError,
    SupplementChangedError,
    UnknownSpecificationError,
    WrongReviewerError,
)
from domain.values import Money, Quantity, UnitPrice

CUSTOMER = UUID(int=1)
SUPERVISOR, PLANNER = UUID(int=0x51), UUID(int=0x52)
CONTRACT = UUID(int=0xC0)
HRC = SpecificationTemplate(
    "HRC", required=("grade", "standard", "thickness", "width"), optional=("surface", "mill")
)
SPECS = {"width": "1500", "grade": "Q235B", "thickness": "4.75", "standard": "GB/T 3274"}
CHAIN = review_chain(["sales_supervisor", "production_planning"])
S = IntentState


def submitted(**changes: Any) -> FuturesIntent:
    fields: dict[str, Any] = {
        "account_id": CUSTOMER,
        "category": "HRC",
        "specifications": SPECS,
        "quantity": Quantity.parse("500"),
        "delivery_address": "1 Harbour Road, Qingdao",
        "delivery_month": "2027-01",
        "template": HRC,
    }
    return FuturesIntent.submit(**(fields | changes))


def supplemented() -> FuturesIntent:
    intent = submitted()
    intent.supplement_terms(UnitPrice.parse("4150.00"), "2026-W51", "30% prepay, rest on despatch")
    return intent


def in_review() -> FuturesIntent:
    intent = supplemented()
    intent.confirm(CHAIN)
    return intent


def approved() -> FuturesIntent:
    intent = in_review()
    intent.approve(1, "sales_supervisor", SUPERVISOR, 85, "good customer")
    intent.approve(2, "production_planning", PLANNER, 70, "fits week 51")
    return intent


def code_of(error: pytest.ExceptionInfo[Any]) -> str:
    return str(error.value.code)


# ---- the request ----------------------------------------------------------------------------
def test_submitted_intent_keeps_its_specifications_in_template_order(clock: FrozenClock) -> None:
    intent = submitted(specifications=SPECS | {"mill": " Rizhao "})
    assert (intent.state, intent.label) == (S.SUBMITTED, "意向提报")
    assert intent.request.specifications == (
        ("grade", "Q235B"),
        ("standard", "GB/T 3274"),
        ("thickness", "4.75"),
        ("width", "1500"),
        ("mill", "Rizhao"),
    )
    assert intent.request.specification("mill") == "Rizhao"
    assert intent.account_id == CUSTOMER and intent.amount is None


def test_missing_specification_is_refused(clock: FrozenClock) -> None:
    specs = {k: v for k, v in SPECS.items() if k not in ("thickness", "width")}
    with pytest.raises(MissingSpecificationError) as error:
        submitted(specifications=specs)
    assert code_of(error) == "missing_specification"
    assert error.value.extra == {"missing": ["thickness", "width"]}


def test_a_blank_specification_counts_as_missing(clock: FrozenClock) -> None:
    with pytest.raises(MissingSpecificationError):
        submitted(specifications=SPECS | {"grade": "  "})


def test_unknown_specification_is_refused(clock: FrozenClock) -> None:
    with pytest.raises(UnknownSpecificationError) as error:
        submitted(specifications=SPECS | {"colour": "blue"})
    assert code_of(error) == "unknown_specification"
    assert error.value.extra["unknown"] == ["colour"]
    assert error.value.kind is ErrorKind.INVALID


def test_the_template_must_be_the_categorys(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        submitted(category="PLATE")
    assert code_of(error) == "template_mismatch"


def test_the_category_code_reads_in_capitals(clock: FrozenClock) -> None:
    assert submitted(category=" hrc ").request.category == "HRC"


def test_an_intent_needs_tonnes_above_zero(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        submitted(quantity=Quantity.zero())
    assert code_of(error) == "invalid_quantity"


def test_an_intent_needs_a_delivery_address(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        submitted(delivery_address=" ")
    assert code_of(error) == "required"


@pytest.mark.parametrize("month", ["2027-13", "2027-1", "Jan 2027", "", "2026-10"])
def test_a_delivery_month_must_read_yyyy_mm_and_not_have_passed(
    clock: FrozenClock, month: str
) -> None:
    with pytest.raises(ValidationError) as error:
        submitted(delivery_month=month)
    assert code_of(error) == "invalid_delivery_month"


def test_the_current_month_is_a_delivery_month(clock: FrozenClock) -> None:
    assert submitted(delivery_month="2026-11").request.delivery_month == "2026-11"


# ---- the manager's supplement ---------------------------------------------------------------
def test_manager_supplements_price_production_week_and_terms(clock: FrozenClock) -> None:
    intent = supplemented()
    assert (intent.state, intent.label) == (S.SUPPLEMENTED, "意向补充")
    assert intent.supplement is not None and intent.supplement.production_week == "2026-W51"
    assert intent.supplement.version == 1
    assert intent.amount == Money(Decimal("2075000.00"))  # 500 t × 4,150.00


def test_a_second_supplement_before_confirmation_is_a_new_version(clock: FrozenClock) -> None:
    intent = supplemented()
    assert intent.supplement_terms(UnitPrice.parse("4120.00"), "2026-W52", "full prepay") == 2
    assert intent.amount == Money(Decimal("2060000.00"))


@pytest.mark.parametrize(
    "week", ["2026-51", "2026-W54", "W51", "2026-W47", "2027-W05"]
)  # bad form, no such week, over already (16–22 Nov), after January (from 1 Feb)
def test_a_production_week_is_an_iso_week_between_now_and_the_delivery_month(
    clock: FrozenClock, week: str
) -> None:
    with pytest.raises(ValidationError) as error:
        submitted().supplement_terms(UnitPrice.parse("4150.00"), week, "prepay")
    assert code_of(error) == "invalid_production_week"


def test_this_week_and_the_delivery_months_last_week_are_production_weeks(
    clock: FrozenClock,
) -> None:
    intent = submitted()
    intent.supplement_terms(UnitPrice.parse("4150.00"), "2026-W48", "prepay")  # 23–29 Nov
    intent.supplement_terms(UnitPrice.parse("4150.00"), "2027-W04", "prepay")  # from 25 Jan
    assert intent.supplement is not None and intent.supplement.version == 2


def test_a_supplement_needs_a_price_and_terms(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        submitted().supplement_terms(UnitPrice.parse("0"), "2026-W51", "prepay")
    assert code_of(error) == "invalid_price"
    with pytest.raises(ValidationError) as error:
        submitted().supplement_terms(UnitPrice.parse("4150.00"), "2026-W51", " ")
    assert code_of(error) == "required"


# ---- the customer's confirmation ------------------------------------------------------------
def test_confirming_before_the_supplement_is_refused(clock: FrozenClock) -> None:
    with pytest.raises(NotSupplementedError) as error:
        submitted().confirm(CHAIN)
    assert code_of(error) == "not_supplemented"


def test_confirming_a_supplement_that_changed_since_is_refused(clock: FrozenClock) -> None:
    intent = supplemented()
    intent.supplement_terms(UnitPrice.parse("4300.00"), "2026-W51", "full prepay")
    with pytest.raises(SupplementChangedError) as error:
        intent.confirm(CHAIN, supplement_version=1)
    assert error.value.extra == {"version": 2}
    intent.confirm(CHAIN, supplement_version=2)
    assert (intent.state, intent.label) == (S.CONFIRMED, "客户确认")
    assert intent.review_chain == CHAIN and intent.next_level == CHAIN[0]


def test_confirming_needs_a_review_chain(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        supplemented().confirm(())
    assert code_of(error) == "invalid_review_chain"


def test_a_confirmed_intent_cannot_be_supplemented_withdrawn_or_confirmed_again(
    clock: FrozenClock,
) -> None:
    intent = in_review()
    with pytest.raises(InvalidTransitionError):
        intent.supplement_terms(UnitPrice.parse("4000.00"), "2026-W51", "prepay")
    with pytest.raises(InvalidTransitionError):
        intent.withdraw("changed my mind")
    with pytest.raises(InvalidTransitionError):
        intent.confirm(CHAIN)


# ---- the review chain -----------------------------------------------------------------------
def test_review_levels_approve_in_order_then_the_intent_is_approved(clock: FrozenClock) -> None:
    intent = in_review()
    assert not intent.approve(1, "sales_supervisor", SUPERVISOR, 85, "good customer")
    assert (intent.state, intent.label, intent.next_level) == (S.IN_REVIEW, "评审中", CHAIN[1])
    assert intent.approve(2, "production_planning", PLANNER, 70, "fits week 51")
    assert (intent.state, intent.label, intent.next_level) == (S.APPROVED, "评审通过", None)


def test_each_approval_records_its_score_and_comment(clock: FrozenClock) -> None:
    intent = in_review()
    intent.approve(1, "sales_supervisor", SUPERVISOR, 85, "  good customer ")
    assert intent.reviews == (
        Review(1, "sales_supervisor", SUPERVISOR, True, 85, "good customer", clock.at),
    )


def test_approving_out_of_turn_is_refused(clock: FrozenClock) -> None:
    intent = in_review()
    with pytest.raises(OutOfTurnError) as error:
        intent.approve(2, "production_planning", PLANNER, 70)
    assert code_of(error) == "out_of_turn"
    assert error.value.extra == {"expected_level": 1}
    assert intent.reviews == ()


def test_approving_a_level_twice_is_out_of_turn(clock: FrozenClock) -> None:
    intent = in_review()
    intent.approve(1, "sales_supervisor", SUPERVISOR, 85)
    with pytest.raises(OutOfTurnError):
        intent.approve(1, "sales_supervisor", SUPERVISOR, 90)


def test_approving_with_the_wrong_role_is_refused(clock: FrozenClock) -> None:
    intent = in_review()
    with pytest.raises(WrongReviewerError) as error:
        intent.approve(1, "production_planning", PLANNER, 70)
    assert code_of(error) == "wrong_reviewer" and error.value.kind is ErrorKind.FORBIDDEN
    assert error.value.extra == {"role_required": "sales_supervisor"}


def test_approving_a_level_the_chain_lacks_is_refused(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        in_review().approve(3, "director", SUPERVISOR, 70)
    assert code_of(error) == "unknown_level"


@pytest.mark.parametrize("score", [-1, 101, True, None, Decimal("80")])
def test_a_score_is_a_whole_number_from_0_to_100(clock: FrozenClock, score: Any) -> None:
    with pytest.raises(ValidationError) as error:
        in_review().approve(1, "sales_supervisor", SUPERVISOR, score)
    assert code_of(error) == "invalid_score"


def test_a_one_level_chain_approves_at_once(clock: FrozenClock) -> None:
    intent = supplemented()
    intent.confirm(review_chain(["sales_director"]))
    assert intent.approve(1, "sales_director", SUPERVISOR, 0)
    assert intent.state is S.APPROVED


# ---- rejection and withdrawal ---------------------------------------------------------------
def test_the_current_reviewer_rejects_with_a_reason(clock: FrozenClock) -> None:
    intent = in_review()
    intent.approve(1, "sales_supervisor", SUPERVISOR, 85)
    intent.reject_in_review(2, "production_planning", PLANNER, " mill full in week 51 ", 20)
    assert (intent.state, intent.label) == (S.REJECTED, "已驳回")
    assert intent.rejection_reason == "mill full in week 51"
    assert intent.reviews[-1].approved is False and intent.reviews[-1].score == 20


def test_a_rejection_in_review_follows_the_turn_and_the_role(clock: FrozenClock) -> None:
    intent = in_review()
    with pytest.raises(OutOfTurnError):
        intent.reject_in_review(2, "production_planning", PLANNER, "full")
    with pytest.raises(WrongReviewerError):
        intent.reject_in_review(1, "production_planning", PLANNER, "full")
    assert intent.state is S.CONFIRMED


@pytest.mark.parametrize("build", [submitted, supplemented])
def test_the_manager_may_reject_before_the_confirmation(clock: FrozenClock, build: Any) -> None:
    intent = build()
    intent.reject("this grade is not rolled until spring")
    assert intent.state is S.REJECTED
    assert intent.rejection_reason == "this grade is not rolled until spring"


def test_in_review_only_the_reviewer_rejects(clock: FrozenClock) -> None:
    with pytest.raises(WrongReviewerError):
        in_review().reject("the manager changed its mind")


def test_a_rejection_needs_a_reason(clock: FrozenClock) -> None:
    with pytest.raises(ValidationError) as error:
        submitted().reject(" ")
    assert code_of(error) == "reason_required"
    with pytest.raises(ValidationError):
        in_review().reject_in_review(1, "sales_supervisor", SUPERVISOR, "")


@pytest.mark.parametrize("build", [submitted, supplemented])
def test_customer_may_withdraw_before_confirmation(clock: FrozenClock, build: Any) -> None:
    intent = build()
    intent.withdraw("bought spot instead")
    assert (intent.state, intent.label) == (S.WITHDRAWN, "已撤回")
    assert intent.withdrawal_reason == "bought spot instead"


def test_an_ended_intent_takes_no_more_steps(clock: FrozenClock) -> None:
    withdrawn = supplemented()
    withdrawn.withdraw()
    rejected = in_review()
    rejected.reject_in_review(1, "sales_supervisor", SUPERVISOR, "credit too low")
    for intent in (withdrawn, rejected):
        with pytest.raises(InvalidTransitionError):
            intent.supplement_terms(UnitPrice.parse("4000.00"), "2026-W51", "prepay")
        with pytest.raises(InvalidTransitionError):
            intent.confirm(CHAIN)
        with pytest.raises(InvalidTransitionError):
            intent.withdraw()
        with pytest.raises(InvalidTransitionError):
            intent.approve(1, "sales_supervisor", SUPERVISOR, 80)


# ---- conversion -----------------------------------------------------------------------------
def test_an_approved_intent_converts_to_its_contract_once(clock: FrozenClock) -> None:
    intent = approved()
    assert intent.convert(CONTRACT)
    assert (intent.state, intent.label, intent.contract_id) == (S.CONVERTED, "已转合同", CONTRACT)
    assert not intent.convert(CONTRACT)
    with pytest.raises(ConflictError) as error:
        intent.convert(UUID(int=0xC1))
    assert code_of(error) == "already_converted"


def test_only_an_approved_intent_converts(clock: FrozenClock) -> None:
    intent = in_review()
    intent.approve(1, "sales_supervisor", SUPERVISOR, 85)
    with pytest.raises(InvalidTransitionError):
        intent.convert(CONTRACT)


# ---- labels ---------------------------------------------------------------------------------
def test_every_state_has_its_chinese_label(clock: FrozenClock) -> None:
    assert {s.value: label for s, label in STATE_LABELS.items()} == {
        "submitted": "意向提报",
        "supplemented": "意向补充",
        "confirmed": "客户确认",
        "in_review": "评审中",
        "approved": "评审通过",
        "converted": "已转合同",
        "rejected": "已驳回",
        "withdrawn": "已撤回",
    }


def test_times_come_from_the_command_clock(clock: FrozenClock) -> None:
    intent = in_review()
    clock.at = datetime(2026, 11, 27, 14, 0, tzinfo=SHANGHAI)
    intent.approve(1, "sales_supervisor", SUPERVISOR, 85)
    assert intent.reviews[0].decided_at == clock.at
    assert intent.collect_events()[-1].timestamp == clock.at
