"""The catalog and spot listings over HTTP: operators build the tree, products and listings;
buyers find only what is on shelf and sold into their region, priced for it; staff see all;
bad input is refused with a stable code and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.context import Role
from tests.api.conftest import Api

COIL = {"grade": "Q235B", "thickness": "3.0", "width": "1500", "standard": "GB/T 3274"}
THICK_COIL = COIL | {"grade": "Q355B", "thickness": "4.75", "mill": "日照钢铁"}
PLATE = {
    "grade": "Q345R",
    "thickness": "20",
    "width": "2200",
    "length": "10000",
    "standard": "GB/T 713",
    "mill": "日照钢铁",
}
WIRE = {"grade": "SWRH82B", "standard": "GB/T 24238", "extra": {"diameter": "12.5"}}


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


@dataclass
class Desk:
    """An operator at work, and buyers in the east and the north."""

    api: Api
    operator: str
    east: str
    north: str
    east_account: UUID
    position: int = 0

    def post(self, path: str, body: Any = None, token: str | None = None, status: int = 200) -> Any:
        answer = _ok(self.api.post(path, token or self.operator, json=body), status)
        self.position = max(self.position, answer["position"])
        return answer

    def product(self, category: str, name: str, attributes: dict[str, Any]) -> str:
        body = {"category": category, "name": name, "attributes": attributes}
        return str(self.post("/catalog/products", body, status=201)["product_id"])

    def listing(self, product: str, price: str, publish: bool = True, **extra: Any) -> str:
        body = {"product_id": product, "warehouse": "日照 Rizhao", "quantity": "500"}
        created = self.post("/listings", body | {"list_price": price} | extra, status=201)
        if publish:
            self.post(f"/listings/{created['listing_id']}/publish")
        return str(created["listing_id"])

    def search(self, token: str | None = None, **params: Any) -> dict[str, Any]:
        query = {"wait_for": self.position, **params}
        return _ok(self.api.get("/listings", token or self.operator, params=query))

    def ids(self, token: str | None = None, **params: Any) -> list[str]:
        return [row["listing_id"] for row in self.search(token, **params)["data"]]


@pytest.fixture
def desk(api: Api, operator: str) -> Desk:
    api.import_registry(operator, (1, "east"), (2, "north"))
    east_account, east = api.register("13800000001")
    north_account, north = api.register("13800000002")
    _ok(api.post(f"/accounts/{east_account}/company", east, json=api.company(1, "east")))
    _ok(api.post(f"/accounts/{north_account}/company", north, json=api.company(2, "north")))
    desk = Desk(api, operator, east, north, east_account)
    desk.post("/catalog/categories/defaults")
    return desk


@dataclass
class Shelf:
    coil: str  # HRC Q235B 3.0x1500, 4321.57, north +50.00, east -30.00
    thick: str  # HRC Q355B 4.75x1500 at Qingdao, 4800.00, sold in the north only
    plate: str  # PLATE Q345R, 4500.00, sold everywhere
    wire: str  # WIRE SWRH82B, 3900.00, a draft


@pytest.fixture
def shelf(desk: Desk) -> Shelf:
    deltas = [{"region": "north", "delta": "50.00"}, {"region": "east", "delta": "-30.00"}]
    coil = desk.listing(desk.product("HRC", "HRC Q235B 3.0x1500", COIL), "4321.57", regional=deltas)
    thick = desk.listing(
        desk.product("HRC", "HRC Q355B 4.75x1500", THICK_COIL),
        "4800.00",
        warehouse="青岛 Qingdao",
        saleable_regions=["north"],
    )
    plate = desk.listing(desk.product("PLATE", "PLATE Q345R 20x2200x10000", PLATE), "4500.00")
    wire = desk.listing(desk.product("WIRE", "WIRE SWRH82B 12.5mm", WIRE), "3900.00", False)
    return Shelf(coil, thick, plate, wire)


@pytest.fixture
def draft(desk: Desk) -> str:
    """A single listing, never published."""
    return desk.listing(desk.product("WIRE", "WIRE SWRH82B 12.5mm", WIRE), "3900.00", False)


# ---- catalog ---------------------------------------------------------------------------------
def test_operator_builds_the_tree_and_files_products(desk: Desk) -> None:
    api = desk.api
    desk.post(
        "/catalog/categories",
        {"code": "hrc_pickled", "name": "酸洗卷", "parent": "hrc"},
        status=201,
    )
    listed = _ok(api.get("/catalog/categories", desk.east))
    tree = listed["data"]
    assert [root["code"] for root in tree] == ["METAL"] and listed["count"] == 9
    steel = tree[0]["children"][0]
    hrc = next(c for c in steel["children"] if c["code"] == "HRC")
    assert hrc["template"] == ["grade", "standard", "thickness", "width"]
    assert [c["code"] for c in hrc["children"]] == ["HRC_PICKLED"]
    product = desk.product("HRC_PICKLED", "Pickled Q235B", COIL | {"surface": "pickled"})
    seen = _ok(api.get(f"/catalog/products/{product}", desk.east))
    assert seen["category"] == "HRC_PICKLED"
    assert seen["attributes"]["thickness"] == "3.0"
    assert seen["attributes"]["length"] is None and seen["attributes"]["extra"] == {}


def test_a_wire_product_carries_its_diameter_as_an_extra_attribute(desk: Desk) -> None:
    product = desk.product("WIRE", "WIRE SWRH82B 12.5mm", WIRE)
    seen = _ok(desk.api.get(f"/catalog/products/{product}", desk.operator))
    assert seen["attributes"]["extra"] == {"diameter": "12.5"}


# ---- buyers' search --------------------------------------------------------------------------
def test_buyer_finds_on_shelf_listings_sold_into_its_region_priced_for_it(
    desk: Desk, shelf: Shelf
) -> None:
    east = desk.search(desk.east)
    assert east["region"] == "east" and east["count"] == 2
    prices = {row["listing_id"]: row["price_in_region"] for row in east["data"]}
    assert prices == {shelf.coil: "4291.57", shelf.plate: "4500.00"}
    north = {row["listing_id"]: row["price_in_region"] for row in desk.search(desk.north)["data"]}
    assert north == {shelf.coil: "4371.57", shelf.thick: "4800.00", shelf.plate: "4500.00"}
    row = desk.search(desk.east, q="q235")["data"][0]
    assert row["list_price"] == "4321.57" and row["status"] == "on_shelf"
    assert row["category_path"] == ["METAL", "STEEL", "HRC"]
    assert row["regional"] == [
        {"region": "east", "delta": "-30.00"},
        {"region": "north", "delta": "50.00"},
    ]
    assert row["stock"] == {
        "supplied": "500.000",
        "reserved": "0.000",
        "sold": "0.000",
        "remaining": "500.000",
    }


def test_buyer_region_cannot_be_chosen_and_drafts_stay_hidden(desk: Desk, shelf: Shelf) -> None:
    found = desk.search(desk.east, region="north", status="draft")
    assert found["region"] == "east"
    assert shelf.thick not in [row["listing_id"] for row in found["data"]]
    assert shelf.wire not in [row["listing_id"] for row in found["data"]]


def test_a_buyer_without_a_company_finds_what_is_sold_everywhere_at_list_price(
    desk: Desk, shelf: Shelf
) -> None:
    _, newcomer = desk.api.register("13800000003")
    found = desk.search(newcomer)
    assert found["region"] is None
    prices = {row["listing_id"]: row["price_in_region"] for row in found["data"]}
    assert prices == {shelf.coil: "4321.57", shelf.plate: "4500.00"}


def test_a_withdrawn_listing_disappears_and_comes_back_when_published(
    desk: Desk, shelf: Shelf
) -> None:
    desk.post(f"/listings/{shelf.coil}/withdraw", {"reason": "re-measuring"})
    assert desk.ids(desk.east) == [shelf.plate]
    assert desk.ids(status="withdrawn") == [shelf.coil]
    desk.post(f"/listings/{shelf.coil}/publish")
    assert shelf.coil in desk.ids(desk.east)


def test_a_scheduled_listing_shows_only_inside_its_window(desk: Desk, shelf: Shelf) -> None:
    now = desk.api.clock()
    window = {
        "on_shelf_at": (now + timedelta(hours=2)).isoformat(),
        "off_shelf_at": (now + timedelta(hours=5)).isoformat(),
    }
    desk.post(f"/listings/{shelf.wire}/publish", window)
    assert shelf.wire not in desk.ids(desk.east)
    assert desk.ids(status="scheduled") == [shelf.wire]
    desk.api.clock.advance(hours=3)  # tokens last an hour: sign in again
    desk.operator, desk.east = desk.api.login("13900000001"), desk.api.login("13800000001")
    assert shelf.wire in desk.ids(desk.east)
    desk.api.clock.advance(minutes=120)
    desk.operator, desk.east = desk.api.login("13900000001"), desk.api.login("13800000001")
    assert shelf.wire not in desk.ids(desk.east)
    assert desk.ids(status="expired") == [shelf.wire]


# ---- staff search: filters, sort, paging -----------------------------------------------------
def test_staff_see_every_listing_with_its_status(desk: Desk, shelf: Shelf) -> None:
    found = desk.search()
    assert found["count"] == 4 and found["region"] is None
    statuses = {row["listing_id"]: row["status"] for row in found["data"]}
    assert statuses[shelf.wire] == "draft" and statuses[shelf.coil] == "on_shelf"
    assert all(row["price_in_region"] is None for row in found["data"])
    assert desk.ids(status="draft") == [shelf.wire]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "STEEL"}, ["coil", "thick", "plate", "wire"]),
        ({"category": "hrc"}, ["coil", "thick"]),
        ({"category": "METAL", "grade": "q345r"}, ["plate"]),
        ({"thickness_min": "3.5", "thickness_max": "20"}, ["thick", "plate"]),
        ({"thickness_max": "3.0"}, ["coil"]),
        ({"width": "1500.0"}, ["coil", "thick"]),
        ({"warehouse": "青岛 Qingdao"}, ["thick"]),
        ({"mill": "日照钢铁"}, ["thick", "plate"]),
        ({"price_min": "4321.57", "price_max": "4500.00"}, ["coil", "plate"]),
        ({"price_max": "4321.56"}, ["wire"]),
        ({"q": "swrh"}, ["wire"]),
        ({"q": "100%"}, []),
        ({"region": "east"}, ["coil", "plate", "wire"]),
        ({"region": "east", "price_max": "4300.00"}, ["coil", "wire"]),
    ],
)
def test_staff_filters(
    desk: Desk, shelf: Shelf, params: dict[str, str], expected: list[str]
) -> None:
    names = {getattr(shelf, name): name for name in ("coil", "thick", "plate", "wire")}
    found = [names[i] for i in desk.ids(**params, sort="price_asc")]
    assert sorted(found) == sorted(expected)


def test_sort_by_price_and_newest_with_paging(desk: Desk, shelf: Shelf) -> None:
    assert desk.ids(sort="price_asc") == [shelf.wire, shelf.coil, shelf.plate, shelf.thick]
    assert desk.ids(sort="price_desc") == [shelf.thick, shelf.plate, shelf.coil, shelf.wire]
    assert desk.ids() == [shelf.wire, shelf.plate, shelf.thick, shelf.coil]  # newest first
    page = desk.search(sort="price_asc", limit=2, offset=1)
    assert [row["listing_id"] for row in page["data"]] == [shelf.coil, shelf.plate]
    assert (page["count"], page["limit"], page["offset"]) == (4, 2, 1)
    north = desk.search(desk.north, sort="price_desc")["data"]
    assert [row["price_in_region"] for row in north] == ["4800.00", "4500.00", "4371.57"]


def test_price_and_terms_changes_reach_the_search(desk: Desk, shelf: Shelf) -> None:
    desk.post(
        f"/listings/{shelf.plate}/prices",
        {"list_price": "4450.50", "regional": [{"region": "east", "delta": "20.00"}]},
    )
    desk.post(
        f"/listings/{shelf.coil}/terms",
        {"min_quantity": "5", "step": "0.5", "saleable_regions": ["north"], "warning_line": "600"},
    )
    east = {row["listing_id"]: row for row in desk.search(desk.east)["data"]}
    assert list(east) == [shelf.plate]
    assert (east[shelf.plate]["price_in_region"], east[shelf.plate]["price_version"]) == (
        "4470.50",
        2,
    )
    coil = desk.search(q="Q235B")["data"][0]
    assert (coil["min_quantity"], coil["step"], coil["warning_line"]) == (
        "5.000",
        "0.500",
        "600.000",
    )
    assert coil["low_stock"] is True and coil["saleable_regions"] == ["north"]
    assert desk.ids(low_stock="true") == [shelf.coil]
    desk.post(f"/listings/{shelf.coil}/restock", {"quantity": "100.5"})
    coil = desk.search(q="Q235B")["data"][0]
    assert (coil["stock"]["supplied"], coil["low_stock"]) == ("600.500", False)


def test_limit_is_bounded(desk: Desk) -> None:
    _problem(
        desk.api.get("/listings", desk.operator, params={"limit": 501}), 422, "validation_error"
    )


# ---- one listing: buyer's price, staff's view, customer prices, price book -------------------
def test_buyer_sees_its_own_price_and_staff_see_the_price_rules(desk: Desk, shelf: Shelf) -> None:
    api = desk.api
    desk.post(f"/listings/{shelf.coil}/prices", {"levels": [{"level": "vip", "ratio": "0.98"}]})
    desk.post(f"/accounts/{desk.east_account}/level", {"level": "vip"})
    mine = _ok(api.get(f"/listings/{shelf.coil}", desk.east))
    assert mine["your_price"]["unit_price"] == "4205.14"  # 4,321.57 x 0.98 = 4,235.14; -30
    assert mine["your_price"]["rule"] == "level_ratio:vip"
    assert "levels" not in mine and "customer_prices" not in mine
    staff = _ok(api.get(f"/listings/{shelf.coil}", desk.operator))
    assert staff["levels"] == [{"level": "vip", "fixed": None, "ratio": "0.98"}]
    assert "your_price" not in staff
    _problem(api.get(f"/listings/{shelf.thick}", desk.east), 404, "not_found")
    _problem(api.get(f"/listings/{shelf.wire}", desk.east), 404, "not_found")
    assert _ok(api.get(f"/listings/{shelf.wire}", desk.operator))["status"] == "draft"


def test_customer_price_is_set_by_finance_and_seen_by_that_customer_only(
    desk: Desk, shelf: Shelf
) -> None:
    api = desk.api
    _, finance = api.enroll("13900000002", Role.FINANCE)
    path = f"/listings/{shelf.coil}/customer-prices"
    body = {"account_id": str(desk.east_account), "price": "4100.00"}
    _problem(api.post(path, desk.east, json=body), 403, "forbidden")
    desk.post(path, body, token=finance)
    assert (
        _ok(api.get(f"/listings/{shelf.coil}", desk.east))["your_price"]["unit_price"] == "4100.00"
    )
    north = _ok(api.get(f"/listings/{shelf.coil}", desk.north))["your_price"]
    assert (north["unit_price"], north["rule"]) == ("4371.57", "list")
    desk.post(f"{path}/{desk.east_account}/remove", token=finance)
    assert _ok(api.get(f"/listings/{shelf.coil}", desk.east))["your_price"]["rule"] == "list"
    _problem(api.post(f"{path}/{desk.east_account}/remove", finance), 404, "not_found")


def test_a_manager_prices_only_its_bound_customers(desk: Desk, shelf: Shelf) -> None:
    api = desk.api
    _, manager = api.enroll("13900000009", Role.MANAGER, "south")  # binds nobody here
    body = {"account_id": str(desk.east_account), "price": "4100.00"}
    head = api.services.ledger.head()
    _problem(
        api.post(f"/listings/{shelf.coil}/customer-prices", manager, json=body), 404, "not_found"
    )
    assert api.services.ledger.head() == head


def test_any_past_price_version_is_replayed(desk: Desk, shelf: Shelf) -> None:
    api = desk.api
    desk.post(f"/listings/{shelf.coil}/prices", {"list_price": "4400.00"})
    _, auditor = api.enroll("13900000003", Role.AUDITOR)
    first = _ok(api.get(f"/listings/{shelf.coil}/price-book", auditor, params={"version": 1}))
    assert (first["list_price"], first["price_version"]) == ("4321.57", 1)
    assert first["regional"][0] == {"region": "north", "delta": "50.00"}
    second = _ok(api.get(f"/listings/{shelf.coil}/price-book", auditor, params={"version": 2}))
    assert second["list_price"] == "4400.00"
    book = f"/listings/{shelf.coil}/price-book"
    _problem(api.get(book, auditor, params={"version": 3}), 404, "not_found")
    _problem(api.get(book, desk.east, params={"version": 1}), 403, "forbidden")


def test_creating_a_listing_twice_with_one_idempotency_key_creates_one(desk: Desk) -> None:
    product = desk.product("PLATE", "PLATE Q345R", PLATE)
    body = {"product_id": product, "warehouse": "日照", "quantity": "80", "list_price": "4500.00"}
    headers = {"Idempotency-Key": "listing-1"}
    first = _ok(desk.api.post("/listings", desk.operator, json=body, headers=headers), 201)
    again = _ok(desk.api.post("/listings", desk.operator, json=body, headers=headers), 201)
    assert first["listing_id"] == again["listing_id"]
    desk.position = again["position"]
    assert desk.search()["count"] == 1


# ---- refusals --------------------------------------------------------------------------------
LISTING = {"warehouse": "日照 Rizhao", "quantity": "100", "list_price": "4321.57"}


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"list_price": "4321.575"}, 422, "invalid_price"),
        ({"list_price": 4321.57}, 422, "validation_error"),
        ({"list_price": "0.00"}, 422, "invalid_price"),
        ({"list_price": "abc"}, 422, "invalid_price"),
        ({"quantity": "-5"}, 422, "invalid_quantity"),
        ({"quantity": "1.0005"}, 422, "invalid_quantity"),
        ({"min_quantity": "0"}, 422, "invalid_terms"),
        ({"warning_line": "-1"}, 422, "invalid_terms"),
        ({"warehouse": "  "}, 422, "required"),
        ({"regional": [{"region": "north", "delta": "50.001"}]}, 422, "invalid_amount"),
        ({"regional": [{"region": "north", "delta": "-4321.57"}]}, 422, "invalid_price"),
        ({"levels": [{"level": "vip", "ratio": "1.5"}]}, 422, "invalid_ratio"),
        ({"levels": [{"level": "vip", "ratio": "x"}]}, 422, "invalid_ratio"),
        ({"levels": [{"level": "gold", "fixed": "4000.00"}]}, 422, "unknown_level"),
        ({"levels": [{"level": "vip"}]}, 422, "invalid_level_price"),
        ({"product_id": str(uuid4())}, 404, "not_found"),
        ({"colour": "blue"}, 422, "validation_error"),
    ],
)
def test_bad_listing_is_refused_and_writes_nothing(
    desk: Desk, change: dict[str, Any], status: int, code: str
) -> None:
    product = desk.product("PLATE", "PLATE Q345R", PLATE)
    head = desk.api.services.ledger.head()
    body = {"product_id": product, **LISTING, **change}
    _problem(desk.api.post("/listings", desk.operator, json=body), status, code)
    assert desk.api.services.ledger.head() == head


@pytest.mark.parametrize(
    ("category", "attributes", "code"),
    [
        ("NOPE", COIL, "unknown_category"),
        ("STEEL", COIL, "not_a_leaf_category"),
        ("HRC", {"grade": "Q235B"}, "missing_attribute"),
        ("HRC", COIL | {"width": "-1"}, "invalid_attribute"),
        ("HRC", COIL | {"width": "1,500"}, "invalid_attribute"),
        ("HRC", COIL | {"width": 1500}, "validation_error"),
        ("WIRE", WIRE | {"extra": {"grade": "x"}}, "invalid_attribute"),
    ],
)
def test_bad_product_is_refused_and_writes_nothing(
    desk: Desk, category: str, attributes: dict[str, Any], code: str
) -> None:
    head = desk.api.services.ledger.head()
    body = {"category": category, "name": "x", "attributes": attributes}
    _problem(desk.api.post("/catalog/products", desk.operator, json=body), 422, code)
    assert desk.api.services.ledger.head() == head


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"code": "X1", "name": "x", "parent": "NOPE"}, 422, "unknown_category"),
        ({"code": "HRC", "name": "again"}, 409, "duplicate_code"),
        ({"code": "1BAD", "name": "x"}, 422, "invalid_code"),
        ({"code": "X1", "name": " "}, 422, "required"),
    ],
)
def test_bad_category_is_refused_and_writes_nothing(
    desk: Desk, body: dict[str, Any], status: int, code: str
) -> None:
    head = desk.api.services.ledger.head()
    _problem(desk.api.post("/catalog/categories", desk.operator, json=body), status, code)
    assert desk.api.services.ledger.head() == head


@pytest.mark.parametrize(
    ("action", "body", "status", "code"),
    [
        ("withdraw", None, 409, "invalid_transition"),  # a draft was never published
        ("publish", {"on_shelf_at": "2026-12-01T08:00:00"}, 422, "invalid_window"),
        ("publish", {"off_shelf_at": "2026-11-01T08:00:00Z"}, 422, "invalid_window"),
        ("restock", {"quantity": "0"}, 422, "invalid_quantity"),
        ("restock", {"quantity": "-3.5"}, 422, "invalid_quantity"),
        ("prices", {}, 422, "validation_error"),
        ("prices", {"list_price": "4000.001"}, 422, "invalid_price"),
        ("terms", {"min_quantity": "1", "step": "-1"}, 422, "invalid_terms"),
        (
            "customer-prices",
            {"account_id": "EAST", "price": "4000.00", "valid_from": "2026-12-01T00:00:00"},
            422,
            "invalid_window",
        ),
        ("customer-prices", {"account_id": "EAST", "price": "4000.005"}, 422, "invalid_price"),
        ("customer-prices", {"account_id": str(uuid4()), "price": "4000.00"}, 404, "not_found"),
    ],
)
def test_bad_listing_commands_are_refused_and_write_nothing(
    desk: Desk, draft: str, action: str, body: dict[str, Any] | None, status: int, code: str
) -> None:
    if body and body.get("account_id") == "EAST":
        body = body | {"account_id": str(desk.east_account)}
    head = desk.api.services.ledger.head()
    response = desk.api.post(f"/listings/{draft}/{action}", desk.operator, json=body)
    _problem(response, status, code)
    assert desk.api.services.ledger.head() == head


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/catalog/categories", {"code": "X1", "name": "x"}),
        ("/catalog/categories/defaults", None),
        ("/catalog/products", {"category": "HRC", "name": "x", "attributes": COIL}),
        ("/listings", {"product_id": str(uuid4()), **LISTING}),
        ("/listings/{listing}/withdraw", None),
        ("/listings/{listing}/prices", {"list_price": "1.00"}),
        ("/listings/{listing}/restock", {"quantity": "1"}),
    ],
)
def test_buyers_may_not_manage_the_catalog(
    desk: Desk, draft: str, path: str, body: dict[str, Any] | None
) -> None:
    head = desk.api.services.ledger.head()
    response = desk.api.post(path.format(listing=draft), desk.east, json=body)
    _problem(response, 403, "forbidden")
    assert desk.api.services.ledger.head() == head


def test_unknown_listing_is_not_found(desk: Desk) -> None:
    _problem(desk.api.get(f"/listings/{uuid4()}", desk.operator), 404, "not_found")
    _problem(desk.api.post(f"/listings/{uuid4()}/publish", desk.operator), 404, "not_found")
    _problem(desk.api.get(f"/catalog/products/{uuid4()}", desk.operator), 404, "not_found")


def test_search_refuses_bad_filters(desk: Desk) -> None:
    api = desk.api
    _problem(api.get("/listings", desk.east, params={"price_min": "1.001"}), 422, "invalid_price")
    for params in ({"thickness_min": "abc"}, {"sort": "cheapest"}, {"status": "sold"}):
        _problem(api.get("/listings", desk.operator, params=params), 422, "validation_error")
    _problem(api.get("/listings"), 401, "unauthenticated")
