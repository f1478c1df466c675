"""Request dependencies: the services, the signed-in actor, and the command context.

The context (actor, request id, clock, idempotency key) is set by an async dependency on the
request's own task; FastAPI runs sync endpoints in a worker thread with a copy of that context,
so every command the endpoint issues records who asked and through which request.
"""

from __future__ import annotations

import hashlib
from typing import Annotated
from uuid import uuid4

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer

from domain import context
from domain.context import Actor, CommandContext
from domain.errors import AuthenticationError, DomainError, ErrorKind, ValidationError
from interfaces.wiring import Services

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)

MAX_IDEMPOTENCY_KEY = 200


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


Svc = Annotated[Services, Depends(get_services)]


def _actor(services: Services, token: str | None) -> Actor:
    if not token:
        error = AuthenticationError("Sign in first: this needs a bearer token.")
        error.code = "unauthenticated"
        raise error
    claims = services.tokens.read(token)
    return services.identity.actor_for(claims.user_id, claims.role, claims.account_id)


async def _context(request: Request, actor: Actor, services: Services) -> CommandContext:
    # the request log's middleware gave it one already (interfaces/api/observe.py)
    request_id = getattr(request.state, "request_id", None)
    request_id = request_id or request.headers.get("X-Request-ID") or uuid4().hex
    request.state.request_id = request_id
    request.state.actor = actor  # who, for the request log
    idempotency = None
    key = request.headers.get("Idempotency-Key")
    if key is not None and request.method == "POST":
        if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY:
            raise ValidationError(
                "invalid_idempotency_key", "An Idempotency-Key is 1 to 200 characters."
            )
        body = await request.body()
        fingerprint = hashlib.sha256(
            request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
        ).hexdigest()
        scope = str(actor.user_id) if actor.user_id else "anonymous"
        idempotency = (f"{scope}:{key}", fingerprint)
    ctx = CommandContext(
        actor=actor, request_id=request_id, clock=services.clock, idempotency=idempotency
    )
    context.enter(ctx)  # this request's task only; see the module docstring
    return ctx


async def signed_in(
    request: Request, services: Svc, token: Annotated[str | None, Depends(oauth2)]
) -> CommandContext:
    return await _context(request, _actor(services, token), services)


async def anyone(request: Request, services: Svc) -> CommandContext:
    return await _context(request, Actor.anonymous(), services)


SignedIn = Annotated[CommandContext, Depends(signed_in)]
Anyone = Annotated[CommandContext, Depends(anyone)]


WAIT_FOR_HELP = (
    "A position from a command's answer: wait (bounded, STEELYARD_READ_WAIT_SECONDS) until the "
    "read models this query reads include it. 503 read_model_behind if they do not in time, "
    "503 read_model_stopped if one of them stopped, 422 position_beyond_head if no event has "
    "that position yet."
)


class ReadsFrom:
    """A query's read models, by projection name: ``Annotated[None, Depends(ReadsFrom("balances",
    "tracking"))]``. With ``?wait_for=N`` the request waits until those projections (and only
    those: a stopped one elsewhere does not matter) have applied position N. The wait is async:
    no worker thread is held, so waiting requests cannot starve the others."""

    def __init__(self, *projections: str) -> None:
        if not projections:
            raise ValueError("name the projections the query reads")
        self.projections = projections

    async def __call__(
        self,
        request: Request,
        wait_for: Annotated[
            int | None, Query(ge=0, le=2**63 - 1, description=WAIT_FOR_HELP)
        ] = None,
    ) -> None:
        if wait_for is None:
            return
        services = get_services(request)
        waited = await services.projections.until(
            wait_for, services.settings.read_wait_seconds, self.projections
        )
        if waited.beyond_head:
            raise PositionBeyondHeadError(wait_for, waited.head or 0)
        if waited.stopped:
            raise ReadModelStoppedError(wait_for, waited.stopped)
        if waited.behind:
            raise ReadModelBehindError(wait_for, waited.behind)


class ReadModelBehindError(DomainError):
    kind = ErrorKind.UNAVAILABLE
    code = "read_model_behind"

    def __init__(self, position: int, projections: tuple[str, ...] = ()) -> None:
        super().__init__(
            f"The read models have not reached position {position} yet; retry.",
            projections=list(projections),
        )


class ReadModelStoppedError(DomainError):
    """A read model this query needs stopped at an event it cannot process: waiting longer will
    not help until an operator repairs it (``steelyard status``, ``/readyz``)."""

    kind = ErrorKind.UNAVAILABLE
    code = "read_model_stopped"

    def __init__(self, position: int, projections: tuple[str, ...]) -> None:
        super().__init__(
            f"The read model {', '.join(projections)} has stopped before position {position}; "
            "operators have been alerted. Retry later.",
            projections=list(projections),
        )


class PositionBeyondHeadError(ValidationError):
    def __init__(self, position: int, head: int) -> None:
        super().__init__(
            "position_beyond_head",
            f"No event has position {position} yet (the store is at {head}): wait_for takes a "
            "position from a command's answer.",
            head=head,
        )
