"""Domain errors: one base class, each error carries the stable code the API returns.

The kind says which family of HTTP status an interface should map it to; the domain itself
knows nothing of HTTP.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class ErrorKind(Enum):
    INVALID = "invalid"  # the request itself is wrong (422)
    CONFLICT = "conflict"  # the state of things forbids it (409)
    NOT_FOUND = "not_found"  # unknown, or not visible to this actor (404)
    FORBIDDEN = "forbidden"  # visible, but this actor may not (403)
    UNAUTHENTICATED = "unauthenticated"  # who are you? (401)
    UNAVAILABLE = "unavailable"  # not now; retry shortly (503)
    LIMITED = "limited"  # too many attempts; retry after the time it says (429)


class DomainError(Exception):
    code: str = "domain_error"
    kind: ErrorKind = ErrorKind.CONFLICT

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class ValidationError(DomainError):
    kind = ErrorKind.INVALID

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.code = code


class ConflictError(DomainError):
    kind = ErrorKind.CONFLICT

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.code = code


class NotFoundError(DomainError):
    kind = ErrorKind.NOT_FOUND
    code = "not_found"

    def __init__(self, what: str = "resource") -> None:
        super().__init__(f"No such {what}.")


class ForbiddenError(DomainError):
    kind = ErrorKind.FORBIDDEN
    code = "forbidden"

    def __init__(self, detail: str = "You are not allowed to do this.", **extra: Any) -> None:
        super().__init__(detail, **extra)


class AuthenticationError(DomainError):
    kind = ErrorKind.UNAUTHENTICATED
    code = "invalid_credentials"


class InvalidTransitionError(ConflictError):
    def __init__(self, what: str, state: str, action: str) -> None:
        super().__init__(
            "invalid_transition", f"Cannot {action} a {what} that is {state}.", state=state
        )


class InsufficientFundsError(ConflictError):
    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__("insufficient_funds", detail, **extra)


class IdempotencyKeyReusedError(DomainError):
    kind = ErrorKind.INVALID
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("This Idempotency-Key was already used with a different request body.")


class ConcurrencyError(DomainError):
    """The command kept colliding with concurrent writers; the client may retry."""

    kind = ErrorKind.CONFLICT
    code = "concurrent_modification"

    def __init__(self) -> None:
        super().__init__("The resource changed concurrently too often; please retry.")
