"""The console's session: the API's own signed, expiring token (interfaces/security.py) kept in
an HttpOnly, SameSite=Lax cookie, and a CSRF token per session (an HMAC of the session under the
app's secret) that every POST must carry. Before sign-in, the sign-in form is protected by a
random double-submit cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response

from domain.context import Actor, CommandContext
from domain.errors import AuthenticationError
from interfaces.security import TokenClaims
from interfaces.wiring import Services

SESSION_COOKIE = "sy_session"
PRE_CSRF_COOKIE = "sy_csrf"
PATH = "/console"


@dataclass(frozen=True)
class Session:
    token: str
    actor: Actor
    ctx: CommandContext
    csrf: str


def csrf_for(services: Services, token: str) -> str:
    key = services.tokens.secret.encode()
    return hmac.new(key, b"console-csrf:" + token.encode(), hashlib.sha256).hexdigest()


def session_of(request: Request, services: Services) -> Session | None:
    """The signed-in session, or None (no cookie, a forged or expired one, a disabled user)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        claims = services.tokens.read(token)
        actor = services.identity.actor_for(claims.user_id, claims.role, claims.account_id)
    except AuthenticationError:
        return None
    rid = getattr(request.state, "request_id", None) or request.headers.get("X-Request-ID")
    ctx = CommandContext(actor=actor, request_id=rid or secrets.token_hex(8), clock=services.clock)
    return Session(token, actor, ctx, csrf_for(services, token))


def start(response: Response, services: Services, claims: TokenClaims, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        services.tokens.issue(claims),
        max_age=int(services.tokens.lifetime.total_seconds()),
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    response.delete_cookie(PRE_CSRF_COOKIE, path=PATH)


def end(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=PATH, httponly=True, samesite="lax")


def pre_csrf(request: Request) -> str:
    """The sign-in form's token: the cookie's if it has one, else a new one (set by the page)."""
    return request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(24)


def keep_pre_csrf(response: Response, value: str, secure: bool) -> None:
    response.set_cookie(
        PRE_CSRF_COOKIE, value, path=PATH, httponly=True, samesite="lax", secure=secure
    )


def same(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
