"""Tamper evidence for auditors and finance: signed checkpoints of the store's Merkle tree, an
inclusion proof of any event against a checkpoint, and a consistency proof between two
checkpoints, each a document checkable offline (``steelyard audit verify-proof FILE --key``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from domain.access import require_role
from domain.context import Role
from domain.errors import ConflictError
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import SIGNED_IN, OrjsonResponse, problems
from interfaces.api.schemas.audit_proofs import (
    CheckpointPublic,
    CheckpointsPublic,
    CheckpointTaken,
    ConsistencyProofPublic,
    InclusionProofPublic,
)
from interfaces.config import ConfigError
from interfaces.integrity.keys import SigningKey
from interfaces.persistence.integrity_log import IntegrityLog
from interfaces.statements.issue import platform_key

READERS = (Role.AUDITOR, Role.FINANCE)
TAKERS = (Role.AUDITOR, Role.FINANCE, Role.OPERATOR)  # a checkpoint records no business fact

router = APIRouter(prefix="/audit", tags=["audit"], responses=problems(*SIGNED_IN, 409))

Size = Annotated[int, Path(ge=1, le=2**62, description="The checkpoint's tree size")]


@router.get("/checkpoints", response_model=CheckpointsPublic)
def checkpoints(
    services: Svc,
    ctx: SignedIn,
    after_size: Annotated[int, Query(ge=0, le=2**62, description="Only larger trees")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The signed checkpoints (tree size, root hash, time, signature), oldest first, with the
    platform's public key and the tree's current head. Taken periodically by the scheduler
    and on demand (POST)."""
    require_role(ctx.actor, *READERS)
    log = IntegrityLog.of(services.ledger)
    head = log.head()
    try:
        key: SigningKey | None = SigningKey.from_settings(services.settings)
    except ConfigError:
        key = None
    return {
        "public_key": key.public_key_pem() if key else None,
        "key_id": key.key_id() if key else None,
        "head": {"tree_size": head.size, "position": head.last_notification_id},
        "checkpoints": [c.document() for c in log.checkpoints(after_size, limit)],
    }


@router.post(
    "/checkpoints", response_model=CheckpointTaken, status_code=201, responses=problems(503)
)
def take_checkpoint(services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """Sign the tree as it stands now, with the position of the newest event it holds;
    ``created`` false: nothing was written since the latest checkpoint, which is answered.
    409 ``store_empty`` for a store without events; 503 ``signing_key_unavailable`` when no
    key is configured."""
    require_role(ctx.actor, *TAKERS)
    log = IntegrityLog.of(services.ledger)
    latest = log.checkpoints(log.head().size - 1, 1) if log.head().size else []
    checkpoint = log.take_checkpoint(platform_key(services.settings), ctx.now())
    if checkpoint is None:
        raise ConflictError("store_empty", "The store holds no events yet: nothing to sign.")
    created = not (latest and latest[0].tree_size == checkpoint.tree_size)
    position = log.position_of(checkpoint.tree_size)
    body = {**checkpoint.document(), "position": position, "created": created}
    return OrjsonResponse(body, 201, headers={"X-Event-Position": str(position)})


@router.get("/checkpoints/{tree_size}", response_model=CheckpointPublic)
def checkpoint(tree_size: Size, services: Svc, ctx: SignedIn) -> dict[str, Any]:
    """One checkpoint, by its tree size (404 if none was taken at that size)."""
    require_role(ctx.actor, *READERS)
    return IntegrityLog.of(services.ledger).checkpoint(tree_size).document()


@router.get("/proofs/inclusion/{position}", response_model=InclusionProofPublic)
def inclusion_proof(
    position: Annotated[int, Path(ge=1, le=2**62, description="The event's position")],
    services: Svc,
    ctx: SignedIn,
    checkpoint: Annotated[
        int | None,
        Query(ge=1, le=2**62, description="Tree size of the checkpoint (default: latest)"),
    ] = None,
) -> dict[str, Any]:
    """The event at ``position`` (as a command's answer gives it) is leaf N of a signed tree:
    the event, its leaf, the RFC 9162 audit path and the signed checkpoint. 409
    ``position_not_checkpointed`` when no checkpoint holds it yet; 404 for no event there or
    no such checkpoint."""
    require_role(ctx.actor, *READERS)
    return IntegrityLog.of(services.ledger).inclusion_proof(position, checkpoint)


@router.get("/proofs/consistency", response_model=ConsistencyProofPublic)
def consistency_proof(
    services: Svc,
    ctx: SignedIn,
    old: Annotated[int, Query(ge=1, le=2**62, description="Tree size of the older checkpoint")],
    new: Annotated[
        int | None, Query(ge=1, le=2**62, description="Of the newer one (default: latest)")
    ] = None,
) -> dict[str, Any]:
    """The newer checkpoint's tree extends the older one's without changing any event in it:
    both signed checkpoints and the RFC 9162 consistency path. 422 ``checkpoint_order`` when
    ``old`` is the larger; 404 for no such checkpoint."""
    require_role(ctx.actor, *READERS)
    return IntegrityLog.of(services.ledger).consistency_proof(old, new)
