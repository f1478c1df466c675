"""Adapters for the identity ports: argon2 password hashing, signed expiring tokens, SMS."""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from domain.context import Clock, Role, system_clock
from domain.errors import AuthenticationError

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
            raise _token_error("invalid_token", "The bearer token is not valid.") from None
        # Expiry is checked against our clock, so tests can move time past it.
        if payload["exp"] <= self.clock().timestamp():
            raise _token_error("token_expired", "The sign-in has expired; sign in again.")
        try:
            return TokenClaims(
                user_id=UUID(payload["sub"]),
                role=Role(payload["role"]),
                account_id=UUID(payload["acc"]) if payload.get("acc") else None,
            )
        except (KeyError, ValueError):
            raise _token_error("invalid_token", "The bearer token is not valid.") from None


def _token_error(code: str, detail: str) -> AuthenticationError:
    error = AuthenticationError(detail)
    error.code = code
    return error


class LoggingSms:
    """The SMS port's adapter for the embedded default and tests: logs each message and keeps
    the most recent ones in an outbox that tests and the demo can read."""

    def __init__(self, keep: int = 1000) -> None:
        self.outbox: deque[tuple[str, str]] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        with self._lock:
            self.outbox.append((phone, text))
        log.info("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)

    def last_to(self, phone: str) -> str | None:
        with self._lock:
            return next((t for p, t in reversed(self.outbox) if p == phone), None)
