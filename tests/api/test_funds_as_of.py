"""``GET /funds/{company}?as_of=``: the statement, 我的资金 dashboard and journal as they stood at
the end of a business day (Asia/Shanghai) or at a moment, replayed from the funds account's
events; the same visibility as today's statement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api import test_balances_api
from tests.api.conftest import Api
from tests.api.test_balances_api import Cast, pay

cast = test_balances_api.cast  # the fixture: a customer each of the east and north managers


def _as_of(api: Api, token: str, company: Any, as_of: str, **query: Any) -> Any:
    return api.get(f"/funds/{company}", token, params={"as_of": as_of, **query})


def _two_days(api: Api, cast: Cast) -> None:
    """25 Nov 1,000.00 to HRC; 26 Nov (today, 10:00 Shanghai) 500.00 unallocated and a refund
    asked."""
    today = api.clock.at
    api.clock.at = today - timedelta(days=1)
    pay(api, cast.east, "1000.00", "DAY1-A", category="HRC")
    api.clock.at = today
    pay(api, cast.east, "500.00", "DAY2-A")
    body = {"amount": "200.00"}
    assert api.post(f"/funds/{cast.east}/refunds", cast.east_admin, json=body).status_code == 201


def test_the_statement_and_journal_as_of_the_end_of_a_day(api: Api, cast: Cast) -> None:
    _two_days(api, cast)
    then = _as_of(api, cast.east_admin, cast.east, "2026-11-25").json()
    assert then["balances"] == {"category:HRC": "1000.00", "seller.bank": "-1000.00"}
    assert then["financial_balance"] == "1000.00"
    assert then["as_of"].startswith("2026-11-25T23:59:59")
    dashboard = then["dashboard"]
    assert (dashboard["opened"], dashboard["allocated"], dashboard["held"]) == (
        True, "1000.00", "0.00",
    )  # fmt: skip
    assert [e["reference"] for e in then["journal"]] == ["DAY1-A"]
    assert then["journal_count"] == 1
    now = _as_of(api, cast.east_admin, cast.east, "2026-11-26").json()
    assert now["financial_balance"] == "1500.00"
    assert now["dashboard"]["held"] == "200.00" and now["dashboard"]["unallocated"] == "300.00"
    assert [e["kind"] for e in now["journal"]] == ["refund_requested", "payment", "payment"]
    today = api.get(f"/funds/{cast.east}", cast.east_admin).json()
    assert today["balances"] == now["balances"] and today.get("journal") is None


def test_as_of_a_moment_and_paging_of_its_journal(api: Api, cast: Cast) -> None:
    _two_days(api, cast)
    moment = _as_of(api, cast.finance, cast.east, "2026-11-26T09:59:59+08:00").json()
    assert moment["financial_balance"] == "1000.00"  # a second before the second day's payment
    page = _as_of(api, cast.finance, cast.east, "2026-11-26T02:00:00Z", limit=1, offset=2)
    assert [e["reference"] for e in page.json()["journal"]] == ["DAY1-A"]
    assert page.json()["journal_count"] == 3


def test_before_the_account_existed_everything_is_zero(api: Api, cast: Cast) -> None:
    _two_days(api, cast)
    before = _as_of(api, cast.east_admin, cast.east, "2026-01-01").json()
    assert before["balances"] == {} and before["financial_balance"] == "0.00"
    assert before["dashboard"]["opened"] is False and before["journal"] == []


def test_a_bad_as_of_is_422_with_its_code(api: Api, cast: Cast) -> None:
    pay(api, cast.east, "10.00", "REF-1")
    for bad in ("yesterday", "2026-13-01", "2026-11-26T10:00:00", "2026-11-26 10:00"):
        refused = _as_of(api, cast.east_admin, cast.east, bad)
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "invalid_as_of", bad


def test_who_sees_a_statement_as_of_a_date(api: Api, cast: Cast) -> None:
    pay(api, cast.east, "10.00", "REF-1")
    for token in (cast.east_admin, cast.east_manager, cast.finance):
        assert _as_of(api, token, cast.east, "2026-11-25").status_code == 200
    for token in (cast.north_admin, cast.north_manager):
        refused = _as_of(api, token, cast.east, "2026-11-25")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found"
