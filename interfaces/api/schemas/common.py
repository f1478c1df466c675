"""Types every response shares: instants in UTC with ``Z``, decimal strings with examples, the
problem body (RFC 9457) and the base of every command's answer.

Response models are validated from the domain's plain values and serialized by pydantic, so what
goes on the wire is exactly what the OpenAPI document declares.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _utc(value: datetime) -> datetime:
    """Every time on the wire is UTC (``…Z``); a naive time from a read model already is."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Instant = Annotated[
    datetime,
    AfterValidator(_utc),
    Field(examples=["2026-11-26T02:00:00Z"], description="UTC, ISO 8601 with Z"),
]
# Decimal strings on the wire ("1250.00"), never JSON numbers.
Amount = Annotated[Decimal, Field(examples=["1250.00"], json_schema_extra={"format": "decimal"})]
Tonnage = Annotated[Decimal, Field(examples=["12.500"], json_schema_extra={"format": "decimal"})]
PerTonne = Annotated[Decimal, Field(examples=["4321.57"], json_schema_extra={"format": "decimal"})]
PriceText = Annotated[str, Field(examples=["4321.57"], description="CNY per tonne")]
TonnesText = Annotated[str, Field(examples=["120.000"], description="tonnes")]


class ProblemError(BaseModel):
    """One invalid part of a request (``validation_error``)."""

    loc: list[str | int] = Field(examples=[["body", "amount"]])
    msg: str
    type: str = Field(examples=["missing"])


class Problem(BaseModel):
    """application/problem+json (RFC 9457): every error, with a stable ``code``. Some codes
    carry more members (listed below); clients should ignore members they do not know."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["https://steelyard.example/problems/insufficient_funds"])
    title: str = Field(examples=["Insufficient funds"])
    status: int = Field(examples=[409])
    code: str = Field(description="Stable, for programs", examples=["insufficient_funds"])
    detail: str = Field(description="For people", examples=["Not enough money: …"])
    errors: list[ProblemError] | None = Field(
        default=None, description="validation_error: each invalid part of the request"
    )
    state: str | None = Field(
        default=None, description="invalid_transition: the state that refused it"
    )
    bucket: str | None = Field(default=None, description="insufficient_*: the bucket short")
    available: str | None = Field(
        default=None, description="insufficient_*: what it holds", examples=["100.00"]
    )
    needed: str | None = Field(
        default=None, description="insufficient_*: what was needed", examples=["1250.00"]
    )
    projections: list[str] | None = Field(
        default=None, description="read_model_*, projection_stopped: the read models concerned"
    )
    head: int | None = Field(default=None, description="position_beyond_head: the store's head")
    retry_after: int | None = Field(
        default=None, description="too_many_attempts: seconds to wait (also Retry-After)"
    )
    ends_at: Instant | None = Field(default=None, description="Auctions: when bidding ends")


class CommandAnswer(BaseModel):
    """What every command answers, beside what it created or changed."""

    position: int = Field(
        description="The event position this command wrote (also the X-Event-Position header): "
        "pass it as ``wait_for`` to a query to read your own writes",
        examples=[1042],
    )
