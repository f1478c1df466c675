"""The console as a person uses it: sign-in, its cookie and CSRF token, sign-out, and 我的资金
showing exactly the API's figures for the signed-in buyer and nothing of another company."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.console.conftest import (
    CSRF,
    MANAGER_EAST,
    QINGDAO,
    TIANJIN,
    Console,
    figures,
    sign_in,
)

DASHBOARD = (
    "financial_balance", "available_to_order", "unallocated", "allocated", "held", "reserved",
    "deposit_free", "deposit_locked", "rebate", "credit_limit", "credit_used", "credit_available",
)  # fmt: skip


def test_each_buyer_sees_its_own_figures_equal_to_the_api_and_nothing_of_the_other(
    console: Console,
) -> None:
    pages = {phone: console.sign_in(phone).get("/console/funds") for phone in (QINGDAO, TIANJIN)}
    mine = {phone: console.api("/me/balances", console.api_token(phone)) for phone in pages}
    for phone, page in pages.items():
        assert page.status_code == 200, page.text
        shown = figures(page.text)
        assert shown == {key: mine[phone][key] for key in DASHBOARD}
        for category in mine[phone]["categories"]:
            row = re.search(rf'data-category="{category["category"]}">(.*?)</tr>', page.text, re.S)
            assert row is not None
            assert f'data-cell="available_to_order">{category["available_to_order"]}<' in row[1]
    # the two companies' figures differ, and neither page names the other company
    assert figures(pages[QINGDAO].text) != figures(pages[TIANJIN].text)
    assert mine[TIANJIN]["company_id"] not in pages[QINGDAO].text
    assert mine[QINGDAO]["company_id"] not in pages[TIANJIN].text


def test_a_buyer_cannot_open_another_companys_funds_by_naming_it(console: Console) -> None:
    tianjin = console.api("/me/balances", console.api_token(TIANJIN))["company_id"]
    page = console.sign_in(QINGDAO).get(f"/console/funds?company={tianjin}")
    assert tianjin not in page.text  # a buyer's page is always its own company


def test_the_journal_is_the_apis_with_chinese_kind_labels(console: Console) -> None:
    token = console.api_token(QINGDAO)
    company = console.api("/me/balances", token)["company_id"]
    journal = console.api(f"/funds/{company}/journal?limit=50", token)
    page = console.sign_in(QINGDAO).get("/console/funds")
    assert journal["data"], "the demo gives Qingdao Coil journal entries"
    assert f'data-count="{journal["count"]}"' in page.text
    for entry in journal["data"]:
        assert f'data-entry="{entry["entry_id"]}"' in page.text
        assert f'data-kind="{entry["kind"]}">{entry["kind_label"]}<' in page.text
    kind = journal["data"][0]["kind"]
    filtered = console.sign_in(QINGDAO).get(f"/console/funds?kind={kind}")
    expected = console.api(f"/funds/{company}/journal?kind={kind}&limit=50", token)
    assert f'data-count="{expected["count"]}"' in filtered.text


def test_a_manager_sees_a_bound_customer_as_the_api_does_and_not_another(
    console: Console,
) -> None:
    qingdao = console.api("/me/balances", console.api_token(QINGDAO))
    tianjin = console.api("/me/balances", console.api_token(TIANJIN))["company_id"]
    manager = console.sign_in(MANAGER_EAST)
    page = manager.get(f"/console/funds?company={qingdao['company_id']}")
    assert page.status_code == 200
    assert figures(page.text) == {key: qingdao[key] for key in DASHBOARD}
    refused = manager.get(f"/console/funds?company={tianjin}")
    assert refused.status_code == 404
    assert "data-figure" not in refused.text


def test_the_session_cookie_is_httponly_samesite_and_signed(console: Console) -> None:
    client = console.client()
    answer = sign_in(client, QINGDAO, "Steelyard2026")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/funds"
    cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("sy_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/console" in cookie
    forged = console.client()
    forged.cookies.set("sy_session", client.cookies["sy_session"][:-4] + "AAAA", path="/console")
    assert forged.get("/console/funds").headers["location"] == "/console/sign-in"


def test_a_wrong_password_is_refused_with_no_session(console: Console) -> None:
    client = console.client()
    answer = sign_in(client, TIANJIN, "not-the-password")
    assert answer.status_code == 401
    assert 'data-error="bad_credentials"' in answer.text
    assert "sy_session" not in client.cookies
    assert client.get("/console/funds").headers["location"] == "/console/sign-in"


def test_forms_without_the_csrf_token_are_refused(console: Console) -> None:
    client = console.client()
    client.get("/console/sign-in")
    no_token = client.post("/console/sign-in", data={"phone": QINGDAO, "password": "Steelyard2026"})
    assert no_token.status_code == 403
    assert "sy_session" not in client.cookies
    signed_in = console.sign_in(QINGDAO)
    forged = signed_in.post("/console/sign-out", data={"csrf": "0" * 64})
    assert forged.status_code == 403
    assert signed_in.get("/console/funds").status_code == 200  # still signed in


def test_signing_out_ends_the_session(console: Console) -> None:
    client = console.sign_in(QINGDAO)
    (token,) = CSRF.findall(client.get("/console/funds").text)
    answer = client.post("/console/sign-out", data={"csrf": token})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/sign-in"
    assert client.get("/console/funds").headers["location"] == "/console/sign-in"


def test_chinese_first_english_on_request(console: Console) -> None:
    client = console.sign_in(QINGDAO)
    chinese = client.get("/console/funds")
    assert '<html lang="zh-CN">' in chinese.text and "我的资金" in chinese.text
    english = client.get("/console/funds?lang=en")
    assert '<html lang="en">' in english.text and "My funds" in english.text
    assert '<html lang="en">' in client.get("/console/funds").text  # kept in a cookie
    browser = console.client().get("/console/sign-in", headers={"Accept-Language": "en-GB,en"})
    assert '<html lang="en">' in browser.text


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[str] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.inputs.append(a.get("id") or "")
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))


def test_every_input_has_a_label(console: Console) -> None:
    client = console.client()
    pages = [
        client.get("/console/sign-in").text,
        console.sign_in(QINGDAO).get("/console/funds").text,
    ]
    for html in pages:
        found = _Inputs()
        found.feed(html)
        assert found.inputs
        assert [i for i in found.inputs if i not in found.labels] == []


def test_the_console_loads_nothing_from_another_host(console: Console) -> None:
    html = console.sign_in(QINGDAO).get("/console/funds").text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert console.client().get("/console/static/console.css").status_code == 200
