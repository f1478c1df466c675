"""The auditor's answers: a stream as of a version or a moment, and balance confirmations."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, Field

from interfaces.api.schemas.common import Instant
from interfaces.history.stream import EventRecord, StreamAsOf, shanghai_text


class StreamEventPublic(BaseModel):
    type: str = Field(examples=["PaymentRecorded"])
    topic: str = Field(examples=["domain.funds.account:FundsAccount.PaymentRecorded"])
    version: int = Field(examples=[2])
    position: int | None = Field(
        description="Its place in the store's one order (the notification id)", examples=[51]
    )
    time: Instant
    time_shanghai: str = Field(
        description="The same moment in Asia/Shanghai", examples=["2026-11-26T10:00:00+08:00"]
    )
    user_id: UUID | None = Field(description="Who caused it (none: the system)")
    role: str | None = Field(examples=["finance"])
    request_id: str | None = Field(examples=["3f2c0e9a1b7d4c7e8a5b6c1d2e3f4a5b"])
    reason: str | None = Field(
        description="The command's stated reason, where it gave one (a rejection, a void …)"
    )
    fields: dict[str, Any] = Field(
        description="What the event says (decimals and ids as strings; secrets hidden)"
    )

    @classmethod
    def of(cls, record: EventRecord) -> StreamEventPublic:
        return cls(
            type=record.type,
            topic=record.topic,
            version=record.version,
            position=record.position,
            time=record.time,
            time_shanghai=shanghai_text(record.time),
            user_id=record.user_id,
            role=record.role,
            request_id=record.request_id,
            reason=record.reason,
            fields=record.fields,
        )


class StreamAsOfPublic(BaseModel):
    """An aggregate as it stood at ``version``, with every event up to it."""

    stream_id: UUID
    aggregate: str = Field(examples=["FundsAccount"])
    version: int = Field(description="The version shown", examples=[3])
    last_version: int = Field(description="The stream's newest version now", examples=[10])
    as_of: Instant = Field(description="When the event at ``version`` happened")
    as_of_shanghai: str = Field(examples=["2026-11-26T10:00:00+08:00"])
    state: dict[str, Any] = Field(
        description="The aggregate's fields at that version (decimals and ids as strings, "
        "secrets such as password hashes and reset codes hidden)"
    )
    events: list[StreamEventPublic]

    @classmethod
    def of(cls, found: StreamAsOf) -> StreamAsOfPublic:
        return cls(
            stream_id=found.stream_id,
            aggregate=found.aggregate,
            version=found.version,
            last_version=found.last_version,
            as_of=found.as_of,
            as_of_shanghai=shanghai_text(found.as_of),
            state=found.state,
            events=[StreamEventPublic.of(e) for e in found.events],
        )
