"""Signing in (OAuth2 password flow, so the docs page's Authorize button works) and resets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from interfaces.api.deps import Anyone, Svc
from interfaces.api.responses import OrjsonResponse, problems
from interfaces.api.schemas.accounts import (
    PasswordReset,
    PasswordResetRequest,
    PasswordResetSent,
    Token,
)
from interfaces.api.schemas.answers import PasswordChanged
from interfaces.security import TokenClaims

router = APIRouter(prefix="/auth", tags=["auth"], responses=problems(400, 401, 409, 413, 422, 429))


@router.post("/token", response_model=Token)
def sign_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    services: Svc,
    ctx: Anyone,
) -> Token:
    """Sign in with the phone number as the username. Attempts are limited per phone and per
    client address (429 ``too_many_attempts`` with ``Retry-After``), the right password
    included while the limit holds."""
    throttle = services.sign_in_throttle
    throttle.admit(form.username, _address(request))
    identity = services.identity.authenticate(form.username, form.password)
    throttle.succeeded(form.username)
    claims = TokenClaims(identity.user_id, identity.role, identity.account_id)
    return Token(
        access_token=services.tokens.issue(claims),
        expires_in=int(services.tokens.lifetime.total_seconds()),
        role=identity.role,
        user_id=identity.user_id,
        account_id=identity.account_id,
    )


@router.post("/password-reset", status_code=202, response_model=PasswordResetSent)
def request_password_reset(
    body: PasswordResetRequest, request: Request, services: Svc, ctx: Anyone
) -> OrjsonResponse:
    """Send a one-time code to the registered phone. The answer is the same for unknown
    phones, so this cannot be used to find out who is registered. Limited per phone (3 codes
    an hour) and per client address (429 ``too_many_attempts`` with ``Retry-After``)."""
    services.reset_throttle.admit(body.phone, _address(request))
    services.identity.request_password_reset(body.phone)
    return OrjsonResponse({"status": "sent if registered"}, 202)


@router.post("/password-reset/confirm", response_model=PasswordChanged)
def reset_password(
    body: PasswordReset, request: Request, services: Svc, ctx: Anyone
) -> OrjsonResponse:
    """Set a new password with the code. Each code allows five wrong tries; confirmations are
    also limited per client address (429 ``too_many_attempts``)."""
    services.reset_throttle.admit_confirmation(_address(request))
    outcome = services.identity.reset_password(body.phone, body.code, body.new_password)
    return OrjsonResponse({"status": "password changed", "position": outcome.position})


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
