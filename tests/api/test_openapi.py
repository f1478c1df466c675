"""The API's description: every answer typed, every error problem+json where it can happen,
tags described, money with examples, lists as {data, count}, one name per concept, and every
time in UTC with Z — in the document and on the wire."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain.context import Role
from interfaces.api.app import create_app
from tests.api.conftest import Api

PROBLEM_JSON = "application/problem+json"
FILES = {"application/pdf"}
Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app().openapi()


def _operations(document: dict[str, Any]) -> Iterator[Operation]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _schema(document: dict[str, Any], ref: str) -> dict[str, Any]:
    found: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return found


def _success(operation: dict[str, Any]) -> dict[str, Any]:
    codes = [code for code in operation["responses"] if code.startswith("2")]
    assert len(codes) == 1, codes
    return dict(operation["responses"][codes[0]].get("content", {}).get("application/json", {}))


def _is_file(operation: dict[str, Any]) -> bool:
    """A download (a statement's PDF): its answer is a file of a declared media type, not JSON."""
    content = operation["responses"].get("200", {}).get("content", {})
    return bool(content) and set(content) <= FILES


def _params(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", [])}


def test_every_operation_answers_a_named_model(document: dict[str, Any]) -> None:
    untyped = []
    for method, path, operation in _operations(document):
        if _is_file(operation):
            continue
        schema = _success(operation).get("schema", {})
        if "$ref" not in schema:
            if schema.get("type") != "object" or "additionalProperties" not in schema:
                untyped.append(f"{method} {path}: {schema}")  # a typed map is fine
            continue
        model = _schema(document, schema["$ref"])
        loose = not model.get("properties") or model.get("additionalProperties") is True
        if loose and path != "/readyz":  # readiness may grow members; it lists its own
            untyped.append(f"{method} {path}: {schema['$ref']}")
    assert untyped == []
    assert "CommandResult" not in document["components"]["schemas"]


def test_every_command_answers_its_position_and_what_it_made(document: dict[str, Any]) -> None:
    checkout = document["paths"]["/api/v1/cart/checkout"]["post"]
    answer = _schema(document, _success(checkout)["schema"]["$ref"])
    assert {"position", "order_id", "order_no", "total", "contracts"} <= set(answer["required"])
    for method, path, operation in _operations(document):
        if method == "POST" and path.startswith("/api/v1") and "/auth/" not in path:
            answer = _schema(document, _success(operation)["schema"]["$ref"])
            assert "position" in answer["required"], path
            assert len(answer["properties"]) > 1, path


def test_errors_are_problem_json_where_they_can_happen(document: dict[str, Any]) -> None:
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code", "detail"} <= set(problem["required"])
    assert {"errors", "state", "bucket", "available", "needed"} <= set(problem["properties"])
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        for code, response in responses.items():
            if code[0] in "45":
                assert list(response["content"]) == [PROBLEM_JSON], (method, path, code)
                assert response["content"][PROBLEM_JSON]["schema"] == {
                    "$ref": "#/components/schemas/Problem"
                }
        if operation.get("security"):
            assert {"401", "403", "404", "422"} <= set(responses), (method, path)
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(responses), (method, path)
        if "wait_for" in _params(operation):
            assert "503" in responses and "Retry-After" in responses["503"]["headers"], path
    sign_in = document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"401", "429"} <= set(sign_in) and "Retry-After" in sign_in["429"]["headers"]
    assert "503" in document["paths"]["/readyz"]["get"]["responses"]


def test_every_tag_is_described(document: dict[str, Any]) -> None:
    described = {t["name"]: t.get("description", "") for t in document.get("tags", [])}
    used = {tag for _, _, operation in _operations(document) for tag in operation["tags"]}
    assert used <= {name for name, text in described.items() if text.strip()}


def test_money_and_tonnes_show_examples(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    decimals = [
        (name, field, spec)
        for name, schema in schemas.items()
        for field, spec in schema.get("properties", {}).items()
        for variant in (spec, *spec.get("anyOf", ()))
        if variant.get("format") == "decimal"
    ]
    assert len(decimals) > 100
    missing = [(n, f) for n, f, spec in decimals if not _examples(spec)]
    assert missing == []
    assert _examples(schemas["BalancesPublic"]["properties"]["financial_balance"]) == ["1250.00"]
    assert _examples(schemas["PaymentCreate"]["properties"]["amount"]) == ["1250.00"]
    assert _examples(schemas["ListingPublic"]["properties"]["list_price"]) == ["4321.57"]


def _examples(spec: dict[str, Any]) -> list[Any]:
    for variant in (spec, *spec.get("anyOf", ())):
        if variant.get("examples"):
            return list(variant["examples"])
    return []


def test_every_list_answers_data_and_count(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        schema = _success(operation).get("schema", {})
        assert schema.get("type") != "array", f"{method} {path} answers a bare array"
    for path in ("/api/v1/accounts", "/api/v1/accounts/{account_id}/members"):
        answer = _schema(document, _success(document["paths"][path]["get"])["schema"]["$ref"])
        assert set(answer["required"]) >= {"data", "count"}, path


def test_one_name_per_concept(document: dict[str, Any]) -> None:
    for name, schema in document["components"]["schemas"].items():
        fields = set(schema.get("properties", {}))
        assert "low_on_stock" not in fields, name  # low_stock, as the search filter says
        assert "created_at" not in fields or name == "ListingRow", name  # registered_at
        if "state" in fields:
            assert "label" not in fields, name  # state_label, as status has status_label


def _utc_z(value: str) -> bool:
    return value.endswith("Z") and "+" not in value


def test_times_go_out_in_utc_with_z(api: Api, operator: str) -> None:
    api.import_registry(operator, (1, "east"))
    _, manager_token = api.enroll("13900000004", Role.MANAGER, "east")
    account, admin = api.register("13800000001")
    bound = api.post(f"/accounts/{account}/company", admin, json=api.company(1))
    assert bound.status_code == 200, bound.text

    notices = api.get("/me", manager_token).json()["notifications"]
    assert notices and all(_utc_z(n["at"]) for n in notices)
    me = api.get(f"/accounts/{account}", admin).json()
    assert _utc_z(me["registered_at"]) and _utc_z(me["last_activity_at"] or "Z")
    listed = api.get(f"/accounts?wait_for={bound.json()['position']}", operator).json()
    assert _utc_z(listed["data"][0]["registered_at"])


def test_a_time_given_in_another_zone_comes_back_in_utc(api: Api, operator: str) -> None:
    api.post("/catalog/categories/defaults", operator)
    attributes = {"grade": "Q235B", "thickness": "3.0", "width": "1500", "standard": "GB"}
    product = api.post(
        "/catalog/products",
        operator,
        json={"category": "HRC", "name": "HRC", "attributes": attributes},
    ).json()["product_id"]
    body = {"product_id": product, "warehouse": "Rizhao", "quantity": "10", "list_price": "4000"}
    listing = api.post("/listings", operator, json=body).json()["listing_id"]
    window = {"on_shelf_at": "2026-11-27T08:00:00+08:00", "off_shelf_at": "2026-12-01T00:00:00Z"}
    published = api.post(f"/listings/{listing}/publish", operator, json=window)
    assert published.status_code == 200, published.text
    seen = api.get(f"/listings/{listing}", operator).json()
    assert seen["on_shelf_at"] == "2026-11-27T00:00:00Z"
    assert seen["off_shelf_at"] == "2026-12-01T00:00:00Z"
    assert seen["low_stock"] is False and "low_on_stock" not in seen


def test_operation_ids_are_short_and_unique(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    for _, path, operation in _operations(document):
        assert operation["operationId"].startswith(f"{operation['tags'][0]}_"), path
    assert document["paths"]["/api/v1/cart/checkout"]["post"]["operationId"] == "orders_checkout"
