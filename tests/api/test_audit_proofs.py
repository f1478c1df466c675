"""Checkpoints and proofs over HTTP (GET/POST /audit/checkpoints, GET /audit/proofs/...): an
auditor takes a checkpoint, gets an inclusion proof of an event a command wrote and a
consistency proof between two checkpoints, and checks each offline; the bad inputs are 4xx
problems with stable codes; other roles are refused."""

from __future__ import annotations

from typing import Any

import pytest

from domain.context import Role
from interfaces.integrity.documents import check_document
from tests.api.conftest import Api


def _checkpoint(api: Api, token: str) -> dict[str, Any]:
    body = ok(api.post("/audit/checkpoints", token), 201)
    body.pop("position"), body.pop("created")
    return body


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def auditor(api: Api) -> str:
    return api.enroll("13900000003", Role.AUDITOR)[1]


def test_an_auditor_proves_an_event_and_two_checkpoints_offline(api: Api, auditor: str) -> None:
    api.register("13800000001")  # a command writes events
    taken = ok(api.post("/audit/checkpoints", auditor), 201)
    assert taken.pop("created") is True and taken.pop("position") >= taken["tree_size"]
    first = taken
    assert first["taken_at"].endswith("Z")
    listing = ok(api.get("/audit/checkpoints", auditor))
    key = listing["public_key"]
    assert listing["checkpoints"] == [first]
    assert listing["head"]["tree_size"] == first["tree_size"]

    proof = ok(api.get("/audit/proofs/inclusion/1", auditor))
    assert proof["checkpoint"] == first and proof["leaf"]["index"] == 0
    assert check_document(proof, key) == []

    api.register("13800000002")
    again = _checkpoint(api, auditor)
    same = ok(api.post("/audit/checkpoints", auditor), 201)
    assert same.pop("created") is False  # nothing new since: the latest
    same.pop("position")
    assert same == again
    consistency = ok(api.get(f"/audit/proofs/consistency?old={first['tree_size']}", auditor))
    assert consistency["new"] == again
    assert check_document(consistency, key) == []
    late = ok(api.get(f"/audit/proofs/inclusion/{again['tree_size']}", auditor))
    assert check_document(late, key) == []
    older = ok(api.get(f"/audit/proofs/inclusion/1?checkpoint={first['tree_size']}", auditor))
    assert check_document(older, key) == []


def test_a_position_not_yet_in_any_checkpoint_is_a_409(api: Api, auditor: str) -> None:
    api.register("13800000001")
    body = problem(api.get("/audit/proofs/inclusion/1", auditor), 409, "position_not_checkpointed")
    assert "not yet in any checkpoint" in body["detail"]
    checkpoint = ok(api.post("/audit/checkpoints", auditor), 201)
    api.register("13800000002")
    head = ok(api.get("/audit/checkpoints", auditor))["head"]["position"]
    problem(api.get(f"/audit/proofs/inclusion/{head}", auditor), 409, "position_not_checkpointed")
    size = checkpoint["tree_size"]
    problem(api.get(f"/audit/proofs/inclusion/{head}?checkpoint={size}", auditor), 409,
            "position_not_checkpointed")  # fmt: skip


def test_unknown_positions_and_checkpoints_are_404_and_a_reversed_pair_422(
    api: Api, auditor: str
) -> None:
    api.register("13800000001")
    size = ok(api.post("/audit/checkpoints", auditor), 201)["tree_size"]
    problem(api.get("/audit/proofs/inclusion/999999", auditor), 404, "not_found")
    problem(api.get("/audit/proofs/inclusion/1?checkpoint=12345", auditor), 404, "not_found")
    problem(api.get("/audit/checkpoints/12345", auditor), 404, "not_found")
    assert ok(api.get(f"/audit/checkpoints/{size}", auditor))["tree_size"] == size
    problem(api.get("/audit/proofs/consistency?old=12345", auditor), 404, "not_found")
    api.register("13800000002")
    bigger = ok(api.post("/audit/checkpoints", auditor), 201)["tree_size"]
    problem(
        api.get(f"/audit/proofs/consistency?old={bigger}&new={size}", auditor),
        422,
        "checkpoint_order",
    )
    problem(api.get("/audit/proofs/inclusion/0", auditor), 422, "validation_error")


def test_only_auditors_and_finance_read_proofs(api: Api, auditor: str) -> None:
    _, buyer = api.register("13800000001")
    _, finance = api.enroll("13900000002", Role.FINANCE)
    _, operator = api.enroll("13900000004", Role.OPERATOR)
    problem(api.get("/audit/checkpoints", buyer), 403, "forbidden")
    problem(api.post("/audit/checkpoints", buyer), 403, "forbidden")
    problem(api.get("/audit/proofs/inclusion/1", operator), 403, "forbidden")
    ok(api.post("/audit/checkpoints", operator), 201)  # operators may take one
    assert ok(api.get("/audit/proofs/inclusion/1", finance))["leaf"]["index"] == 0
    assert api.get("/audit/checkpoints").status_code == 401


def test_a_proof_refused_in_chinese_names_the_position(api: Api, auditor: str) -> None:
    api.register("13800000001")
    response = api.get("/audit/proofs/inclusion/1", auditor, headers={"Accept-Language": "zh-CN"})
    body = problem(response, 409, "position_not_checkpointed")
    assert "位置 1 尚未包含在任何已签名检查点中" in body["detail"]
