"""A whole journey through HTTP for the tracking tests: one order over two warehouses, so two
contracts (1 from Qingdao, 10 t; 2 from Rizhao, 27.125 t), taken through partial payment,
production, shipments (one end declared, one automatic), a certificate, post-settlement, an
invoice shared by both contracts, objections accepted and rejected, and returns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from tests.api.conftest import Api
from tests.api.trading_support import stage

D = Decimal


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


class Journey:
    """One order over two warehouses: contract 1 from Qingdao (10 t), 2 from Rizhao (27.125 t)."""

    def __init__(self, api: Api) -> None:
        self.api, self.s = api, stage(api)
        self.plate = self.s.listing(quantity="50.000", price="3988.00", warehouse="Qingdao")
        self.coil = self.s.listing(quantity="100.000", price="4321.57", warehouse="Rizhao")
        self.s.fund("300000.00")
        for listing, tonnes in ((self.plate, "10.000"), (self.coil, "27.125")):
            item = {"listing_id": str(listing), "quantity": tonnes}
            ok(api.post("/cart/items", self.s.buyer, json=item))
        address = {"delivery_address": "No. 1 Harbour Road, Qingdao"}
        placed = ok(api.post("/cart/checkout", self.s.buyer, json=address), 201)
        self.order_id = UUID(placed["order_id"])
        self.order_no = placed["order_no"]
        self.c1, self.c2 = (UUID(c["contract_id"]) for c in placed["contracts"])
        self.digests = {UUID(c["contract_id"]): c["digest"] for c in placed["contracts"]}

    def post(self, path: str, token: str, status: int = 200, **body: Any) -> dict[str, Any]:
        return ok(self.api.post(path, token, json=body or None), status)

    def establish(self, contract: UUID) -> None:
        self.post(f"/contracts/{contract}/confirm", self.s.buyer, digest=self.digests[contract])
        self.post(f"/contracts/{contract}/pay", self.s.buyer)

    def ship(self, contract: UUID, shipment: str, weight: str, when: str, **how: str) -> None:
        lines = [{"line_no": 1, "actual_weight": weight}]
        body = {"shipment_id": shipment, "warehouse": "W", "shipped_at": when, "lines": lines}
        self.post(f"/contracts/{contract}/shipments", self.s.integration, 201, **body, **how)

    def order_line(self, listing: UUID) -> int:
        order = ok(self.api.get(f"/orders/{self.order_id}", self.s.buyer))
        return next(ln["line_no"] for ln in order["lines"] if ln["listing_id"] == str(listing))

    def figures(self) -> dict[str, D]:
        self.api.services.projections.catch_up()
        return self.api.services.tracking.company_figures(self.s.account_id)


def run_to_the_end(j: Journey) -> None:
    s, c1, c2 = j.s, j.c1, j.c2
    for contract in (c1, c2):
        j.post(f"/contracts/{contract}/effect", s.manager)
    assert j.figures()["awaiting_confirmation"] == D("37.125")
    j.establish(c1)
    assert (j.figures()["awaiting_confirmation"], j.figures()["not_scheduled"]) == (
        D("27.125"),
        D("10.000"),
    )
    j.establish(c2)
    for contract, fact in ((c2, "scheduled"), (c2, "produced"), (c1, "scheduled")):
        tonnes = "6.000" if contract == c1 else "27.125"
        j.post(f"/contracts/{contract}/production", s.integration, line_no=1, **{fact: tonnes})
    assert j.figures()["not_scheduled"] == D("4.000")
    j.ship(c2, "DS-001", "14.980", "2026-11-27T01:00:00Z", vehicle_plate="鲁L12345")
    j.ship(c2, "DS-002", "12.060", "2026-11-28T01:00:00Z", vessel_name="Rizhao Star")
    j.post(f"/contracts/{c2}/shipping-complete", s.operator, reason="")
    j.ship(c1, "DS-101", "10.200", "2026-11-28T03:00:00Z", vehicle_plate="鲁B00001")
    assert j.figures()["awaiting_settlement_amount"] == D("157532.85")  # 116855.25 + 40677.60
    body = {"certificate_no": "QC-1", "batch_no": "B7781", "shipment_id": "DS-001"}
    j.post(f"/contracts/{c2}/certificates", s.integration, 201, **body)
    for contract in (c1, c2):
        j.post(f"/contracts/{contract}/settlement", s.finance)
    quality = j.post(
        f"/contracts/{c2}/objections",
        s.buyer,
        201,
        kind="quality",
        claimed="500.00",
        description="edge cracks",
    )
    weight = j.post(
        f"/contracts/{c2}/objections",
        s.buyer,
        201,
        kind="quantity",
        claimed="200.00",
        description="short",
        shipment_id="DS-002",
    )
    j.post(
        f"/contracts/{c2}/objections/{quality['objection_id']}",
        s.operator,
        decision="accept",
        compensation="300.00",
    )
    j.post(
        f"/contracts/{c2}/objections/{weight['objection_id']}",
        s.operator,
        decision="reject",
        reason="weighbridge ticket matches",
    )
    shares = [
        {"contract_id": str(c1), "amount": "40677.60"},
        {"contract_id": str(c2), "amount": "100000.00"},
    ]
    j.post("/invoices", s.finance, 201, invoice_no="INV-1", kind="vat_special", shares=shares)
    rest = [{"contract_id": str(c2), "amount": "16855.25"}]
    j.post("/invoices", s.finance, 201, invoice_no="INV-2", kind="ordinary", shares=rest)
    j.post(f"/contracts/{c2}/close", s.finance)
    returns = f"/orders/{j.order_id}/returns"
    lines = [{"line_no": j.order_line(j.plate), "quantity": "2.000"}]
    kept = j.post(returns, s.buyer, 201, lines=lines, reason="wrong grade")["return_id"]
    j.post(f"{returns}/{kept}/review", s.operator, decision="approve", note="ok")
    j.post(f"{returns}/{kept}/receive", s.integration)
    j.post(f"{returns}/{kept}/refund", s.finance)
    lines = [{"line_no": j.order_line(j.coil), "quantity": "1.000"}]
    refused = j.post(returns, s.buyer, 201, lines=lines, reason="rust")["return_id"]
    j.post(f"{returns}/{refused}/review", s.operator, decision="reject", note="no defect")
