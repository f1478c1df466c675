"""Chinese for Chinese users: problem details in the client's language, labels beside codes,
the listing search by Chinese category name and warehouse city, names in /me."""

from __future__ import annotations

import pytest

from tests.api.test_read_waits import stop_balances
from tests.api.trading_support import stage


@pytest.mark.parametrize(
    "header", ["zh-CN", "zh", "zh-Hans", "en;q=0.5, zh-CN;q=0.9", "zh-TW", "zh-HK", "zh-Hant"]
)
def test_a_problem_is_in_chinese_when_the_client_prefers_it(api, header: str) -> None:
    s = stage(api)
    coil = s.listing(quantity="7.000", price="4000.00")

    refused = api.post(
        "/cart/items",
        s.buyer,
        json={"listing_id": str(coil), "quantity": "8.000"},
        headers={"Accept-Language": header},
    )

    assert refused.json()["code"] == "oversold"
    assert refused.json()["detail"] == "库存不足：仅剩 7.000 吨可售。"
    assert refused.headers["Content-Language"] == "zh-CN"


@pytest.mark.parametrize("header", [None, "en-US", "zh-CN;q=0.3, en;q=0.8", "zh;q=0, fr"])
def test_a_problem_is_in_english_otherwise(api, header: str | None) -> None:
    headers = {"Accept-Language": header} if header else {}
    refused = api.post("/accounts", json={"phone": "123", "password": "x"}, headers=headers)

    assert refused.status_code == 422
    assert refused.headers["Content-Language"] == "en"
    assert refused.json()["detail"].isascii()


def test_an_unauthenticated_problem_is_in_chinese(api) -> None:
    answer = api.get("/me", headers={"Accept-Language": "zh-CN"})

    assert answer.status_code == 401
    assert answer.json()["detail"] == "请先登录。"


def test_the_listing_search_finds_a_chinese_category_name_and_a_warehouse_city(api) -> None:
    s = stage(api)
    rizhao = s.listing(warehouse="日照 Rizhao")
    s.listing(warehouse="青岛 Qingdao")
    s.listing(warehouse="日照 Rizhao", category="WIRE")

    head = {"wait_for": api.services.ledger.head()}
    by_name = api.get(
        "/listings", s.operator, params={"category": "热轧卷板", "warehouse": "日照"} | head
    ).json()
    by_parent = api.get(
        "/listings", s.operator, params={"category": "钢材", "warehouse": "rizhao"} | head
    ).json()

    assert [row["listing_id"] for row in by_name["data"]] == [str(rizhao)]
    assert by_parent["count"] == 2


def test_me_names_the_user_and_company_and_a_managers_customers(api) -> None:
    s = stage(api)

    buyer = api.get("/me", s.buyer).json()
    manager = api.get("/me", s.manager).json()

    assert buyer["company_name"] == "Company 1" and buyer["name"]
    assert manager["name"]
    assert manager["customer_companies"] == [
        {
            "account_id": str(s.account_id),
            "company_name": "Company 1",
            "region": "east",
            "level": "ordinary",
            "level_label": "普通会员",
        }
    ]


def test_an_account_has_its_certification_and_level_labels(api) -> None:
    s = stage(api)

    account = api.get(f"/accounts/{s.account_id}", s.buyer).json()

    assert (account["certification"], account["certification_label"]) == ("certified", "已认证")
    assert account["level_label"] == "普通会员"


def test_a_listing_has_its_state_and_shelf_status_labels(api) -> None:
    s = stage(api)
    coil = s.listing()

    one = api.get(f"/listings/{coil}", s.buyer).json()
    found = api.get("/listings", s.buyer, params={"wait_for": api.services.ledger.head()}).json()

    assert (one["state"], one["state_label"]) == ("published", "已发布")
    assert (one["status"], one["status_label"]) == ("on_shelf", "在售")
    assert [(r["status"], r["status_label"]) for r in found["data"]] == [("on_shelf", "在售")]
    withdrawn = api.post(f"/listings/{coil}/withdraw", s.operator, json={"reason": "sold off"})
    assert withdrawn.status_code == 200, withdrawn.text
    again = api.get(f"/listings/{coil}", s.operator).json()
    assert (again["status"], again["status_label"]) == ("withdrawn", "已撤回")


def test_journal_entries_and_refund_requests_have_chinese_labels(api) -> None:
    s = stage(api)
    s.fund("5000.00")
    asked = api.post(
        f"/funds/{s.account_id}/refunds",
        s.buyer,
        json={"source": "HRC", "amount": "1000.00", "memo": "退回多付款"},
    )
    assert asked.status_code == 201, asked.text
    wait = {"wait_for": api.services.ledger.head()}

    journal = api.get(f"/funds/{s.account_id}/journal", s.buyer, params=wait).json()
    requests = api.get("/tracking/refunds-transfers", s.buyer, params=wait).json()

    labels = {(e["kind"], e["kind_label"]) for e in journal["data"]}
    assert {("payment", "来款入账"), ("refund_requested", "退款申请")} <= labels
    assert [(r["kind_label"], r["status_label"]) for r in requests["data"]] == [("退款", "待审核")]


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_too_large_is_refused_in_chinese(api, declared: bool) -> None:
    body = b'{"phone": "13800000001", "password": "Secret-123", "pad": "' + b"x" * 2_000_000 + b'"}'
    headers = {"Content-Type": "application/json", "Accept-Language": "zh-CN"}

    if declared:
        refused = api.post("/accounts", content=body, headers=headers)
    else:  # no Content-Length: the limit is met while the body streams in
        refused = api.post("/accounts", content=iter([body[:500_000]] * 5), headers=headers)

    assert refused.status_code == 413
    assert (refused.json()["code"], refused.json()["detail"]) == (
        "payload_too_large",
        "请求内容过大。",
    )
    assert refused.headers["Content-Language"] == "zh-CN"


def test_readiness_says_which_read_model_stopped_in_chinese(api) -> None:
    company, _ = api.register("13800000001")
    stop_balances(api, company)

    stopped = api.client.get("/readyz", headers={"Accept-Language": "zh-CN"})

    assert stopped.status_code == 503
    assert stopped.json()["detail"] == "读模型已停止：balances。"
    assert stopped.headers["Content-Language"] == "zh-CN"


def test_category_names_stand_beside_their_codes(api) -> None:
    s = stage(api)
    coil = s.listing(quantity="20.000", price="4000.00")
    s.fund("50000.00")
    assert api.services.projections.wait(api.services.ledger.head(), timeout=10)

    one = api.get(f"/listings/{coil}", s.buyer).json()
    found = api.get("/listings", s.buyer).json()
    assert (one["category"], one["category_name"]) == ("HRC", "热轧卷板")
    assert [(r["category"], r["category_name"]) for r in found["data"]] == [("HRC", "热轧卷板")]

    api.post("/cart/items", s.buyer, json={"listing_id": str(coil), "quantity": "5.000"})
    placed = api.post("/cart/checkout", s.buyer, json={"delivery_address": "Dock 3"})
    assert placed.status_code == 201, placed.text
    order = api.get(f"/orders/{placed.json()['order_id']}", s.buyer).json()
    assert [(ln["category"], ln["category_name"]) for ln in order["lines"]] == [("HRC", "热轧卷板")]

    balances = api.get("/me/balances", s.buyer).json()
    assert {(c["category"], c["category_name"]) for c in balances["categories"]} >= {
        ("HRC", "热轧卷板")
    }
