"""Deterministic replay of a lot: rebuilt from its events alone it equals the live lot, and the
steps prove the outcome: every accepted bid, the extension with the bid that caused it, the
winner and why, every deposit movement. Through the service, the auditor's endpoint and the CLI."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from uuid import UUID

from typer.testing import CliRunner

from domain.auctions import AuctionLot
from domain.context import SHANGHAI, Role
from domain.unit_of_work import UnitOfWork
from domain.values import UnitPrice
from interfaces.cli import app as cli
from interfaces.config import Settings
from tests.api.auction_support import AuctionStage


def forfeited_lot(s: AuctionStage) -> UUID:
    """Alice and Bob bid, Carol's late bid extends the end and wins; Carol never pays."""
    alice, bob, carol = s.bidders
    now = s.api.clock.at
    lot_id = s.lot(s.session(), ends=now + timedelta(minutes=30),
                   reserve_price=UnitPrice.parse("4010.00"))  # fmt: skip
    s.bid(alice, lot_id, "4000.00")
    s.bid(bob, lot_id, "4010.00")
    s.api.clock.advance(minutes=28)
    s.bid(carol, lot_id, "4100.00")  # two minutes before the end: extended
    s.api.clock.advance(minutes=8)
    s.run_scheduler()  # closes: Carol wins, Alice and Bob released
    s.api.clock.at = datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI)
    s.run_scheduler()  # forfeits: unpaid past the payment day
    return lot_id


def test_the_replay_equals_the_live_lot_and_proves_the_outcome(stage: AuctionStage) -> None:
    lot_id = forfeited_lot(stage)
    live = UnitOfWork(stage.services.ledger).get(AuctionLot, lot_id)
    with stage.as_auditor():
        replay = stage.services.auctions.replay(lot_id)
    assert vars(replay.lot) == vars(live)
    assert replay.board(stage.api.clock.at) == live.board(stage.api.clock.at)
    assert replay.proven, replay.problems
    kinds = [step.kind for step in replay.steps]
    assert kinds.count("bid") == 3 and kinds.count("extension") == 1
    extension = next(step for step in replay.steps if step.kind == "extension")
    assert extension.detail["bid_sequence"] == 3  # Carol's bid caused it
    awarded = next(step for step in replay.steps if step.kind == "awarded")
    carol = stage.bidders[2]
    assert awarded.detail["winner_id"] == carol.account_id
    assert (awarded.detail["winning_bid"], awarded.detail["bidder_count"]) == (3, 3)
    deposits = [(s.kind, s.detail["company_id"]) for s in replay.steps if "deposit" in s.kind]
    alice, bob, _ = stage.bidders
    assert sorted(deposits, key=str) == sorted([
        ("deposit_locked", alice.account_id), ("deposit_locked", bob.account_id),
        ("deposit_locked", carol.account_id), ("deposit_released", alice.account_id),
        ("deposit_released", bob.account_id), ("deposit_forfeited", carol.account_id),
    ], key=str)  # fmt: skip
    assert kinds.index("awarded") < kinds.index("deposit_released")
    assert "highest" in replay.why


def test_the_auditors_endpoint_shows_the_replay(stage: AuctionStage) -> None:
    lot_id = forfeited_lot(stage)
    auditor = stage.api.enroll("13900000003", Role.AUDITOR)[1]
    response = stage.api.get(f"/audit/auctions/{lot_id}", auditor)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["state"], body["state_label"], body["proven"]) == ("forfeited", "已违约", True)
    assert body["winner_id"] == str(stage.bidders[2].account_id)
    assert [s["kind"] for s in body["steps"]].count("bid") == 3
    assert body["breach_notice"]
    buyer = stage.login(stage.bidders[0])
    assert stage.api.get(f"/audit/auctions/{lot_id}", buyer).status_code == 403


def test_the_cli_replays_a_lot(stage: AuctionStage, settings: Settings) -> None:
    lot_id = forfeited_lot(stage)
    env = {**os.environ, "STEELYARD_SQLITE_PATH": str(settings.sqlite_path),
           "POSTGRES_SCHEMA": settings.postgres.schema,
           "STEELYARD_SECRET_KEY": settings.secret_key}  # fmt: skip
    result = CliRunner().invoke(cli, ["audit", "auction", str(lot_id)], env=env)
    assert result.exit_code == 0, result.output
    assert "Every step holds" in result.output
    assert "extension" in result.output and "deposit_forfeited" in result.output
