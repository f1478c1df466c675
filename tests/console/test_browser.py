"""The console in a real browser: Playwright drives Debian's chromium (Playwright's own browser
download cannot work here; the test command installs chromium when it can, see
scripts/lib/bootstrap.sh). A buyer signs in, opens 我的资金, and sees the API's figures; a
screenshot of each page is saved under tests/console/screenshots/ (not kept in git)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from interfaces.demo import DEMO_PASSWORD
from tests.console.conftest import MANAGER_EAST, QINGDAO, Console
from tests.serving import serving

AUDITOR = "13900000003"
FINANCE = "13900000002"

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is a dev extra")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="no chromium: run as root once so scripts/lib/bootstrap.sh can apt-get install it",
)


def test_a_buyer_signs_in_and_sees_the_apis_figures_in_chromium(console: Console) -> None:
    expected = console.api("/me/balances", console.api_token(QINGDAO))
    SHOTS.mkdir(exist_ok=True)
    with serving(console.app) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(locale="zh-CN")
            page.goto(f"{base}/console/")
            assert page.get_attribute("html", "lang") == "zh-CN"
            page.screenshot(path=str(SHOTS / "sign-in.png"), full_page=True)
            page.get_by_label("手机号").fill(QINGDAO)
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{base}/console/funds")
            assert page.get_by_role("heading", name="我的资金", level=1).is_visible()
            for key in ("financial_balance", "available_to_order", "rebate", "deposit_free"):
                shown = page.locator(f'[data-figure="{key}"]').inner_text()
                assert shown == f"¥{expected[key]}", key
            category = expected["categories"][0]
            cell = page.locator(
                f'[data-category="{category["category"]}"] [data-cell="available_to_order"]'
            )
            assert cell.inner_text() == category["available_to_order"]
            # dark text on a light page
            colour = page.evaluate("getComputedStyle(document.body).color")
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert (colour, background) == ("rgb(26, 26, 26)", "rgb(255, 255, 255)")
            page.screenshot(path=str(SHOTS / "funds.png"), full_page=True)
            page.get_by_role("link", name="English").click()
            assert page.get_by_role("heading", name="My funds", level=1).is_visible()
            page.screenshot(path=str(SHOTS / "funds-en.png"), full_page=True)
            page.goto(f"{base}/console/tracking?lang=zh")
            page.screenshot(path=str(SHOTS / "tracking.png"), full_page=True)
            page.locator("[data-contract] a").first.click()
            assert page.locator("[data-digest]").inner_text()
            page.screenshot(path=str(SHOTS / "contract.png"), full_page=True)
            page.goto(f"{base}/console/reports")
            page.wait_for_selector("#chart-amount[data-drawn] svg")
            page.screenshot(path=str(SHOTS / "reports.png"), full_page=True)
            page.get_by_role("link", name="竞拍", exact=True).click()
            assert page.locator("[data-lot]").count() >= 1
            page.screenshot(path=str(SHOTS / "auctions.png"), full_page=True)
            page.get_by_role("button", name="退出登录").click()
            page.wait_for_url(f"{base}/console/sign-in")
        finally:
            browser.close()


def test_an_auditor_reads_a_stream_as_of_a_moment_in_chromium(console: Console) -> None:
    company = console.api("/me/balances", console.api_token(QINGDAO))["company_id"]
    SHOTS.mkdir(exist_ok=True)
    with serving(console.app) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(locale="zh-CN")
            page.goto(f"{base}/console/sign-in")
            page.get_by_label("手机号").fill(AUDITOR)
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(f"{base}/console/funds")
            page.get_by_role("link", name="审计：流历史").click()
            page.get_by_label("流编号（账户、合同、拍品……）").fill(company)
            page.get_by_role("button", name="查看").click()
            events = page.locator("[data-event-version]")
            assert events.count() >= 2
            page.screenshot(path=str(SHOTS / "audit-stream.png"), full_page=True)
        finally:
            browser.close()


# -- every page, as each kind of reader: labels, lang and contrast --------------------------------

CHECK_PAGE = (Path(__file__).parent / "check_page.js").read_text(encoding="utf-8")


def _signed_in(page: Any, base: str, phone: str) -> None:
    page.goto(f"{base}/console/sign-in")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/console/funds")


@pytest.mark.parametrize(
    ("who", "phone", "paths"),
    [
        ("buyer", QINGDAO, ["/funds", "/tracking", "/reports", "/auctions"]),
        ("manager", MANAGER_EAST, ["/funds?company={qingdao}", "/tracking", "/reports"]),
        (
            "finance",
            FINANCE,
            ["/funds?company={qingdao}", "/tracking", "/reports", "/audit/stream"],
        ),
        ("auditor", AUDITOR, ["/funds?company={qingdao}", "/audit/stream?stream={qingdao}"]),
    ],
)
def test_every_page_is_labelled_and_legible_for_each_reader(
    console: Console, who: str, phone: str, paths: list[str]
) -> None:
    qingdao = console.api("/me/balances", console.api_token(QINGDAO))
    SHOTS.mkdir(exist_ok=True)
    with serving(console.app) as base, sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(locale="zh-CN")
            _signed_in(page, base, phone)
            for path in paths:
                answer = page.goto(f"{base}/console{path.format(qingdao=qingdao['company_id'])}")
                assert answer is not None and answer.status == 200, path
                found = page.evaluate(CHECK_PAGE)
                assert found["lang"] == "zh-CN", path
                assert found["unlabelled"] == [], path
                assert found["worst"] >= 4.5, (path, found["worst"])  # WCAG AA for text
                if path.startswith("/funds"):
                    shown = page.locator('[data-figure="financial_balance"]').inner_text()
                    assert shown == f"¥{qingdao['financial_balance']}"
                name = path.strip("/").split("?")[0].replace("/", "-")
                page.screenshot(path=str(SHOTS / f"{who}-{name}.png"), full_page=True)
        finally:
            browser.close()
