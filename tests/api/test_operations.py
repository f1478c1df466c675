"""What a team running Steelyard reads: request logs, /metrics, settings and their table."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest

from interfaces.config import ConfigError, Environment, Settings
from tests.api.conftest import PASSWORD, Api
from tests.serving import free_port

README = Path(__file__).resolve().parents[2] / "README.md"


def _env_of(settings: Settings) -> dict[str, str]:
    pg = settings.postgres
    return {
        "STEELYARD_PERSISTENCE": settings.persistence,
        "STEELYARD_SQLITE_PATH": str(settings.sqlite_path),
        "STEELYARD_SECRET_KEY": settings.secret_key,
        "STEELYARD_PASSWORD_HASH_COST": "fast",
        "POSTGRES_HOST": pg.host,
        "POSTGRES_PORT": str(pg.port),
        "POSTGRES_DBNAME": pg.dbname,
        "POSTGRES_USER": pg.user,
        "POSTGRES_PASSWORD": pg.password,
        "POSTGRES_SCHEMA": pg.schema,
        "POSTGRES_POOL_SIZE": "4",
        "STEELYARD_LOG_FORMAT": "json",
    }


@pytest.fixture
def factory_server(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The app as a deployment runs it: ``uvicorn --factory``, configured by the environment,
    its stderr kept in a file."""
    port = free_port()
    log_file = tmp_path / "server.log"
    command = [sys.executable, "-m", "uvicorn", "--factory", "interfaces.api.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    with log_file.open("w") as sink:
        server = subprocess.Popen(
            command, env={**os.environ, **_env_of(settings)}, stdout=sink, stderr=sink
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, log_file.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield base, log_file
        finally:
            server.terminate()
            server.wait(timeout=20)


def _lines(log_file: Path) -> list[dict[str, Any]]:
    """Every line of the log, each of which must be one JSON object."""
    text = log_file.read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_request_is_one_json_log_line_with_its_request_id_and_route(
    factory_server: tuple[str, Path],
) -> None:
    base, log_file = factory_server
    body = {"phone": "13800000071", "password": PASSWORD, "accept_rules": True}
    answer = httpx.post(f"{base}/api/v1/accounts", json=body, headers={"X-Request-ID": "rq-71"})
    assert answer.status_code == 201, answer.text
    token = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": "13800000071", "password": PASSWORD}
    ).json()["access_token"]
    me = httpx.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    time.sleep(0.3)  # the log line is written as the answer goes out

    lines = _lines(log_file)  # uvicorn's own start-up lines are JSON too
    ours = [line for line in lines if line.get("request_id") == "rq-71"]
    assert len(ours) == 1, ours
    line = ours[0]
    assert line["logger"] == "steelyard.request"
    assert line["route"] == "/api/v1/accounts"
    assert (line["method"], line["status"], line["level"]) == ("POST", 201, "INFO")
    assert line["duration_ms"] >= 0
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    signed_in = [line for line in lines if line.get("route") == "/api/v1/me"]
    assert signed_in[0]["role"] == "buyer_admin" and signed_in[0]["user"]
    text = log_file.read_text()
    assert PASSWORD not in text and token not in text


def _samples(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_metrics_count_requests_command_batches_and_show_each_read_model(api: Api) -> None:
    api.register("13800000072")
    api.services.projections.catch_up()
    answer = api.client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = _samples(answer.text)
    created = 'steelyard_http_requests_total{method="POST",route="/api/v1/accounts",status="201"}'
    assert samples[created] == 1
    assert samples["steelyard_command_batches_total"] >= 1
    assert samples["steelyard_commands_total"] >= 1
    assert "steelyard_command_conflicts_total" in samples
    for name in api.services.projections.projections:
        assert samples[f'steelyard_projection_stopped{{name="{name}"}}'] == 0
        assert samples[f'steelyard_projection_lag{{name="{name}"}}'] == 0
        assert samples[f'steelyard_projection_position{{name="{name}"}}'] >= 1
    assert samples["steelyard_store_up"] == 1


def test_console_pages_and_concrete_ids_are_counted_under_their_route(api: Api) -> None:
    assert api.client.get("/console/sign-in").status_code == 200
    assert api.client.get(f"/api/v1/funds/{uuid4()}").status_code == 401  # not signed in
    assert api.client.get("/no/such/page").status_code == 404
    samples = _samples(api.client.get("/metrics").text)
    counted = {name for name in samples if name.startswith("steelyard_http_requests_total")}
    assert any('route="/console/sign-in"' in name for name in counted), counted
    assert any('route="/api/v1/funds/{company_id}",status="401"' in name for name in counted)
    assert any('route="unmatched",status="404"' in name for name in counted)
    uuid_like = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
    assert not any(uuid_like.search(name) for name in counted)  # ids never become labels


def test_metrics_is_open_but_not_in_the_openapi_document(api: Api) -> None:
    assert api.client.get("/metrics").status_code == 200  # no token
    assert "/metrics" not in api.client.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("POSTGRES_PORT", "fivefour", "POSTGRES_PORT must be a whole number, not 'fivefour'"),
        ("STEELYARD_PERSISTENCE", "mysql", "STEELYARD_PERSISTENCE must be sqlite or postgres"),
        ("STEELYARD_LOG_FORMAT", "xml", "STEELYARD_LOG_FORMAT must be json or text, not 'xml'"),
        ("STEELYARD_MAX_BODY_BYTES", "0", "STEELYARD_MAX_BODY_BYTES must be at least 1, not 0"),
        ("STEELYARD_PROJECTIONS", "both", "STEELYARD_PROJECTIONS must be inprocess or external"),
    ],
)
def test_a_bad_setting_is_a_one_line_config_error(
    variable: str, value: str, message: str, tmp_path: Path
) -> None:
    env = {"STEELYARD_SQLITE_PATH": str(tmp_path / "s.db"), variable: value}
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def _readme_table_variables() -> set[str]:
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in re.findall(r"`([A-Z][A-Z_]+)`", row.split("|")[1])}


def test_the_readme_table_documents_exactly_the_variables_settings_read() -> None:
    documented = _readme_table_variables()
    assert documented == set(Environment.names())


def test_metrics_count_each_scheduler_job_run(api: Api) -> None:
    from interfaces.scheduler import JOBS, run_jobs

    run_jobs(api.services)
    samples = _samples(api.client.get("/metrics").text)
    for job in JOBS:
        assert samples[f'steelyard_scheduler_job_runs_total{{job="{job}",outcome="ok"}}'] == 1
