"""The refusals of the rebates area, each with the stable code the API returns (422 for bad
input, 409 for a state that forbids it)."""

from __future__ import annotations

from typing import Any

from domain.errors import ConflictError, ValidationError


class RebateInvalidError(ValidationError):
    """Bad input: a rate outside 0–100 %, a missing tier, a bad period …"""


class OverlappingTiersError(RebateInvalidError):
    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__("overlapping_tiers", detail, **extra)


class PeriodClosedError(ConflictError):
    """The period is closed: closed twice, or a policy version reaching into it."""

    def __init__(self, period: str, detail: str) -> None:
        super().__init__("period_closed", detail, period=period)


class PeriodNotOverError(ConflictError):
    def __init__(self, period: str) -> None:
        super().__init__(
            "period_not_over", f"Period {period} has not ended yet: close it after.", period=period
        )
