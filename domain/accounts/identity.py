"""Identity rules shared by buyers and staff: phones, passwords, company codes, ports."""

from __future__ import annotations

import re
from typing import Protocol

from domain.errors import ValidationError

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalise_phone(raw: str) -> str:
    """A mainland mobile number: 11 digits starting 13–19; spaces, dashes and +86 tolerated."""
    phone = re.sub(r"[\s-]", "", raw or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise ValidationError("invalid_phone", f"{raw!r} is not a mainland mobile number.")
    return phone


def check_password_policy(password: str) -> None:
    """At least 8 characters, with at least two of: letters, digits, symbols."""
    if len(password) < 8:
        raise ValidationError("weak_password", "A password needs at least 8 characters.")
    kinds = sum(
        (
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if kinds < 2:
        raise ValidationError(
            "weak_password", "A password needs at least two of: letters, digits, symbols."
        )


def normalise_credit_code(raw: str) -> str:
    """The 18-character unified social credit code (统一社会信用代码), check digit verified."""
    code = (raw or "").strip().upper()
    if len(code) != 18 or any(c not in _CREDIT_CODE_CHARS for c in code):
        raise ValidationError(
            "invalid_credit_code", f"{raw!r} is not an 18-character unified social credit code."
        )
    total = sum(
        _CREDIT_CODE_CHARS.index(c) * w for c, w in zip(code, _CREDIT_CODE_WEIGHTS, strict=False)
    )
    check = _CREDIT_CODE_CHARS[(31 - total % 31) % 31]
    if code[17] != check:
        raise ValidationError(
            "invalid_credit_code", f"{raw!r} fails the check digit of a unified social credit code."
        )
    return code


def credit_code_check_digit(first17: str) -> str:
    """For generating valid demo and test codes."""
    total = sum(
        _CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_CODE_WEIGHTS, strict=False)
    )
    return _CREDIT_CODE_CHARS[(31 - total % 31) % 31]


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password: str, hashed: str) -> bool: ...


class SmsGateway(Protocol):
    """The port through which people are told things (reset codes, new customers)."""

    def send(self, phone: str, text: str) -> None: ...
