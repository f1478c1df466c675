"""The demo's auctions as a visitor reads them: an open session with bids, a finished one with a
paid winner, an unsold lot and a forfeited award with its breach notice; the funds reconcile and
every finished lot's replay holds."""

from __future__ import annotations

from interfaces.demo import DEMO_PASSWORD, seed
from interfaces.reconcile import reconciler
from tests.api.conftest import Api


def test_the_demo_shows_open_and_finished_auctions(api: Api) -> None:
    assert seed(api.services)
    head = api.services.ledger.head()
    buyer = api.login("13800000001", DEMO_PASSWORD)  # Qingdao Coil
    board = api.get(f"/auctions?wait_for={head}&limit=20", buyer).json()["data"]
    states = {row["lot_no"]: (row["state"], row["bid_count"]) for row in board}
    assert states == {
        "F-01": ("paid", 4), "F-02": ("unsold", 1), "F-03": ("forfeited", 1),
        "O-01": ("open", 2), "O-02": ("scheduled", 0),
    }  # fmt: skip
    f1 = next(row for row in board if row["lot_no"] == "F-01")
    assert f1["extensions"] == 2 and f1["winning_price"] == "4100.00"
    history = api.get("/auctions/history", buyer).json()["data"]
    assert {(h["lot_no"], h["outcome"]) for h in history} == {("F-01", "won"), ("O-01", "leading")}
    tianjin = api.login("13800000002", DEMO_PASSWORD)
    notices = api.get("/breach-notices", tianjin).json()
    assert notices["count"] == 1 and notices["data"][0]["lot_no"] == "F-03"
    assert notices["data"][0]["penalty"] == "3000.00"
    assert api.get("/breach-notices", buyer).json()["count"] == 0
    auditor = api.login("13900000003", DEMO_PASSWORD)
    for row in board:
        replay = api.get(f"/audit/auctions/{row['lot_id']}", auditor).json()
        assert replay["proven"], replay["problems"]
    assert reconciler(api.services).run().ok
