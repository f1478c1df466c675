"""The refusals of a futures intent, each with the stable code the API returns.

They subclass the shared kinds (``ValidationError`` → 422, ``ConflictError`` → 409, a
forbidden ``DomainError`` → 403), which the API maps to statuses in one place.
"""

from __future__ import annotations

from typing import Any

from domain.errors import ConflictError, DomainError, ErrorKind, ValidationError


class IntentConflictError(ConflictError):
    code = "intent_conflict"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(type(self).code, detail, **extra)


class IntentInvalidError(ValidationError):
    code = "intent_invalid"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(type(self).code, detail, **extra)


class MissingSpecificationError(IntentInvalidError):
    """The category's template requires an attribute the intent does not give."""

    code = "missing_specification"


class UnknownSpecificationError(IntentInvalidError):
    """The intent gives an attribute the category's template does not know."""

    code = "unknown_specification"


class NotSupplementedError(IntentConflictError):
    """The customer confirms the manager's supplement: there is none yet."""

    code = "not_supplemented"


class SupplementChangedError(IntentConflictError):
    """The customer confirmed another version of the supplement than the current one."""

    code = "supplement_changed"


class OutOfTurnError(IntentConflictError):
    """A review level acts before the levels ahead of it, or after it has acted."""

    code = "out_of_turn"


class WrongReviewerError(DomainError):
    """The reviewer does not hold the role this level of the review chain needs."""

    kind = ErrorKind.FORBIDDEN
    code = "wrong_reviewer"
