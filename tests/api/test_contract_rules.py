"""Contract refusals and objections through HTTP: each refusal a problem with its code and
nothing written; an accepted objection's compensation lands in the buyer's funds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.api.conftest import Api
from tests.api.trading_support import Stage, stage


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _refused(s: Stage, response: Any, status: int, code: str, head: int) -> None:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert s.api.services.ledger.head() == head


def _established(s: Stage, tonnes: str = "10.000") -> str:
    listing = s.listing(quantity="50.000", price="4000.00")
    s.fund("100000.00")
    placed = _ok(
        s.api.post(
            "/cart/checkout",
            s.buyer,
            json={
                "delivery_address": "Dock",
                "lines": [{"listing_id": str(listing), "quantity": tonnes}],
            },
        ),
        201,
    )
    contract_id = str(placed["contracts"][0]["contract_id"])
    early = s.api.post(
        f"/contracts/{contract_id}/confirm",
        s.buyer,
        json={"digest": placed["contracts"][0]["digest"]},
    )
    _refused(s, early, 409, "invalid_transition", s.api.services.ledger.head())
    _ok(s.api.post(f"/contracts/{contract_id}/effect", s.manager))
    _ok(
        s.api.post(
            f"/contracts/{contract_id}/confirm",
            s.buyer,
            json={"digest": placed["contracts"][0]["digest"]},
        )
    )
    _ok(s.api.post(f"/contracts/{contract_id}/pay", s.buyer))
    return contract_id


def _ship(s: Stage, contract_id: str, shipment_id: str, weight: str) -> Any:
    return s.api.post(
        f"/contracts/{contract_id}/shipments",
        s.integration,
        json={
            "shipment_id": shipment_id,
            "warehouse": "Rizhao",
            "shipped_at": "2026-11-27T00:00:00Z",
            "vehicle_plate": "鲁L00001",
            "lines": [{"line_no": 1, "actual_weight": weight}],
        },
    )


def test_shipping_beyond_the_tolerance_is_refused(api: Api) -> None:
    s = stage(api)
    contract_id = _established(s)  # 10 t, ±10 %: at most 11.000 t
    _ok(_ship(s, contract_id, "DS-1", "6.000"), 201)
    head = api.services.ledger.head()
    _refused(s, _ship(s, contract_id, "DS-2", "5.001"), 409, "over_tolerance", head)
    _ok(_ship(s, contract_id, "DS-2", "5.000"), 201)


def test_an_unsettled_contract_cannot_be_invoiced(api: Api) -> None:
    s = stage(api)
    contract_id = _established(s)
    _ok(_ship(s, contract_id, "DS-1", "10.000"), 201)
    head = api.services.ledger.head()
    early = api.post(
        "/invoices",
        s.finance,
        json={
            "invoice_no": "INV-1",
            "kind": "ordinary",
            "shares": [{"contract_id": contract_id, "amount": "40000.00"}],
        },
    )
    _refused(s, early, 409, "not_settled", head)
    buyer = api.post(f"/contracts/{contract_id}/settlement", s.buyer)
    _refused(s, buyer, 403, "forbidden", head)


def test_an_accepted_objection_credits_the_buyer_and_a_rejected_one_needs_a_reason(
    api: Api,
) -> None:
    s = stage(api)
    contract_id = _established(s)
    _ok(_ship(s, contract_id, "DS-1", "10.000"), 201)
    filed = _ok(
        api.post(
            f"/contracts/{contract_id}/objections",
            s.buyer,
            json={
                "kind": "quality",
                "claimed": "2000.00",
                "shipment_id": "DS-1",
                "description": "edge cracks on coil 3",
            },
        ),
        201,
    )
    before = s.statement()["financial_balance"]
    objection = filed["objection_id"]
    by_buyer = api.post(
        f"/contracts/{contract_id}/objections/{objection}",
        s.buyer,
        json={"decision": "accept", "compensation": "1500.00"},
    )
    assert by_buyer.status_code == 403
    accepted = _ok(
        api.post(
            f"/contracts/{contract_id}/objections/{objection}",
            s.operator,
            json={"decision": "accept", "compensation": "1500.00"},
        )
    )
    assert accepted["compensation"] == "1500.00"
    assert s.statement()["financial_balance"] == before + Decimal("1500.00")

    second = _ok(
        api.post(
            f"/contracts/{contract_id}/objections",
            s.buyer,
            json={"kind": "quantity", "claimed": "400.00", "description": "short weight"},
        ),
        201,
    )
    head = api.services.ledger.head()
    no_reason = api.post(
        f"/contracts/{contract_id}/objections/{second['objection_id']}",
        s.operator,
        json={"decision": "reject"},
    )
    assert no_reason.status_code == 422 and api.services.ledger.head() == head
    rejected = _ok(
        api.post(
            f"/contracts/{contract_id}/objections/{second['objection_id']}",
            s.operator,
            json={"decision": "reject", "reason": "weighed twice"},
        )
    )
    assert (rejected["status"], rejected["status_label"]) == ("rejected", "已驳回")
    assert accepted["status_label"] == "已受理"
    tracked = _ok(
        api.get("/tracking/objections", s.buyer, params={"wait_for": api.services.ledger.head()})
    )
    labels = {(o["kind_label"], o["status_label"]) for o in tracked["data"]}
    assert labels == {("质量异议", "已受理"), ("数量异议", "已驳回")}


def test_a_certificate_code_is_unique_across_contracts(api: Api) -> None:
    s = stage(api)
    first = _established(s, "5.000")
    _ok(_ship(s, first, "DS-1", "5.000"), 201)
    _ok(
        api.post(
            f"/contracts/{first}/certificates",
            s.integration,
            json={
                "certificate_no": "QC-1",
                "batch_no": "B1",
                "shipment_id": "DS-1",
                "verification_code": "SAMECODE01",
            },
        ),
        201,
    )
    second = _established(s, "5.000")
    _ok(_ship(s, second, "DS-9", "5.000"), 201)
    head = api.services.ledger.head()
    again = api.post(
        f"/contracts/{second}/certificates",
        s.integration,
        json={
            "certificate_no": "QC-2",
            "batch_no": "B2",
            "shipment_id": "DS-9",
            "verification_code": "SAMECODE01",
        },
    )
    _refused(s, again, 409, "duplicate_certificate", head)
    assert _ok(api.get("/certificates/samecode01/verify"))["certificate_no"] == "QC-1"
