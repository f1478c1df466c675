"""Auditors and finance: any stream as of a version or a moment, and balance confirmations
(对账单 / 询证函). Anyone else signed in is refused (403)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response

from domain.access import require_role
from domain.context import CommandContext, Role
from interfaces.api.deps import SignedIn, Svc
from interfaces.api.responses import SIGNED_IN, OrjsonResponse, problems
from interfaces.api.schemas.audit import SignedStatement, StreamAsOfPublic
from interfaces.history.stream import stream_as_of
from interfaces.statements.issue import issue_statement
from interfaces.statements.pdf import statement_pdf
from interfaces.wiring import Services

AUDITORS = (Role.AUDITOR, Role.FINANCE)

router = APIRouter(prefix="/audit", tags=["audit"], responses=problems(*SIGNED_IN, 409, 503))


@router.get("/streams/{stream_id}", response_model=StreamAsOfPublic)
def stream(
    stream_id: UUID,
    services: Svc,
    ctx: SignedIn,
    version: Annotated[
        int | None, Query(ge=1, le=2**31 - 1, description="Show the stream at this version")
    ] = None,
    at: Annotated[
        datetime | None,
        Query(
            description="Or as it stood at this moment: ISO 8601 with its zone "
            "(2026-12-31T23:59:59+08:00 or …Z); the last version at or before it"
        ),
    ] = None,
) -> StreamAsOfPublic:
    """Any aggregate (account, funds account, listing, order, contract, auction lot, intent …)
    as it stood at ``version`` or at the moment ``at`` (neither: now), with every event up to
    it: type, version, position, time, who caused it (user, role, request id) and the stated
    reason. 422 ``version_beyond_end`` past the stream's end, ``before_first_event`` for a
    moment before it began, ``time_needs_zone`` for a time without its zone; 404 for no such
    stream."""
    require_role(ctx.actor, *AUDITORS)
    return StreamAsOfPublic.of(stream_as_of(services.ledger, stream_id, version, at))


AsOf = Annotated[
    date,
    Query(
        description="The Asia/Shanghai business date the statement is as of (e.g. a year end)",
        examples=["2026-12-31"],
    ),
]


@router.get("/statements/{company_id}", response_model=SignedStatement)
def statement(company_id: UUID, as_of: AsOf, services: Svc, ctx: SignedIn) -> OrjsonResponse:
    """余额确认函 / 对账单: the company's funds as of the end of ``as_of`` (or now, on that
    day): every bucket, the dashboard figures, every journal line up to then and the contracts
    open then, signed with the platform's Ed25519 key. Keep the file: ``steelyard audit
    check-statement FILE`` checks its signature and recomputes every figure from the store.
    422 ``as_of_in_future``; 409 ``company_not_bound``; 503 ``signing_key_unavailable``."""
    document = _issue(services, company_id, as_of, ctx)
    name = f"statement-{document['statement']['company']['credit_code']}-{as_of}.json"
    return OrjsonResponse(
        document, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/statements/{company_id}/pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The statement, PDF"}},
)
def statement_as_pdf(company_id: UUID, as_of: AsOf, services: Svc, ctx: SignedIn) -> Response:
    """The same statement as a PDF (Chinese and English), with its signature printed."""
    document = _issue(services, company_id, as_of, ctx)
    name = f"statement-{document['statement']['company']['credit_code']}-{as_of}.pdf"
    return Response(
        statement_pdf(document),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _issue(services: Services, company_id: UUID, as_of: date, ctx: CommandContext) -> Any:
    require_role(ctx.actor, *AUDITORS)
    return issue_statement(services.ledger, services.settings, company_id, as_of, ctx)
