"""采购跟踪, a contract's page and the auditor's stream page show what the API shows the same
person, and nothing another company's."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import quote

from interfaces.integrity.documents import check_document
from tests.console.conftest import QINGDAO, TIANJIN, Console

AUDITOR = "13900000003"


def test_tracking_lists_the_buyers_orders_and_contracts_with_their_labels(
    console: Console,
) -> None:
    token = console.api_token(QINGDAO)
    orders = console.api("/tracking/orders?limit=100", token)
    contracts = console.api("/tracking/contracts?limit=100", token)
    page = console.sign_in(QINGDAO).get("/console/tracking")
    assert page.status_code == 200
    assert orders["data"] and contracts["data"]
    assert f'data-count="{orders["count"]}"' in page.text
    for order in orders["data"]:
        assert f'data-order="{order["order_id"]}"' in page.text
        assert f'data-status="{order["status"]}">{order["status_label"]}<' in page.text
    for contract in contracts["data"]:
        assert f'data-contract="{contract["contract_id"]}"' in page.text
        assert f'data-state="{contract["state"]}">{contract["state_label"]}<' in page.text
    theirs = console.api("/tracking/contracts?limit=100", console.api_token(TIANJIN))
    assert theirs["data"]
    for contract in theirs["data"]:
        assert contract["contract_id"] not in page.text
        assert contract["contract_no"] not in page.text


def test_a_contract_page_shows_its_digest_and_certificates_and_only_to_its_buyer(
    console: Console,
) -> None:
    token = console.api_token(QINGDAO)
    contracts = console.api("/tracking/contracts?limit=100", token)["data"]
    shipped = next(c for c in contracts if c["shipment_count"] > 0)
    detail = console.api(f"/tracking/contracts/{shipped['contract_id']}", token)
    own = console.api(f"/contracts/{shipped['contract_id']}", token)
    page = console.sign_in(QINGDAO).get(f"/console/contracts/{shipped['contract_id']}")
    assert page.status_code == 200
    assert f"<code data-digest>{own['digest']}</code>" in page.text
    assert f'data-figure="total">¥{detail["total"]}<' in page.text
    for certificate in detail["certificates"]:
        assert f'data-certificate="{certificate["certificate_no"]}"' in page.text
    for shipment in detail["shipments"]:
        assert f'data-shipment="{shipment["shipment_id"]}"' in page.text
    other = console.sign_in(TIANJIN).get(f"/console/contracts/{shipped['contract_id']}")
    assert other.status_code == 404
    assert own["digest"] not in other.text


def test_an_auditor_reads_a_stream_as_of_a_moment_as_the_api_does(console: Console) -> None:
    company = console.api("/me/balances", console.api_token(QINGDAO))["company_id"]
    token = console.api_token(AUDITOR)
    now = console.api(f"/audit/streams/{company}", token)
    assert len(now["events"]) >= 2
    # a second after the first event, to the second (as a datetime-local input sends it)
    first = datetime.fromisoformat(now["events"][0]["time_shanghai"]) + timedelta(seconds=1)
    moment = first.replace(microsecond=0).isoformat()  # 2026-…T…+08:00
    then = console.api(f"/audit/streams/{company}?at={quote(moment)}", token)
    auditor = console.sign_in(AUDITOR)
    page = auditor.get(f"/console/audit/stream?stream={company}")
    assert page.status_code == 200
    assert len(re.findall(r"data-event-version=", page.text)) == len(now["events"])
    local = moment[:19]  # no zone: the console reads it as Shanghai time
    past = auditor.get(f"/console/audit/stream?stream={company}&at={local}")
    assert f"<span data-version>{then['version']}</span>" in past.text
    assert len(re.findall(r"data-event-version=", past.text)) == len(then["events"])
    bad = auditor.get(f"/console/audit/stream?stream={company}&at=not-a-time")
    assert bad.status_code == 422 and 'data-error="invalid"' in bad.text
    buyer = console.sign_in(QINGDAO).get(f"/console/audit/stream?stream={company}")
    assert buyer.status_code in (403, 404) and "data-event-version" not in buyer.text


def test_the_stream_page_links_each_event_to_its_inclusion_proof(console: Console) -> None:
    company = console.api("/me/balances", console.api_token(QINGDAO))["company_id"]
    token = console.api_token(AUDITOR)
    auditor = console.sign_in(AUDITOR)
    events = console.api(f"/audit/streams/{company}", token)["events"]
    position = events[-1]["position"]
    unchecked = auditor.get(f"/console/audit/proof/{position}")
    if unchecked.status_code == 200:  # the scheduler may have taken one already
        assert unchecked.headers["content-type"].startswith("application/json")
    else:
        assert (
            unchecked.status_code == 409
            and "application/json" not in unchecked.headers["content-type"]
        )
    taken = console.client().post(
        "/api/v1/audit/checkpoints", headers={"Authorization": f"Bearer {token}"}
    )
    assert taken.status_code in (200, 201), taken.text

    page = auditor.get(f"/console/audit/stream?stream={company}")
    assert f'href="/console/audit/proof/{position}"' in page.text
    proof = auditor.get(f"/console/audit/proof/{position}")

    assert proof.status_code == 200
    assert proof.headers["content-disposition"] == f'attachment; filename="proof-{position}.json"'
    assert proof.json() == console.api(f"/audit/proofs/inclusion/{position}", token)
    public_key = console.api("/audit/checkpoints", token)["public_key"]
    assert check_document(proof.json(), public_key) == []  # verifies offline, with the key alone
    buyer = console.sign_in(QINGDAO).get(f"/console/audit/proof/{position}")
    assert buyer.status_code in (403, 404)
