"""Account rules, without I/O: given events, when a command, then events or an error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.accounts.account import Account, Certification, CompanyInfo
from domain.accounts.identity import check_password_policy, normalise_credit_code, normalise_phone
from domain.errors import ConflictError, InvalidTransitionError, NotFoundError, ValidationError

NOW = datetime(2026, 11, 26, tzinfo=UTC)
COMPANY = CompanyInfo("Acme Steel", "91350100M000100Y43", "1 Road", "east")


def new_account() -> Account:
    return Account(
        admin_id=uuid4(),
        phone="13800000001",
        name="Admin",
        password_hash="h",
        email=None,
        rules_version="2026-01",
    )


def certified_account() -> Account:
    account = new_account()
    account.bind_company(COMPANY)
    account.approve_certification()
    return account


@pytest.mark.parametrize("raw", ["13800138000", "138 0013 8000", "+86 138-0013-8000"])
def test_mainland_mobile_numbers_are_normalised(raw: str) -> None:
    assert normalise_phone(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["", "1380013800", "23800138000", "138001380001", "abc"])
def test_malformed_phone_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as error:
        normalise_phone(raw)
    assert error.value.code == "invalid_phone"


@pytest.mark.parametrize("password", ["Abc-1234", "abcd1234", "abcd!@#$", "12345678!"])
def test_password_with_two_kinds_of_character_is_accepted(password: str) -> None:
    check_password_policy(password)


@pytest.mark.parametrize("password", ["Ab1!", "abcdefgh", "12345678", "!@#$%^&*"])
def test_short_or_single_kind_password_is_refused(password: str) -> None:
    with pytest.raises(ValidationError) as error:
        check_password_policy(password)
    assert error.value.code == "weak_password"


def test_credit_code_check_digit_is_verified() -> None:
    assert normalise_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    for bad in ("91350100M000100Y44", "91350100M000100Y4", "91350100M000100I43"):
        with pytest.raises(ValidationError):
            normalise_credit_code(bad)


def test_binding_a_company_waits_for_certification() -> None:
    account = new_account()
    account.bind_company(COMPANY)
    assert account.certification is Certification.PENDING
    assert [type(e).__name__ for e in account.collect_events()] == ["Registered", "CompanyBound"]


def test_certified_company_cannot_be_rebound_but_rejected_one_can() -> None:
    account = certified_account()
    with pytest.raises(InvalidTransitionError):
        account.bind_company(COMPANY)
    rejected = new_account()
    rejected.bind_company(COMPANY)
    rejected.reject_certification("Licence expired")
    rejected.bind_company(COMPANY)
    assert rejected.certification is Certification.PENDING


def test_rejection_needs_a_reason_and_a_pending_request() -> None:
    account = new_account()
    with pytest.raises(InvalidTransitionError):
        account.reject_certification("why")
    account.bind_company(COMPANY)
    with pytest.raises(ValidationError):
        account.reject_certification("  ")


def test_only_a_certified_company_gets_a_manager_and_only_one() -> None:
    account = new_account()
    with pytest.raises(ConflictError) as error:
        account.bind_manager(uuid4(), "region", NOW)
    assert error.value.code == "not_certified"
    account = certified_account()
    account.bind_manager(uuid4(), "region", NOW)
    with pytest.raises(ConflictError) as error:
        account.bind_manager(uuid4(), "region", NOW)
    assert error.value.code == "already_bound"


def test_binding_lapses_only_after_the_idle_days() -> None:
    account = certified_account()
    account.bind_manager(uuid4(), "region", NOW)
    with pytest.raises(ConflictError):
        account.lapse_binding(NOW + timedelta(days=89), idle_days=90)
    account.record_activity(NOW + timedelta(days=50))
    with pytest.raises(ConflictError):
        account.lapse_binding(NOW + timedelta(days=100), idle_days=90)
    account.lapse_binding(NOW + timedelta(days=140), idle_days=90)
    assert account.manager_id is None


def test_roles_grant_only_known_permissions() -> None:
    account = new_account()
    with pytest.raises(ValidationError) as error:
        account.define_role("Boss", frozenset({"everything"}))
    assert error.value.code == "unknown_permission"
    role = account.define_role("Buyer", frozenset({"orders.place"}))
    with pytest.raises(ConflictError):
        account.define_role("Buyer", frozenset())
    member = uuid4()
    account.add_member(member, "13800000002", "Li", "h", None, (role,))
    assert account.permissions_of(member) == frozenset({"orders.place"})
    assert "members.manage" in account.permissions_of(account.admin.user_id)


def test_members_refer_to_existing_departments_and_roles() -> None:
    account = new_account()
    with pytest.raises(ValidationError) as error:
        account.add_member(uuid4(), "13800000002", "Li", "h", uuid4(), ())
    assert error.value.code == "unknown_department"
    with pytest.raises(ValidationError) as error:
        account.add_member(uuid4(), "13800000002", "Li", "h", None, (uuid4(),))
    assert error.value.code == "unknown_role"


def test_the_admin_cannot_be_disabled_or_restricted() -> None:
    account = new_account()
    admin = account.admin.user_id
    with pytest.raises(ConflictError):
        account.disable_member(admin)
    with pytest.raises(ConflictError):
        account.assign_member(admin, None, ())
    with pytest.raises(NotFoundError):
        account.disable_member(uuid4())


def test_reset_challenge_expires_and_counts_attempts() -> None:
    account = new_account()
    user = account.admin.user_id
    account.start_password_reset(user, "code-hash", NOW + timedelta(minutes=10))
    assert account.reset_challenge(user, NOW).code_hash == "code-hash"
    with pytest.raises(ConflictError):
        account.reset_challenge(user, NOW + timedelta(minutes=11))
    for _ in range(5):
        account.fail_reset_attempt(user)
    with pytest.raises(ConflictError):
        account.reset_challenge(user, NOW)


def test_member_levels_are_a_closed_list() -> None:
    account = new_account()
    account.change_level("vip")
    assert account.level == "vip"
    with pytest.raises(ValidationError):
        account.change_level("platinum")
    with pytest.raises(ConflictError):
        account.change_level("vip")


def test_a_phone_change_needs_evidence_and_gives_back_the_old_number() -> None:
    account = new_account()
    admin = account.admin.user_id
    with pytest.raises(ValidationError):
        account.change_phone(admin, "13800000009", " ")
    assert account.change_phone(admin, "13800000009", "ID card seen") == "13800000001"
    assert account.member_by_phone("13800000009") is not None
    assert account.member_by_phone("13800000001") is None
    with pytest.raises(ConflictError):
        account.change_phone(admin, "13800000009", "again")
