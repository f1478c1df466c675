"""The console's pages. Each page calls the API's own route functions (the same services, the
same visibility rules and the same figures as JSON), then renders them with Jinja2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

import orjson
from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi import Path as FastApiPath
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from domain.access import require_role, scope_of
from domain.context import SHANGHAI, Actor, CommandContext, acting
from domain.errors import AuthenticationError, DomainError, ErrorKind, ValidationError
from domain.funds.labels import JOURNAL_KIND_LABELS
from interfaces.api.console import session as sessions
from interfaces.api.console.i18n import LANG_COOKIE, LANGS, language, words
from interfaces.api.deps import get_services
from interfaces.api.routes import (
    auctions,
    audit,
    audit_proofs,
    balances,
    rebates,
    reports,
    tracking,
)
from interfaces.api.routes import contracts as contracts_routes
from interfaces.api.schemas.audit_proofs import InclusionProofPublic
from interfaces.security import TokenClaims, TooManyAttemptsError
from interfaces.wiring import Services

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(prefix="/console", include_in_schema=False)
JOURNAL_PAGE = 50


def install(app: FastAPI) -> None:
    """Mount the console's pages and files on the app."""
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.include_router(router)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def render(
    request: Request,
    name: str,
    status: int = 200,
    session: sessions.Session | None = None,
    **values: Any,
) -> HTMLResponse:
    lang = language(request)
    page = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "t": words(lang),
            "langs": LANGS,
            "session": session,
            "role": session.actor.role.value if session else None,
            **values,
        },
        status_code=status,
    )
    if request.query_params.get("lang") in LANGS:
        page.set_cookie(LANG_COOKIE, lang, path="/console", samesite="lax", max_age=31536000)
    page.headers["Cache-Control"] = "no-store"
    page.headers["X-Frame-Options"] = "DENY"
    return page


def _to_sign_in() -> RedirectResponse:
    return RedirectResponse("/console/sign-in", status_code=303)


def _refused(request: Request, session: sessions.Session, error: DomainError) -> HTMLResponse:
    """What the API answers 404 or 403, the console answers the same, with a page."""
    if error.kind is ErrorKind.NOT_FOUND:
        return render(request, "error.html", 404, session, message_key="not_found")
    if error.kind is ErrorKind.FORBIDDEN:
        return render(request, "error.html", 403, session, message_key="forbidden")
    raise error


