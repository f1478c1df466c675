"""Liveness and readiness."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request

from interfaces.api.deps import Svc
from interfaces.api.problems import spoken_in
from interfaces.api.responses import OrjsonResponse, problem, problems
from interfaces.api.schemas.health import HealthPublic, ReadinessPublic

router = APIRouter(tags=["health"])
log = logging.getLogger("steelyard.api")


@router.get("/healthz", response_model=HealthPublic)
async def healthz() -> OrjsonResponse:
    """Alive: answered on the event loop itself, needing neither a worker thread nor the store."""
    return OrjsonResponse({"status": "ok"})


@router.get("/readyz", response_model=ReadinessPublic, responses=problems(503))
def readyz(services: Svc, request: Request) -> OrjsonResponse:
    """Ready: the event store answers and no read model has stopped. Otherwise 503
    ``store_unavailable``, or ``projection_stopped`` naming the stopped read models. Why is
    logged (and shown by ``steelyard status``), never put in the answer."""
    try:
        head = services.ledger.head()
        statuses = services.projections.status()
    except Exception:  # not ready: a 503 that says so; the cause goes to the log only
        log.exception("not ready: the event store is not reachable")
        unreachable = problem(503, "store_unavailable", "The event store is not reachable.")
        return spoken_in(request.headers.get("accept-language"), unreachable)
    stopped = sorted(name for name, status in statuses.items() if status.stopped)
    if stopped:
        for name in stopped:
            log.warning("not ready: projection %s is stopped: %s", name, statuses[name].last_error)
        answer = problem(
            503,
            "projection_stopped",
            f"Read model stopped: {', '.join(stopped)}. Its queries are behind until an "
            "operator repairs it (see `steelyard status`).",
            projections=stopped,
        )
        return spoken_in(request.headers.get("accept-language"), answer, {"projections": stopped})
    return OrjsonResponse({"status": "ready", "store": services.settings.persistence, "head": head})
