"""竞拍 on the console: the board and 抢购历史 as GET /auctions answers the same person; a
buyer's history never holds another company's bids."""

from __future__ import annotations

from tests.console.conftest import QINGDAO, TIANJIN, Console


def test_the_board_and_history_are_the_apis_for_each_buyer(console: Console) -> None:
    histories = {}
    for phone in (QINGDAO, TIANJIN):
        token = console.api_token(phone)
        board = console.api("/auctions?limit=50", token)
        history = console.api("/auctions/history?limit=50", token)
        page = console.sign_in(phone).get("/console/auctions")
        assert page.status_code == 200
        assert board["data"] and history["data"], "the demo has lots and bids"
        for lot in board["data"]:
            assert f'data-lot="{lot["lot_id"]}"' in page.text
            assert f'data-state="{lot["state"]}">{lot["state_label"]}<' in page.text
        for row in history["data"]:
            assert f'data-history="{row["lot_id"]}|{row["company_id"]}"' in page.text
        histories[phone] = (page.text, {row["company_id"] for row in history["data"]})
    (qingdao_page, qingdao_companies), (tianjin_page, tianjin_companies) = histories.values()
    assert len(qingdao_companies) == len(tianjin_companies) == 1
    assert next(iter(tianjin_companies)) not in qingdao_page
    assert next(iter(qingdao_companies)) not in tianjin_page
