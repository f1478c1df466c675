"""Every error becomes application/problem+json (RFC 9457) with a stable ``code``; the domain's
error kinds map to HTTP statuses here, in one place."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain.errors import DomainError, ErrorKind
from interfaces.api.problem_texts import detail_in, language
from interfaces.api.responses import ProblemResponse, problem, wire
from interfaces.api.schemas.common import Problem

log = logging.getLogger("steelyard.api")

STATUS = {
    ErrorKind.INVALID: 422,
    ErrorKind.CONFLICT: 409,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.UNAVAILABLE: 503,
    ErrorKind.LIMITED: 429,
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def install(app: FastAPI) -> None:
    _document_problem(app)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> ProblemResponse:
        status = STATUS[exc.kind]
        extra = wire(exc.extra)
        response = _spoken(request, problem(status, exc.code, exc.detail, **extra), extra)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        if status == 503:
            response.headers["Retry-After"] = "1"
        if status == 429:
            response.headers["Retry-After"] = str(exc.extra.get("retry_after", 1))
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> ProblemResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        answer = problem(422, "validation_error", "The request is not valid.", errors=errors)
        return _spoken(request, answer)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> ProblemResponse:
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        response = _spoken(request, problem(exc.status_code, code, str(exc.detail)))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> ProblemResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        answer = problem(500, "internal_error", "An unexpected error occurred; it has been logged.")
        return _spoken(request, answer)


def _spoken(
    request: Request, response: ProblemResponse, extra: dict[str, Any] | None = None
) -> ProblemResponse:
    """The problem in the client's language (``Accept-Language``; English unless it prefers
    Chinese), said in ``Content-Language``."""
    return spoken_in(request.headers.get("accept-language"), response, extra)


def spoken_in(
    accept_language: str | None, response: ProblemResponse, extra: dict[str, Any] | None = None
) -> ProblemResponse:
    """``_spoken`` for answers made outside a handler (the body limit, readiness)."""
    lang = language(accept_language)
    if lang != "en":
        body = orjson.loads(response.body)
        body["detail"] = detail_in(lang, body["code"], body["detail"], extra or {})
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        response = ProblemResponse(body, status_code=response.status_code, headers=headers)
        response.headers["Content-Language"] = lang
    return response


def _document_problem(app: FastAPI) -> None:
    """The routers declare their errors as ``application/problem+json`` with a reference to
    ``Problem`` (``responses.problems``); put that schema in the document's components."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schema = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}", mode="serialization"
            )
            for name, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schemas["Problem"] = schema
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]
