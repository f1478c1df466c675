"""The integration feed's answers (``GET /events``, ``GET /events/schema``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from interfaces.api.schemas.common import Instant


class EventCause(BaseModel):
    user_id: UUID | None = Field(description="Who issued the command (none: the system)")
    role: str | None = Field(examples=["integration"])
    request_id: str | None = Field(description="The request that carried the command")


class FeedEvent(BaseModel):
    position: int = Field(
        description="The event's place in the store: strictly increasing (gaps are possible); "
        "resume after it",
        examples=[1042],
    )
    stream_id: UUID = Field(description="The aggregate (stream) the event belongs to")
    stream_type: str = Field(examples=["Contract"])
    type: str = Field(
        examples=["Contract.ProductionScheduled"],
        description="The event type's current name (events stored under an older module name "
        "appear under this one)",
    )
    schema_version: int = Field(
        examples=[2], description="The version of this type's body (GET /api/v1/events/schema)"
    )
    version: int = Field(description="The event's version within its stream (1, 2, …)")
    time: Instant
    caused_by: EventCause
    body: dict[str, Any] = Field(
        description="The type's published fields, as GET /api/v1/events/schema describes them; "
        "ignore fields you do not know"
    )


class EventsPage(BaseModel):
    data: list[FeedEvent]
    count: int = Field(description="Events in this page")
    next_after: int = Field(
        description="Pass as `after` for the next page: the last position in this page, or "
        "`after` itself when the page is empty",
    )
    head: int = Field(description="The store's newest position when the page was read")


class EventTypeSchema(BaseModel):
    schema_version: int = Field(description="The event class's class_version")
    published: bool = Field(description="False: the envelope only, with an empty body")
    description: str
    body: dict[str, Any] = Field(description="JSON Schema of the body ($refs into $defs)")


class EventSchemaDocument(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    document_version: int
    event_types: dict[str, EventTypeSchema] = Field(
        description="Every event type the feed can emit, by name"
    )
    defs: dict[str, Any] = Field(
        alias="$defs", description="The value types the bodies refer to (JSON Schema)"
    )
