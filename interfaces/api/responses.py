"""orjson responses, problem+json, the shape of every command's answer, and the error responses
each router declares in the OpenAPI document."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

import orjson
from starlette.responses import JSONResponse

from domain.commands import Outcome
from interfaces.api.schemas.common import CommandAnswer

PROBLEM_JSON = "application/problem+json"
A = TypeVar("A", bound=CommandAnswer)


def wire(obj: Any) -> Any:
    """Plain JSON values: decimals and ids as strings, every time in UTC with ``Z``."""
    if isinstance(obj, dict):
        return {str(k): wire(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | frozenset | set):
        return [wire(v) for v in obj]
    if isinstance(obj, Decimal | UUID):
        return str(obj)
    if isinstance(obj, datetime):
        utc = obj.replace(tzinfo=UTC) if obj.tzinfo is None else obj.astimezone(UTC)
        return utc.isoformat().replace("+00:00", "Z")
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: wire(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    return obj


class OrjsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(wire(content))


class ProblemResponse(OrjsonResponse):
    media_type = PROBLEM_JSON


def problem(
    status: int, code: str, detail: str, title: str | None = None, **extra: Any
) -> ProblemResponse:
    body = {
        "type": f"https://steelyard.example/problems/{code}",
        "title": title or code.replace("_", " ").capitalize(),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }
    return ProblemResponse(body, status_code=status, headers={"Content-Language": "en"})


def command_response(outcome: Outcome[Any], answer: type[A], status: int = 200) -> OrjsonResponse:
    """The command's answer as its declared model (what it created, plus ``position``)."""
    result = outcome.result if isinstance(outcome.result, dict) else {}
    body = answer.model_validate({**result, "position": outcome.position})
    headers = {"X-Event-Position": str(outcome.position)}
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    return OrjsonResponse(body.model_dump(mode="json"), status, headers=headers)


# ---- the error responses declared in the OpenAPI document -----------------------------------

_WHEN = {
    400: "The request could not be read (e.g. a malformed form body)",
    401: "Not signed in, or the token is invalid or expired",
    403: "Visible to you, but not allowed",
    404: "Unknown, or not visible to you",
    409: "The state of things refuses it (a stable code says which rule)",
    413: "The request body is too large",
    422: "The request is not valid (a stable code says what)",
    429: "Too many attempts: wait as Retry-After says",
    503: "Not now (e.g. the read models have not reached wait_for yet): retry",
}
_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}},
    429: {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait"}},
    503: {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait"}},
}

SIGNED_IN = (401, 403, 404, 422)  # any route behind a bearer token
COMMANDS = (400, 409, 413)  # routes that take a body and write
READS = (503,)  # routes that take wait_for
PUBLIC = (404, 422)  # routes anyone may call


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a router: each status as problem+json (schema ``Problem``, added
    to the document's components by ``problems.install``)."""
    return {
        status: {
            "description": _WHEN[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            **({"headers": _HEADERS[status]} if status in _HEADERS else {}),
        }
        for status in sorted(set(statuses))
    }
