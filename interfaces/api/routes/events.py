"""The integration feed (ERP / WMS): every stored event in store order, paged, resumable from
any position, with a long-poll so a follower need not hammer the server.

    GET /api/v1/events?after=N&limit=M&wait=S    integration role only (others 403)
    GET /api/v1/events/schema                    the public event schema (anyone)

``after=0`` is the start; each page answers ``next_after`` to resume from. ``wait`` (seconds, at
most ``MAX_WAIT``) holds an empty page open until an event lands above ``after`` (stored by any
process) or the time is up; the wait is async and holds no worker thread. Bodies carry only the
allow-listed fields of each type (``interfaces/feed_schema/published.py``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from domain.access import require_role
from domain.context import Role
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.paging import LIMIT_DESCRIPTION, MAX_LIMIT
from interfaces.api.responses import PUBLIC, SIGNED_IN, problems
from interfaces.api.schemas.events import EventSchemaDocument, EventsPage
from interfaces.feed_schema.document import schema_document
from interfaces.feed_schema.reader import HeadWatch, read_page

MAX_WAIT = 30  # seconds
MAX_POSITION = 2**63 - 1

router = APIRouter(prefix="/events", tags=["events"])

After = Annotated[
    int,
    Query(ge=0, le=MAX_POSITION, description="Events with a position above this; 0: the start"),
]
FeedLimit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=LIMIT_DESCRIPTION)]
Wait = Annotated[
    float,
    Query(
        ge=0,
        le=MAX_WAIT,
        allow_inf_nan=False,
        description=f"Seconds (0 to {MAX_WAIT}) to hold an empty page open until an event "
        "lands above `after`; answered as soon as one does",
    ),
]


@router.get("", response_model=EventsPage, responses=problems(*SIGNED_IN))
async def events(
    request: Request,
    services: Svc,
    ctx: SignedIn,
    after: After = 0,
    limit: FeedLimit = 100,
    wait: Wait = 0,
) -> EventsPage:
    """Events after a position, in store order: position, stream, type, schema version, version,
    time, cause and the type's published body. Resume with `after=next_after`."""
    require_role(ctx.actor, Role.INTEGRATION)
    page = await run_in_threadpool(read_page, services.ledger, after, limit)
    if not page.events and wait > 0:
        head = await _watch(request, services).wait_past(after, wait)
        if head > after:
            page = await run_in_threadpool(read_page, services.ledger, after, limit)
    return EventsPage.model_validate(
        {
            "data": page.events,
            "count": len(page.events),
            "next_after": page.next_after,
            "head": page.head,
        }
    )


@router.get("/schema", response_model=EventSchemaDocument, responses=problems(*PUBLIC))
async def event_schema() -> EventSchemaDocument:
    """The public event schema: for every event type the feed can emit, its schema_version
    (the event class's class_version) and the JSON Schema of its body."""
    document = await run_in_threadpool(schema_document)
    return EventSchemaDocument.model_validate(document)


def _watch(request: Request, services: Svc) -> HeadWatch:
    """This app's head watch (one per process: its waiters share each reading of the head)."""
    watch: HeadWatch | None = getattr(request.app.state, "event_feed_watch", None)
    if watch is None:
        watch = request.app.state.event_feed_watch = HeadWatch(services.ledger.head)
    return watch
