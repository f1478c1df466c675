"""orjson responses, problem+json, and the shape of every command's answer."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict
from starlette.responses import JSONResponse

from domain.ledger import Outcome
from interfaces.persistence.transcoder import to_jsonable


class OrjsonResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return orjson.dumps(to_jsonable(content))


class ProblemResponse(OrjsonResponse):
    media_type = "application/problem+json"


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
    return ProblemResponse(body, status_code=status)


class CommandResult(BaseModel):
    """What a command answers: its own fields, plus the event position it wrote.

    Pass ``position`` as ``wait_for`` on a later query to read your own writes."""

    model_config = ConfigDict(extra="allow")
    position: int


class Problem(BaseModel):
    type: str
    title: str
    status: int
    code: str
    detail: str


def command_response(outcome: Outcome[Any], status: int = 200) -> OrjsonResponse:
    result = outcome.result if isinstance(outcome.result, dict) else {"result": outcome.result}
    headers = {"X-Event-Position": str(outcome.position)}
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    return OrjsonResponse({**result, "position": outcome.position}, status, headers=headers)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 422)
}
