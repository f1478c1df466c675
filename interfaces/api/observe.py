"""Every request, logged and counted: the request log line and the HTTP metrics, and /metrics.

``Observe`` is plain ASGI middleware (outermost): it gives the request its id (the client's
``X-Request-ID`` or a new one, which the endpoints' command context takes up), times it, and once
the answer has started writes one log line on ``steelyard.request`` and counts it under its route
template (``/api/v1/funds/{company_id}``, never the concrete path, so ids neither swell the
metrics nor reach the log); a console page under its own (``/console/funds``). A path no route
matched counts as ``unmatched``.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interfaces.api.console.routes import router as console
from interfaces.metrics import CONTENT_TYPE
from interfaces.wiring import Services

log = logging.getLogger("steelyard.request")

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus exposition (text format 0.0.4); unauthenticated, like the health probes."""
    services: Services = request.app.state.services
    return Response(services.metrics.exposition(), media_type=CONTENT_TYPE)


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        state["request_id"] = _header(scope, b"x-request-id") or uuid4().hex
        status = 500  # unless an answer starts: an error that escaped every handler

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        route = _template(scope)
        method = scope["method"]
        state: dict[str, Any] = scope.get("state", {})
        actor = state.get("actor")
        services = getattr(scope["app"].state, "services", None)
        if services is not None and route != "/metrics":
            services.metrics.request(route, method, status, seconds)
        log.info(
            "%s %s %s in %.1f ms (request %s)",
            method,
            route,
            status,
            seconds * 1000,
            state.get("request_id"),
            extra={
                "request_id": state.get("request_id"),
                "user": str(actor.user_id) if actor and actor.user_id else None,
                "role": str(actor.role.value) if actor else None,
                "route": route,
                "method": method,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
            },
        )


UNLISTED = ("/metrics", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/")


def _template(scope: Scope) -> str:
    """The route template the path matched: the OpenAPI document's paths and the routes kept
    out of it, literal paths before those with parameters (``/auctions/history`` before
    ``/auctions/{lot_id}``); ``unmatched`` when none does."""
    path = scope.get("path", "")
    for template, regex in route_templates(scope["app"]):
        if regex.match(path):
            return template
    return "unmatched"


_BUILT: dict[tuple[object, ...], list[tuple[str, Any]]] = {}


def route_templates(app: FastAPI) -> list[tuple[str, Any]]:
    """Built once per set of routers (the app's lifespan does it at start-up, before the first
    request). The paths come from the OpenAPI document, which costs a second or more to build:
    apps made of the same routers (every ``create_app()`` in one process) share the result."""
    known: list[tuple[str, Any]] | None = getattr(app.state, "route_templates", None)
    if known is None:
        key = _shape(app.routes)
        known = _BUILT.get(key)
        if known is None:
            pages = [path for r in console.routes if (path := getattr(r, "path", ""))]
            paths = [*app.openapi()["paths"], *UNLISTED, *pages]
            ordered = sorted(set(paths), key=lambda p: (p.count("{"), -len(p)))
            known = _BUILT[key] = [(p, compile_path(p)[0]) for p in ordered]
        app.state.route_templates = known
    return known


def _shape(routes: Any) -> tuple[object, ...]:
    """What identifies a set of routes: each route's path, each included router by its routes."""
    return tuple(
        _shape(r.original_router.routes)
        if hasattr(r, "original_router")
        else getattr(r, "path", "")
        for r in routes
    )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            text: str = value.decode("latin-1")[:200]
            return text
    return None
