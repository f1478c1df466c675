"""A sales organisation for the reports: a director over two supervisors, each with one
manager (east, north), three customers, two products with their own commission rates, and the
steps that take a checkout to a post-settled contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.catalog.listing import Listing
from domain.context import Role
from domain.unit_of_work import UnitOfWork
from domain.values import Money
from tests.api.conftest import Api
from tests.api.trading_support import Stage, acting_as, stage


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Org:
    s: Stage
    director_id: UUID
    director: str
    east_lead_id: UUID  # supervisor of the east manager
    east_lead: str
    north_lead_id: UUID
    north_lead: str
    north_manager_id: UUID
    north_manager: str
    auditor: str
    buyers: dict[str, tuple[UUID, str]]  # "c1" east, "c2" north, "c3" east: (account, token)
    coil: UUID  # listing: HRC at 4,000.00 (global rate 1 %)
    plate: UUID  # listing: WIRE (rod) at 5,000.00 (its product's own rate 2 %)
    plate_product: UUID

    @property
    def api(self) -> Api:
        return self.s.api

    def sign_in_again(self) -> None:
        """Fresh tokens for everyone (after the clock moved past their expiry)."""
        api, s = self.api, self.s
        s.operator, s.finance, s.manager = (api.login(f"139000000{n:02d}") for n in (1, 2, 4))
        s.integration, self.auditor = api.login("13900000007"), api.login("13900000003")
        self.director, self.east_lead = api.login("13900000008"), api.login("13900000006")
        self.north_lead, self.north_manager = api.login("13900000009"), api.login("13900000005")
        for n in (1, 2, 3):
            account_id, _ = self.buyers[f"c{n}"]
            self.buyers[f"c{n}"] = (account_id, api.login(f"1380000000{n}"))
        s.buyer = self.buyers["c1"][1]

    def checkout(self, buyer: str, listing: UUID, tonnes: str) -> dict[str, Any]:
        _, token = self.buyers[buyer]
        ok(
            self.api.post(
                "/cart/items", token, json={"listing_id": str(listing), "quantity": tonnes}
            )
        )
        placed = ok(
            self.api.post("/cart/checkout", token, json={"delivery_address": "1 Harbour Road"}),
            201,
        )
        [contract] = placed["contracts"]
        return {**placed, "contract_id": contract["contract_id"]}

    def settle(self, buyer: str, contract_id: str, shipped: str, n: int) -> dict[str, Any]:
        """Effective, confirmed, paid, produced, shipped on ``shipped`` tonnes, post-settled."""
        api, s = self.api, self.s
        _, token = self.buyers[buyer]
        ok(api.post(f"/contracts/{contract_id}/effect", s.operator))
        digest = ok(api.get(f"/contracts/{contract_id}", token))["digest"]
        ok(api.post(f"/contracts/{contract_id}/confirm", token, json={"digest": digest}))
        ok(api.post(f"/contracts/{contract_id}/pay", token))
        production = f"/contracts/{contract_id}/production"
        ok(api.post(production, s.integration, json={"line_no": 1, "scheduled": shipped}))
        ok(api.post(production, s.integration, json={"line_no": 1, "produced": shipped}))
        shipment = {
            "shipment_id": f"DS-{n}",
            "warehouse": "Rizhao",
            "shipped_at": "2026-11-26T03:00:00Z",
            "vehicle_plate": "鲁L12345",
            "lines": [{"line_no": 1, "actual_weight": shipped}],
        }
        url = f"/contracts/{contract_id}/shipments"
        if ok(api.post(url, s.integration, json=shipment), 201)["state"] != "shipped":
            complete = f"/contracts/{contract_id}/shipping-complete"
            ok(api.post(complete, s.operator, json={"reason": ""}))
        return ok(api.post(f"/contracts/{contract_id}/settlement", s.finance))


def organisation(api: Api) -> Org:
    s = stage(api)  # company 1 (east), bound to the east manager
    director_id, director = api.enroll("13900000008", Role.DIRECTOR)
    east_lead_id, east_lead = api.enroll("13900000006", Role.SUPERVISOR)
    north_lead_id, north_lead = api.enroll("13900000009", Role.SUPERVISOR)
    north_manager_id, north_manager = api.enroll("13900000005", Role.MANAGER, "north")
    _, auditor = api.enroll("13900000003", Role.AUDITOR)
    for member, lead in (
        (s.manager_id, east_lead_id),
        (north_manager_id, north_lead_id),
        (east_lead_id, director_id),
        (north_lead_id, director_id),
    ):
        ok(api.post(f"/staff/{member}/team", s.operator, json={"lead_id": str(lead)}))
    api.import_registry(s.operator, (2, "north"), (3, "east"))
    buyers = {"c1": (s.account_id, s.buyer)}
    for n, region in ((2, "north"), (3, "east")):
        account_id, token = api.register(f"1380000000{n}")
        ok(api.post(f"/accounts/{account_id}/company", token, json=api.company(n, region)))
        buyers[f"c{n}"] = (account_id, token)
    coil = s.listing(quantity="500.000", price="4000.00")
    plate = s.listing(quantity="500.000", price="5000.00", category="WIRE")
    plate_product = UnitOfWork(api.services.ledger).get(Listing, plate).product.product_id
    for account_id, _ in buyers.values():
        for category in ("HRC", "WIRE"):
            with acting_as(api, s.finance_id, Role.FINANCE):
                reference = f"BANK-{account_id.hex[:8]}-{category}"
                api.services.funds.record_payment(
                    account_id, Money.parse("500000.00"), reference, category
                )
    rates = {
        "global_rate": "1.00",
        "product_rates": [{"product_id": str(plate_product), "rate": "2.00"}],
    }
    ok(api.post("/commissions/rates", s.finance, json=rates))
    return Org(
        s, director_id, director, east_lead_id, east_lead, north_lead_id, north_lead,
        north_manager_id, north_manager, auditor, buyers, coil, plate, UUID(str(plate_product)),
    )  # fmt: skip
