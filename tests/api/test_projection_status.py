"""A stopped read model is loud: ``/readyz`` answers 503 ``projection_stopped`` naming it (the
cause goes to the log, not to the client), and ``steelyard status`` prints STOPPED with the
error and exits 1."""

from __future__ import annotations

import logging

import pytest
from typer.testing import CliRunner

from interfaces import cli
from tests.api.conftest import Api
from tests.api.test_read_waits import stop_balances


def _use_test_store(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``Settings.from_env()`` (what the CLI reads) name this test's store."""
    settings = api.services.settings
    monkeypatch.setenv("STEELYARD_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("STEELYARD_SQLITE_PATH", str(settings.sqlite_path))
    monkeypatch.setenv("POSTGRES_SCHEMA", settings.postgres.schema)


def test_readyz_names_a_stopped_projection_without_its_error(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    ready = api.client.get("/readyz")
    assert ready.status_code == 200, ready.text
    company, _ = api.register("13800000001")
    stop_balances(api, company)
    with caplog.at_level(logging.WARNING, logger="steelyard.api"):
        stopped = api.client.get("/readyz")
    assert stopped.status_code == 503
    assert stopped.headers["content-type"] == "application/problem+json"
    body = stopped.json()
    assert (body["code"], body["projections"]) == ("projection_stopped", ["balances"])
    assert "LookupError" not in stopped.text and "fund_accounts" not in stopped.text
    assert "LookupError" in caplog.text  # the operator finds the cause in the log


def test_status_prints_stopped_with_its_error_and_exits_1(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use_test_store(api, monkeypatch)
    healthy = CliRunner().invoke(cli.app, ["status"])
    assert healthy.exit_code == 0, healthy.output
    assert "STOPPED" not in healthy.output
    company, _ = api.register("13800000001")
    stop_balances(api, company)
    stopped = CliRunner().invoke(cli.app, ["status"])
    assert stopped.exit_code == 1
    line = next(line for line in stopped.output.splitlines() if line.startswith("balances:"))
    assert "STOPPED" in line and "LookupError" in line
    assert "tracking: position" in stopped.output and "STOPPED: balances" in stopped.output
