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
    request_id = request.headers.get("X-Request-ID") or uuid4().hex
    request.state.request_id = request_id
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


def read_after(
    services: Svc,
    wait_for: Annotated[
        int | None,
        Query(
            ge=0,
            description="A position from a command's answer: wait (bounded, "
            "STEELYARD_READ_WAIT_SECONDS) until the read models include it.",
        ),
    ] = None,
) -> None:
    if wait_for is not None and not services.projections.wait(
        wait_for, services.settings.read_wait_seconds
    ):
        raise ReadModelBehindError(wait_for)


class ReadModelBehindError(DomainError):
    kind = ErrorKind.UNAVAILABLE
    code = "read_model_behind"

    def __init__(self, position: int) -> None:
        super().__init__(f"The read models have not reached position {position} yet; retry.")


ReadAfter = Annotated[None, Depends(read_after)]