def page(request: Request, build: Callable[[Services, sessions.Session], Response]) -> Response:
    """A signed-in page: no session is a redirect to the sign-in page."""
    services = get_services(request)
    session = sessions.session_of(request, services)
    if session is None:
        return _to_sign_in()
    try:
        with acting(session.ctx):
            return build(services, session)
    except DomainError as error:
        if error.kind is ErrorKind.UNAUTHENTICATED:
            return _to_sign_in()
        return _refused(request, session, error)


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    services = get_services(request)
    session = sessions.session_of(request, services)
    return RedirectResponse("/console/funds" if session else "/console/sign-in", status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    services = get_services(request)
    if sessions.session_of(request, services) is not None:
        return RedirectResponse("/console/funds", status_code=303)
    return _sign_in_form(request)


def _sign_in_form(
    request: Request, status: int = 200, error_key: str | None = None, phone: str = ""
) -> HTMLResponse:
    token = sessions.pre_csrf(request)
    response = render(request, "sign_in.html", status, csrf=token, error_key=error_key, phone=phone)
    sessions.keep_pre_csrf(response, token, _secure(request))
    return response


@router.post("/sign-in")
def sign_in(
    request: Request,
    phone: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    services = get_services(request)
    if not sessions.same(request.cookies.get(sessions.PRE_CSRF_COOKIE), csrf):
        return _sign_in_form(request, 403, "csrf", phone)
    address = request.client.host if request.client else "unknown"
    try:
        with acting(CommandContext(actor=Actor.anonymous(), clock=services.clock)):
            services.sign_in_throttle.admit(phone, address)
            identity = services.identity.authenticate(phone, password)
            services.sign_in_throttle.succeeded(phone)
    except TooManyAttemptsError:
        return _sign_in_form(request, 429, "too_many", phone)
    except AuthenticationError:
        return _sign_in_form(request, 401, "bad_credentials", phone)
    response = RedirectResponse("/console/funds", status_code=303)
    claims = TokenClaims(identity.user_id, identity.role, identity.account_id)
    sessions.start(response, services, claims, _secure(request))
    return response


@router.post("/sign-out")
def sign_out(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    services = get_services(request)
    session = sessions.session_of(request, services)
    if session is None:
        return _to_sign_in()
    if not sessions.same(session.csrf, csrf):
        return render(request, "error.html", 403, session, message_key="csrf")
    response = _to_sign_in()
    sessions.end(response)
    return response


@router.get("/funds")
def funds(
    request: Request,
    company: Annotated[UUID | None, Query()] = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
    posted_from: Annotated[date | None, Query(alias="from")] = None,
    posted_to: Annotated[date | None, Query(alias="to")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    """我的资金: a buyer's own company; staff name a company they may see (?company=)."""

    def build(services: Services, session: sessions.Session) -> HTMLResponse:
        ctx = session.ctx
        company_id = scope_of(session.actor).account_id if session.actor.role.is_buyer else company
        if company_id is None:
            if session.actor.role.is_buyer:
                return render(request, "error.html", 404, session, message_key="not_found")
            return render(request, "pick_company.html", 200, session)
        if session.actor.role.is_buyer:
            figures = balances.my_balances(services, ctx, None)
        else:
            figures = balances.company_balances(company_id, services, ctx, None)
        journal = balances.company_journal(
            company_id, services, ctx, None, kind or None, posted_from, posted_to,
            JOURNAL_PAGE, offset,
        )  # fmt: skip
        return render(
            request,
            "funds.html",
            200,
            session,
            figures=figures.model_dump(mode="json"),
            journal=journal.model_dump(mode="json"),
            kinds=JOURNAL_KIND_LABELS,
            filters={
                "company": company if not session.actor.role.is_buyer else None,
                "kind": kind or "",
                "from": posted_from.isoformat() if posted_from else "",
                "to": posted_to.isoformat() if posted_to else "",
            },
            offset=offset,
            page_size=JOURNAL_PAGE,
        )

    return page(request, build)


def _company_filter(session: sessions.Session, company: UUID | None) -> UUID | None:
    return None if session.actor.role.is_buyer else company


@router.get("/tracking")
def tracking_page(request: Request, company: Annotated[UUID | None, Query()] = None) -> Response:
    """采购跟踪: orders and contracts with their status labels, as GET /tracking/… lists them."""

    def build(services: Services, session: sessions.Session) -> HTMLResponse:
        ctx, only = session.ctx, _company_filter(session, company)
        orders = tracking.orders(
            services, ctx, None, company_id=only, status=None, payment_status=None,
            shipping_status=None, placed_from=None, placed_to=None, limit=100, offset=0,
        )  # fmt: skip
        contracts = tracking.contracts(
            services, ctx, None, company_id=only, state=None, order_id=None, limit=100, offset=0
        )
        return render(
            request,
            "tracking.html",
            200,
            session,
            orders=orders.model_dump(mode="json"),
            contracts=contracts.model_dump(mode="json"),
        )

    return page(request, build)


@router.get("/contracts/{contract_id}")
def contract_page(request: Request, contract_id: UUID) -> Response:
    """A contract: its lines, shipments, certificates, invoices and objections (tracking read
    model), its text and digest (the contract itself), as the API shows them."""

    def build(services: Services, session: sessions.Session) -> HTMLResponse:
        tracked = tracking.contract(contract_id, services, session.ctx, None)
        text = contracts_routes.get_contract(contract_id, services, session.ctx)
        return render(
            request,
            "contract.html",
            200,
            session,
            c=tracked.model_dump(mode="json"),
            text=text.model_dump(mode="json"),
        )

    return page(request, build)


@router.get("/audit/stream")
def stream_page(
    request: Request,
    stream: Annotated[str, Query(max_length=60)] = "",
    at: Annotated[str, Query(max_length=40)] = "",
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """An auditor's stream page: any aggregate as it stood at a moment (a time with no zone is
    Asia/Shanghai's) or a version, with its events as a timeline (GET /audit/streams/{id})."""

    def build(services: Services, session: sessions.Session) -> HTMLResponse:
        require_role(session.actor, *audit.AUDITORS)
        values: dict[str, Any] = {"stream": stream, "at": at, "version": version, "found": None}
        if not stream:
            return render(request, "stream.html", 200, session, **values)
        try:
            stream_id = UUID(stream)
            moment = _moment(at) if at else None
            found = audit.stream(stream_id, services, session.ctx, version, moment)
        except (ValueError, ValidationError) as error:
            detail = error.detail if isinstance(error, ValidationError) else str(error)
            return render(request, "stream.html", 422, session, error=detail, **values)
        values["found"] = found.model_dump(mode="json")
        return render(request, "stream.html", 200, session, **values)

    return page(request, build)


@router.get("/audit/proof/{position}")
def proof_download(
    request: Request, position: Annotated[int, FastApiPath(ge=1, le=2**62)]
) -> Response:
    """The inclusion proof of the event at ``position`` against the latest signed checkpoint,
    as the JSON document ``steelyard audit verify-proof FILE --key PUBKEY`` checks offline (the
    same document as GET /audit/proofs/inclusion/{position}); a position no checkpoint holds yet
    is the API's 409 ``position_not_checkpointed``, shown as a page."""

    def build(services: Services, session: sessions.Session) -> Response:
        proof = audit_proofs.inclusion_proof(position, services, session.ctx)
        document = InclusionProofPublic.model_validate(proof).model_dump(mode="json")
        return Response(
            orjson.dumps(document, option=orjson.OPT_INDENT_2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="proof-{position}.json"'},
        )

    return page(request, build)


def _moment(text: str) -> datetime:
    """The form's datetime-local value, in Asia/Shanghai unless it names its zone."""
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


SALES_BY = ("category", "region", "manager", "customer")


@router.get("/reports")
def reports_page(
    request: Request,
    by: Literal["category", "region", "manager", "customer"] = "category",
) -> Response:
    """销售报表 by month × category, region, manager or customer as bar and line charts
    (ECharts, served from static/), with the same rows as a table, and 成交动态: what
    GET /reports/sales?grain=month and /deal-feed answer the same person."""

    def build(services: Services, session: sessions.Session) -> HTMLResponse:
        ctx = session.ctx
        sales = reports.sales(
            services, ctx, None, reports.ReportFilters(), by, "month", "json", 100, 0
        )
        feed = reports.deal_feed(services, ctx, None, None, "json", 10, 0)
        tiers = rebates.tiers(services, ctx, None, None, None)
        return render(
            request,
            "reports.html",
            200,
            session,
            by=by,
            choices=SALES_BY,
            sales=sales.model_dump(mode="json"),
            feed=feed.model_dump(mode="json"),
            tiers=[_progress(row) for row in tiers.model_dump(mode="json")["data"]],
        )

    return page(request, build)


@router.get("/auctions")
def auctions_page(request: Request) -> Response:
    """竞拍: the public board (no bidder named) and 抢购历史 (a buyer its own company's bids, a
    manager its bound customers', other staff every company's), as GET /auctions answers."""

    def build(services: Services, session: sessions.Session) -> HTMLResponse:
        ctx = session.ctx
        board = auctions.board(services, ctx, None, None, None, 50, 0)
        history = auctions.history(services, ctx, None, None, 50, 0)
        return render(
            request,
            "auctions.html",
            200,
            session,
            board=board.model_dump(mode="json"),
            history=history.model_dump(mode="json"),
        )

    return page(request, build)


def _progress(row: dict[str, Any]) -> dict[str, Any]:
    """A tier row with how far it is to the next tier, in percent (none at the top tier)."""
    reached = Decimal(str(row["tonnes"] if row["measure"] == "tonnes" else row["amount"]))
    lower = row.get("next_lower")
    percent = None
    if lower is not None and Decimal(str(lower)) > 0:
        percent = min(100, int(reached * 100 / Decimal(str(lower))))
    return {**row, "percent": percent}
