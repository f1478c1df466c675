"""Adapters for the identity ports: argon2 password hashing, signed expiring tokens, SMS, and
the sign-in throttle."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from uuid import UUID

import jwt
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from domain.accounts.identity import normalise_phone
from domain.context import Clock, Role, system_clock
from domain.errors import AuthenticationError, DomainError, ErrorKind, ValidationError
from interfaces.config import SignInLimits

log = logging.getLogger("steelyard.sms")


class Argon2Passwords:
    """argon2id through pwdlib. The "fast" cost is for tests and demo seeding only."""

    def __init__(self, cost: str = "default") -> None:
        hasher = (
            Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
            if cost == "fast"
            else Argon2Hasher()
        )
        self._hash = PasswordHash((hasher,))

    def hash(self, password: str) -> str:
        return self._hash.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        try:
            return bool(self._hash.verify(password, hashed))
        except Exception:  # a malformed stored hash is a failed sign-in, not a crash
            return False


@dataclass(frozen=True)
class TokenClaims:
    user_id: UUID
    role: Role
    account_id: UUID | None


class Tokens:
    """Bearer tokens: HS256-signed JWTs that expire."""

    ALGORITHM = "HS256"

    def __init__(self, secret: str, minutes: int, clock: Clock = system_clock) -> None:
        self.secret = secret
        self.lifetime = timedelta(minutes=minutes)
        self.clock = clock

    def issue(self, claims: TokenClaims) -> str:
        now = self.clock()
        payload: dict[str, Any] = {
            "sub": str(claims.user_id),
            "role": claims.role.value,
            "acc": str(claims.account_id) if claims.account_id else None,
            "iat": int(now.timestamp()),
            "exp": int((now + self.lifetime).timestamp()),
        }
        return jwt.encode(payload, self.secret, algorithm=self.ALGORITHM)

    def read(self, token: str) -> TokenClaims:
        """The claims of a token this service signed; ``invalid_token`` for anything else,
        including a correctly signed token whose claims have the wrong types."""
        try:
            payload = jwt.decode(
                token,
                self.secret,
                algorithms=[self.ALGORITHM],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "require": ["exp", "sub", "role"],
                },
            )
        except jwt.PyJWTError:
            raise _invalid_token() from None
        claims = _claims_of(payload)
        # Expiry is checked against our clock, so tests can move time past it.
        if payload["exp"] <= self.clock().timestamp():
            raise _token_error("token_expired", "The sign-in has expired; sign in again.")
        return claims


def _claims_of(payload: dict[str, Any]) -> TokenClaims:
    exp, sub, role, acc = payload["exp"], payload["sub"], payload["role"], payload.get("acc")
    if (
        isinstance(exp, bool)
        or not isinstance(exp, int | float)
        or not math.isfinite(exp)
        or not isinstance(sub, str)
        or not isinstance(role, str)
        or not isinstance(acc, str | None)
    ):
        raise _invalid_token()
    try:
        return TokenClaims(UUID(sub), Role(role), UUID(acc) if acc else None)
    except ValueError:
        raise _invalid_token() from None


def _invalid_token() -> AuthenticationError:
    return _token_error("invalid_token", "The bearer token is not valid.")


def _token_error(code: str, detail: str) -> AuthenticationError:
    error = AuthenticationError(detail)
    error.code = code
    return error


class LoggingSms:
    """The SMS port's adapter when no gateway is connected (the embedded default): it records
    that a message went out and to which phone, masked, but never the text, which may carry a
    one-time code. Tests read what was sent through their own adapter of the port."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS sent to %s (%d characters)", mask_phone(phone), len(text))


def mask_phone(phone: str) -> str:
    """138****0001: enough to tell numbers apart in a log, not enough to call one."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "****"


class TooManyAttemptsError(DomainError):
    kind = ErrorKind.LIMITED
    code = "too_many_attempts"

    def __init__(self, retry_after: int, what: str = "sign-in attempts") -> None:
        super().__init__(
            f"Too many {what}; try again in {retry_after} seconds.", retry_after=retry_after
        )


class SignInThrottle:
    """Sign-in attempts counted in moving windows per phone and per client address.

    Every attempt takes its place in both windows before the password is checked (so
    concurrent guesses cannot slip past the limit, and a throttled caller pays no argon2);
    a successful sign-in clears its phone's count. Counters live in this process's memory:
    with several API workers, each keeps its own.
    """

    what = "sign-in attempts"

    def __init__(self, limits: SignInLimits) -> None:
        self._phone = parse(limits.per_phone)
        self._address = parse(limits.per_address)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def admit(self, username: str, address: str) -> None:
        """Count one attempt; ``TooManyAttemptsError`` (429) while either window is full."""
        for limit, key in (
            (self._address, ("address", address)),
            (self._phone, self._of(username)),
        ):
            if not self._limiter.hit(limit, *key):
                reset_at = self._limiter.get_window_stats(limit, *key).reset_time
                raise TooManyAttemptsError(max(1, math.ceil(reset_at - time.time())), self.what)

    def succeeded(self, username: str) -> None:
        self._limiter.clear(self._phone, *self._of(username))

    @staticmethod
    def _of(username: str) -> tuple[str, str]:
        """One counter per phone however it is written (+86, spaces, dashes)."""
        try:
            return "phone", normalise_phone(username)
        except ValidationError:
            return "phone", (username or "").strip()[:40]


class ResetThrottle(SignInThrottle):
    """Password resets: codes sent per phone (each one is an SMS and an event), and requests plus
    confirmations per client address. A confirmation is not counted per phone: each code allows
    five wrong tries only (the account counts them), and a user who just failed to sign in must
    still be able to reset."""

    what = "password-reset attempts"

    def __init__(self, limits: SignInLimits) -> None:
        super().__init__(
            replace(limits, per_phone=limits.reset_per_phone, per_address=limits.reset_per_address)
        )

    def admit_confirmation(self, address: str) -> None:
        if not self._limiter.hit(self._address, "address", address):
            reset_at = self._limiter.get_window_stats(self._address, "address", address).reset_time
            raise TooManyAttemptsError(max(1, math.ceil(reset_at - time.time())), self.what)
