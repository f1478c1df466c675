"""A certified, funded customer and an on-shelf listing: the stage for trading tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain import context
from domain.catalog.catalog import ProductAttributes
from domain.context import CommandContext, Role
from domain.values import Money, Quantity, UnitPrice
from tests.api.conftest import Api


@contextmanager
def acting_as(api: Api, user_id: UUID, role: Role) -> Iterator[None]:
    actor = api.services.identity.actor_for(user_id, role, None)
    with context.acting(CommandContext(actor=actor, clock=api.clock)):
        yield


@dataclass
class Stage:
    api: Api
    operator_id: UUID
    operator: str
    finance_id: UUID
    finance: str
    manager_id: UUID
    manager: str
    integration: str
    account_id: UUID
    buyer: str

    def listing(
        self,
        quantity: str = "100.000",
        price: str = "4321.57",
        warehouse: str = "Rizhao",
        category: str = "HRC",
        **terms: Any,
    ) -> UUID:
        with acting_as(self.api, self.operator_id, Role.OPERATOR):
            catalog = self.api.services.catalog
            catalog.define_default_categories()
            product = catalog.add_product(
                category,
                "Hot-rolled coil" if category == "HRC" else category,
                _attributes(category),
            ).result["product_id"]
            listing = catalog.create_listing(
                product, warehouse, Quantity.parse(quantity), UnitPrice.parse(price), **terms
            ).result["listing_id"]
            catalog.publish_listing(listing)
        return UUID(str(listing))

    def fund(self, amount: str, category: str = "HRC", reference: str = "BANK-1") -> None:
        with acting_as(self.api, self.finance_id, Role.FINANCE):
            self.api.services.funds.record_payment(
                self.account_id, Money.parse(amount), reference, category
            )

    def statement(self) -> dict[str, Any]:
        with acting_as(self.api, self.finance_id, Role.FINANCE):
            return self.api.services.funds.statement(self.account_id)


def _attributes(category: str) -> ProductAttributes:
    if category == "WIRE":
        return ProductAttributes(
            grade="SWRH82B",
            standard="GB/T 24238",
            mill="Rizhao Steel",
            extra=(("diameter", "12.5"),),
        )
    return ProductAttributes(
        grade="Q235B",
        thickness=Decimal("3.0"),
        width=Decimal("1500"),
        surface="black",
        standard="GB/T 3274",
        mill="Rizhao Steel",
    )


def stage(api: Api, phone: str = "13800000001", n: int = 1) -> Stage:
    operator_id, operator = api.enroll("13900000001", Role.OPERATOR)
    finance_id, finance = api.enroll("13900000002", Role.FINANCE)
    manager_id, manager = api.enroll("13900000004", Role.MANAGER, "east")
    _, integration = api.enroll("13900000007", Role.INTEGRATION)
    api.import_registry(operator, (n, "east"))
    account_id, buyer = api.register(phone)
    bound = api.post(f"/accounts/{account_id}/company", buyer, json=api.company(n, "east"))
    assert bound.json()["manager_id"] == str(manager_id), bound.text
    return Stage(
        api,
        operator_id,
        operator,
        finance_id,
        finance,
        manager_id,
        manager,
        integration,
        account_id,
        buyer,
    )
