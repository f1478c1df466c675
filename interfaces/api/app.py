"""The FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from interfaces.api import problems
from interfaces.api.body_limit import BodySizeLimit
from interfaces.api.console import routes as console
from interfaces.api.observe import Observe, route_templates
from interfaces.api.observe import router as metrics_router
from interfaces.api.responses import OrjsonResponse
from interfaces.api.routes import (
    accounts,
    auctions,
    audit,
    audit_proofs,
    auth,
    balances,
    catalog,
    contracts,
    events,
    funds,
    health,
    intents,
    listings,
    members,
    orders,
    rebates,
    reports,
    staff,
    teams,
    tracking,
)
from interfaces.config import Settings
from interfaces.logs import configure_logging
from interfaces.wiring import Services

API_PREFIX = "/api/v1"

TAGS = [
    {
        "name": "auth",
        "description": "Sign in (OAuth2 password flow: phone and password) and "
        "reset a forgotten password by a one-time SMS code.",
    },
    {
        "name": "accounts",
        "description": "Customer companies: registration, company binding, "
        "certification, the account manager, the member level.",
    },
    {
        "name": "members",
        "description": "A company's departments, roles (permission sets) and sub-accounts.",
    },
    {
        "name": "staff",
        "description": "Seller staff enrolment, the ERP's customer registry, and who am I.",
    },
    {
        "name": "funds",
        "description": "A customer's funds ledger: payments, allocations, "
        "transfers, refunds, deposits, rebates, penalties and the credit line.",
    },
    {
        "name": "balances",
        "description": "我的资金 and a company's journal, read from the "
        "balances read model (``wait_for`` reads your own writes).",
    },
    {
        "name": "catalog",
        "description": "The category tree with its attribute templates, and products.",
    },
    {
        "name": "listings",
        "description": "Spot listings (现货挂牌): search, prices (list, "
        "regional, member level, 一客一价), terms and stock.",
    },
    {
        "name": "orders",
        "description": "The cart, checkout (stock, funds and contracts in one "
        "write), cancellation and returns.",
    },
    {
        "name": "contracts",
        "description": "A contract's life: effect, confirm by digest, pay, "
        "production, despatch, shipments, certificates, settlement, objections, close.",
    },
    {
        "name": "auctions",
        "description": "Timed auctions (竞拍 / 限时抢购): sessions and lots, the public board, "
        "bids with the session deposit, auction history and breach notices (违约通知).",
    },
    {
        "name": "intents",
        "description": "Futures intents (期货意向): the customer's request, its manager's "
        "supplement, the customer's confirmation, the seller's review chain, the contract.",
    },
    {"name": "invoices", "description": "Invoices over one or more settled contracts."},
    {
        "name": "certificates",
        "description": "Public: check a quality certificate (质保书) by "
        "its verification code, with no sign-in.",
    },
    {
        "name": "integration",
        "description": "What the ERP posts: contracts it made, and (under "
        "staff) the customer registry.",
    },
    {
        "name": "tracking",
        "description": "采购跟踪 and its neighbours: orders, contracts, "
        "production, shipments, certificates, invoices, objections, returns, payments, "
        "allocations, contract funds, refunds and transfers; lists answer {data, count}.",
    },
    {
        "name": "audit",
        "description": "Reconciliation of the balances read model against the events; any "
        "stream as of a version or a moment; balance confirmations (对账单).",
    },
    {
        "name": "reports",
        "description": "销售报表 by day/month × category, product, region, customer, manager; "
        "成交动态 (public); performance, commissions, auction results; ?format=csv.",
    },
    {
        "name": "teams",
        "description": "Sales teams (总监 → 销售主管 → 一线销售) and commission rates.",
    },
    {
        "name": "rebates",
        "description": "返利: policies with versions (订单总价返, 商品分类返, 叠加特殊返, "
        "月/年阶梯返), accruals on settled contracts and their corrections, "
        "period closes crediting funds (返利调账), the statement and tier progress.",
    },
    {
        "name": "events",
        "description": "The integration feed (ERP/WMS): every event in store order after a "
        "position, paged, with a long-poll (wait=); the public event schema.",
    },
    {"name": "health", "description": "Liveness and readiness probes."},
]


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """Build the app. Given ``services``, the caller owns them; otherwise they are built from
    ``settings`` (or the environment) at start-up and closed at shutdown.

    Called with nothing, as a process's factory (``uvicorn --factory
    interfaces.api.app:create_app``, gunicorn's uvicorn workers), it also configures logging,
    once, before uvicorn logs that it is serving; ``steelyard serve`` configures it itself."""
    if services is None and settings is None:
        settings = Settings.from_env()
        configure_logging(settings)
    configured = services.settings if services else settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        running: Services = services or Services.build(configured)
        app.state.services = running
        route_templates(app)  # the request log's route names, before the first request
        follow = running.settings.projections == "inprocess" and not running.projections.running
        if follow:
            running.projections.start()
        try:
            yield
        finally:
            if follow:
                running.projections.stop()
            if owned:
                running.close()

    app = FastAPI(
        title="Steelyard",
        summary="Event-sourced trading ledger for bulk commodities",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=OrjsonResponse,
        openapi_url="/openapi.json",
        docs_url=None,  # served below from local files, not a CDN
        redoc_url=None,
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
    )
    _serve_docs(app)
    if services is not None:
        app.state.services = services
    problems.install(app)
    # Added before the request id middleware, so it runs inside it: a 413 carries the id too.
    app.add_middleware(BodySizeLimit, max_bytes=configured.max_body_bytes)

    @app.middleware("http")
    async def request_id(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        rid = getattr(request.state, "request_id", None) or request.headers.get("X-Request-ID")
        if rid:
            response.headers["X-Request-ID"] = rid
        return response

    # Outermost: every request is logged and counted, a 413 or an unmatched path included.
    app.add_middleware(Observe)

    api = APIRouter(prefix=API_PREFIX)
    for module in (auth, accounts, members, staff, funds, catalog, listings):
        api.include_router(module.router)
    for router in (
        orders.router,
        contracts.router,
        contracts.invoices,
        contracts.public,
        contracts.integration,
        intents.router,
        rebates.router,
        tracking.router,
    ):
        api.include_router(router)
    for router in (balances.me, balances.router, balances.tracking, balances.audit):
        api.include_router(router)
    for router in (auctions.router, auctions.breach, auctions.audit):
        api.include_router(router)
    api.include_router(audit.router)
    api.include_router(audit_proofs.router)
    for router in (reports.router, reports.public, teams.router):
        api.include_router(router)
    api.include_router(events.router)
    app.include_router(api)
    app.include_router(health.router)
    app.include_router(metrics_router)
    console.install(app)  # the web console (/console), same services and visibility

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app


def operation_id(route: APIRoute) -> str:
    """``<tag>_<handler>`` (``orders_checkout``): short, stable names for generated clients."""
    return f"{route.tags[0]}_{route.name}" if route.tags else route.name


DOCS_ASSETS = "/docs/assets"


def _serve_docs(app: FastAPI) -> None:
    """The docs page (Swagger UI) with its scripts served by this app, so it works on a machine
    with no route to a CDN; its Authorize button signs in through /api/v1/auth/token."""
    assets = Path(str(files("fastapi_offline") / "static"))
    app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Steelyard API",
            oauth2_redirect_url="/docs/oauth2-redirect",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True},
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
