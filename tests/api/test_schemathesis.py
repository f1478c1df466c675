"""schemathesis over every operation of the OpenAPI document, as five kinds of caller (anonymous,
buyer admin, buyer member, finance, operator), on the demo data: no 5xx but a declared 503, no
status code the document does not declare, every answer inside its declared schema and media
type.

Deterministic (a fixed seed, derandomized generation, a fixed number of examples per
operation), so a failure is the same on every run. It runs as its own step of ``scripts/test``
(``STEELYARD_SCHEMATHESIS=1``), after the suite, bounded to about two minutes; run it alone with
``SKIP_LINT=1 SCHEMATHESIS=only scripts/test``.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

if os.environ.get("STEELYARD_SCHEMATHESIS") != "1":
    pytest.skip(
        "schemathesis runs as its own scripts/test step (STEELYARD_SCHEMATHESIS=1)",
        allow_module_level=True,
    )

import schemathesis
from fastapi.testclient import TestClient
from schemathesis import Case, CheckContext, Response
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from domain.accounts.account import Account
from domain.accounts.staff import StaffMember
from domain.context import Role
from domain.unit_of_work import UnitOfWork
from interfaces.api.app import create_app
from interfaces.demo import COMPANIES, MEMBER_PHONE, STAFF, seed
from interfaces.security import TokenClaims
from interfaces.wiring import Services
from tests.conftest import throwaway_settings

EXAMPLES_PER_OPERATION = 6
CONFIG = schemathesis.Config.from_str(
    f"""
seed = 20261126

[generation]
max-examples = {EXAMPLES_PER_OPERATION}
deterministic = true
database = "none"

[phases.examples]
enabled = true

[phases.coverage]
enabled = false

[phases.fuzzing]
enabled = true

[phases.stateful]
enabled = false
"""
)
schema = schemathesis.openapi.from_dict(create_app().openapi(), config=CONFIG)

# In the order they run: who only reads or is refused first, the admins who change things last.
ROLES = ("anonymous", "buyer_member", "buyer_admin", "finance", "operator")


@schemathesis.check
def no_server_error_but_a_declared_503(
    ctx: CheckContext, response: Response, case: Case
) -> bool | None:
    """A 503 is "not now, retry" (declared where it can happen); any other 5xx is a defect."""
    if response.status_code >= 500 and response.status_code != 503:
        raise AssertionError(f"{response.status_code} from {case.operation.label}")
    return None


CHECKS = [
    no_server_error_but_a_declared_503,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@dataclass
class Callers:
    session: Any  # schemathesis's in-process ASGI client (a requests.Session)
    tokens: dict[str, str]

    def headers(self, role: str) -> dict[str, str]:
        token = self.tokens.get(role)
        return {"Authorization": f"Bearer {token}"} if token else {}


KNOWN: dict[str, list[str]] = {}  # ids that exist in the demo data, by parameter name


def _pick(name: str, value: Any) -> Any:
    """Often a real id from the demo data instead of a random one, chosen by the generated
    value itself so the same run picks the same ids."""
    known = KNOWN.get(name)
    if not known:
        return value
    choice = zlib.crc32(repr(value).encode()) % (len(known) + 1)
    return value if choice == len(known) else known[choice]


@schema.hook("map_path_parameters")
def real_ids_in_paths(ctx: Any, path_parameters: dict[str, Any] | None) -> Any:
    return path_parameters and {k: _pick(k, v) for k, v in path_parameters.items()}


@schema.hook("map_query")
def real_ids_in_queries(ctx: Any, query: dict[str, Any] | None) -> Any:
    return query and {k: _pick(k, v) for k, v in query.items()}


@pytest.fixture(scope="module")
def callers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callers]:
    with throwaway_settings(tmp_path_factory.mktemp("schemathesis")) as settings:
        services = Services.build(replace(settings, read_wait_seconds=1.0))
        try:
            seed(services)
            services.projections.start()
            assert services.projections.wait(services.ledger.head(), 30), "read models behind"
            app = create_app(services.settings, services)
            tokens = _tokens(services)
            KNOWN.update(_known_ids(app, tokens["operator"]))
            with asgi.get_client(app) as session:
                yield Callers(session, tokens)
        finally:
            KNOWN.clear()
            services.projections.stop()
            services.close()


def _tokens(services: Services) -> dict[str, str]:
    """Bearer tokens for the demo's people (issued directly: sign-in has its own limits)."""
    phones = {
        "buyer_admin": COMPANIES[0][0],
        "buyer_member": MEMBER_PHONE,
        "finance": next(p.phone for p in STAFF if p.role is Role.FINANCE),
        "operator": next(p.phone for p in STAFF if p.role is Role.OPERATOR),
    }
    reader = UnitOfWork(services.ledger)
    tokens = {}
    for name, phone in phones.items():
        owner = reader.owner_of("login", phone)
        account = reader.find(Account, owner) if owner else None
        if account is not None:
            member = account.member_by_phone(phone)
            assert member is not None
            role = Role.BUYER_ADMIN if member.is_admin else Role.BUYER_MEMBER
            claims = TokenClaims(member.user_id, role, account.id)
        else:
            staff = reader.get(StaffMember, owner, "staff")
            claims = TokenClaims(staff.id, staff.role, None)
        tokens[name] = services.tokens.issue(claims)
    return tokens


def _known_ids(app: Any, token: str) -> dict[str, list[str]]:
    """Ids the demo made, read back through the API as the operator."""
    known: dict[str, set[str]] = {"code": {"DEMO7781CERT"}}

    def add(name: str, rows: list[dict[str, Any]], key: str | None = None) -> None:
        known.setdefault(name, set()).update(str(r[key or name]) for r in rows if r[key or name])

    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:

        def rows(path: str) -> list[dict[str, Any]]:
            answer = client.get(f"/api/v1{path}", params={"limit": 200})
            assert answer.status_code == 200, answer.text
            data: list[dict[str, Any]] = answer.json()["data"]
            return data

        accounts = rows("/accounts")
        add("account_id", accounts)
        add("company_id", accounts, "account_id")
        for account_id in sorted(known["account_id"]):
            account = client.get(f"/api/v1/accounts/{account_id}").json()
            add("user_id", account["members"])
            add("role_id", account["roles"])
            known.setdefault("department_id", set()).update(account["departments"])
        listings = rows("/listings")
        add("listing_id", listings)
        add("product_id", listings)
        add("order_id", rows("/tracking/orders"))
        add("contract_id", rows("/tracking/contracts"))
        add("return_id", rows("/tracking/returns"))
        add("objection_id", rows("/tracking/objections"))
        requests = rows("/tracking/refunds-transfers")
        add("refund_id", [r for r in requests if r["kind"] == "refund"], "request_id")
        add("transfer_id", [r for r in requests if r["kind"] == "transfer"], "request_id")
    return {name: sorted(values) for name, values in known.items() if values}


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
def test_every_operation(case: Case, role: str, callers: Callers) -> None:
    headers = callers.headers(role)
    response = case.call(session=callers.session, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)
