"""rebuild, reconcile, scheduler and serve --demo as an operator meets them."""

from __future__ import annotations

import json
import signal
import time

import pytest
from typer.testing import CliRunner

from interfaces import scheduler as jobs
from interfaces.cli import app
from interfaces.demo import demo_code
from interfaces.wiring import Services
from tests.cli.conftest import Cli, one_line_error
from tests.conftest import ON_POSTGRES


def _registry_only(cli: Cli) -> None:
    """A store with events but no customer company: just the ERP's registry."""
    (cli.folder / "export.csv").write_text(f"credit_code,name,customer_no\n{demo_code(1)},A,C1\n")
    assert cli.run("import-registry", "export.csv").returncode == 0


def test_rebuild_of_an_unknown_read_model_lists_the_valid_names(cli: Cli) -> None:
    result = cli.run("rebuild", "balance")

    assert result.returncode == 2
    error = one_line_error(result)
    assert "no read model 'balance'" in error and "balances" in error and "tracking" in error


def test_rebuild_name_prints_only_what_it_rebuilt(cli: Cli) -> None:
    _registry_only(cli)

    result = cli.run("rebuild", "balances")

    assert result.returncode == 0, result.stderr
    rebuilt = [line for line in result.stdout.splitlines() if ": position " in line]
    assert len(rebuilt) == 1 and rebuilt[0].startswith("balances: position")
    assert "digest before " in rebuilt[0] and rebuilt[0].endswith(": same rows")


def test_reconcile_with_no_companies_finishes_its_progress_bar(cli: Cli) -> None:
    _registry_only(cli)

    result = cli.run("reconcile")

    assert result.returncode == 0, result.stderr
    assert "100%" in result.stdout and "0 companies" in result.stdout


def test_scheduler_once_prints_json_and_fails_when_a_job_failed(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _registry_only(cli)

    def broken(services: Services) -> None:
        raise RuntimeError("the bill printer is on fire")

    monkeypatch.setitem(jobs.JOBS, "print_bills", broken)
    for key, value in cli.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(cli.folder)

    result = CliRunner().invoke(app, ["scheduler", "--once"])

    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    by_name = {job["name"]: job for job in report["jobs"]}
    assert report["ok"] is False
    assert by_name["print_bills"]["error"] == "RuntimeError: the bill printer is on fire"
    assert by_name["cancel_overdue_orders"]["error"] is None
    assert by_name["cancel_overdue_orders"]["result"]["cancelled"] == 0


def test_scheduler_once_exits_0_when_every_job_ran(cli: Cli) -> None:
    _registry_only(cli)

    result = cli.run("scheduler", "--once")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and {job["name"] for job in report["jobs"]} == set(jobs.JOBS)


def test_scheduler_logs_each_tick_and_stops_cleanly_on_sigterm(cli: Cli) -> None:
    _registry_only(cli)
    process = cli.popen("scheduler", "--interval", "0.2")
    try:
        time.sleep(6)  # start-up, then several ticks
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()

    assert process.returncode == 0, stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]  # JSON log lines
    messages = [line["message"] for line in lines]
    ticks = [m for m in messages if m.startswith("scheduler tick at 20")]
    assert len(ticks) >= 2, stderr
    assert "Traceback" not in stderr and messages[-1] == "scheduler stopped"


def test_serve_demo_refuses_to_seed_a_store_holding_other_data(cli: Cli) -> None:
    _registry_only(cli)

    result = cli.run("serve", "--demo", "--port", "1")

    assert result.returncode == 2
    assert "--force-demo" in result.stderr and "Traceback" not in result.stderr
    assert "Seeded" not in result.stdout


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_serve_demo_refuses_to_seed_postgresql_unless_forced(cli: Cli) -> None:
    result = cli.run("serve", "--demo", "--port", "1")

    assert result.returncode == 2
    assert "PostgreSQL" in result.stderr and "--force-demo" in result.stderr


@pytest.mark.skipif(ON_POSTGRES, reason="the README's run command is on SQLite")
def test_serve_demo_seeds_a_fresh_store_and_starts_again_on_its_own_data(cli: Cli) -> None:
    for expected in ("Seeded demo data", "Demo data already present"):
        process = cli.popen("serve", "--demo", "--port", "0", "--no-scheduler")
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline(), process.stdout.readline()]
        finally:
            process.terminate()
            process.communicate(timeout=30)
        assert expected in lines[0], lines
        assert lines[1].startswith("Steelyard on http://"), lines
