"""Auditors and finance: any stream as of a version or a moment, and balance confirmations
(对账单 / 询证函). Anyone else signed in is refused (403)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from domain.access import require_role
from domain.context import Role
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import SIGNED_IN, problems
from interfaces.api.schemas.audit import StreamAsOfPublic
from interfaces.history.stream import stream_as_of

AUDITORS = (Role.AUDITOR, Role.FINANCE)

router = APIRouter(prefix="/audit", tags=["audit"], responses=problems(*SIGNED_IN))


@router.get("/streams/{stream_id}", response_model=StreamAsOfPublic)
def stream(
    stream_id: UUID,
    services: Svc,
    ctx: SignedIn,
    version: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Show the stream at this version")
    ] = None,
    at: Annotated[
        datetime | None,
        Query(
            description="Or as it stood at this moment: ISO 8601 with its zone "
            "(2026-12-31T23:59:59+08:00 or …Z); the last version at or before it"
        ),
    ] = None,
) -> StreamAsOfPublic:
    """Any aggregate (account, funds account, listing, order, contract, auction lot, intent …)
    as it stood at ``version`` or at the moment ``at`` (neither: now), with every event up to
    it: type, version, position, time, who caused it (user, role, request id) and the stated
    reason. 422 ``version_beyond_end`` past the stream's end, ``before_first_event`` for a
    moment before it began, ``time_needs_zone`` for a time without its zone; 404 for no such
    stream."""
    require_role(ctx.actor, *AUDITORS)
    return StreamAsOfPublic.of(stream_as_of(services.ledger, stream_id, version, at))
