"""Answers of the probes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class HealthPublic(BaseModel):
    status: str = Field(examples=["ok"])


class ReadinessPublic(BaseModel):
    """Ready: the event store answers. Not ready is a 503 problem saying why."""

    model_config = ConfigDict(extra="allow")

    status: str = Field(examples=["ready"])
    store: str = Field(examples=["postgres"])
    head: int = Field(description="The store's last event position")
