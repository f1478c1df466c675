"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from interfaces.api.deps import Svc
from interfaces.api.responses import OrjsonResponse, problem, problems
from interfaces.api.schemas.health import HealthPublic, ReadinessPublic

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthPublic)
def healthz() -> OrjsonResponse:
    return OrjsonResponse({"status": "ok"})


@router.get("/readyz", response_model=ReadinessPublic, responses=problems(503))
def readyz(services: Svc) -> OrjsonResponse:
    try:
        head = services.ledger.head()
    except Exception as exc:  # not ready: say why, with a 503
        return problem(503, "store_unavailable", f"The event store is not reachable: {exc}")
    return OrjsonResponse({"status": "ready", "store": services.settings.persistence, "head": head})
