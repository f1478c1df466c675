"""``steelyard audit show`` and ``check-statement``: a stream as of a version or a moment, as
a table; a balance confirmation checked against its signature and the store; bad input named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from domain import context
from domain.accounts.account import CompanyInfo
from domain.context import Actor, CommandContext, FrozenClock, Role
from domain.funds.account import FundsAccount
from domain.values import Money
from interfaces.demo import demo_code
from interfaces.integrity.keys import SigningKey
from interfaces.statements.issue import issue_statement
from interfaces.wiring import Services
from tests.cli.conftest import Cli, one_line_error

FINANCE = Actor(uuid4(), Role.FINANCE)


COMPANY = CompanyInfo("Company 1", demo_code(1), "1 Harbour Road", "east")


@dataclass
class Paid:
    company: UUID
    stream: UUID
    services: Services
    clock: FrozenClock


@pytest.fixture
def paid(cli: Cli, tmp_path: Path) -> Iterator[Paid]:
    """Company 1 paid 1,000.00 at 02:00 UTC and 500.00 at 03:00 UTC on 2026-11-26; the
    platform's key in a file the commands are pointed at."""
    key = tmp_path / "platform-key.pem"
    key.write_bytes(SigningKey.generate().private_key_pem())
    cli.env["STEELYARD_SIGNING_KEY_FILE"] = str(key)
    clock = FrozenClock(datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    services = Services.build(cli.settings(), clock=clock)
    try:
        with context.acting(CommandContext(request_id="cli-test", clock=clock)):
            outcome = services.accounts.register("13800000001", "Secret-123", "A", None, True)
        company, admin = outcome.result["account_id"], outcome.result["user_id"]
        buyer = CommandContext(Actor(admin, Role.BUYER_ADMIN, company), "cli-test", clock)
        with context.acting(buyer):
            services.accounts.bind_company(company, COMPANY)
        with context.acting(CommandContext(FINANCE, "cli-test", clock)):
            services.funds.record_payment(company, Money(Decimal("1000.00")), "CMB-1")
            clock.advance(hours=1)
            services.funds.record_payment(company, Money(Decimal("500.00")), "CMB-2")
        yield Paid(company, FundsAccount.id_for(company), services, clock)
    finally:
        services.close()


@pytest.fixture
def paid_twice(paid: Paid) -> UUID:
    return paid.stream


def test_show_at_a_version_prints_the_events_and_the_state(cli: Cli, paid_twice: UUID) -> None:
    result = cli.run("audit", "show", str(paid_twice), "--version", "2")

    assert result.returncode == 0, result.stderr
    assert "version 2 of 3" in result.stdout
    assert "PaymentRecorded" in result.stdout and "finance" in result.stdout
    assert "2026-11-26T10:00:00+08:00" in result.stdout  # the payment's time in Shanghai
    assert '"unallocated": "1000.00"' in result.stdout


def test_show_at_a_shanghai_moment_is_the_last_version_before_it(
    cli: Cli, paid_twice: UUID
) -> None:
    result = cli.run("audit", "show", str(paid_twice), "--at", "2026-11-26T11:00:00+08:00")

    assert result.returncode == 0, result.stderr
    assert "version 3 of 3" in result.stdout and '"unallocated": "1500.00"' in result.stdout


def test_show_refuses_what_the_stream_does_not_have(cli: Cli, paid_twice: UUID) -> None:
    beyond = cli.run("audit", "show", str(paid_twice), "--version", "9")
    assert beyond.returncode == 4
    assert "version_beyond_end" in one_line_error(beyond) and "version 3" in beyond.stderr

    before = cli.run("audit", "show", str(paid_twice), "--at", "2026-11-26T01:59:59Z")
    assert before.returncode == 4 and "before_first_event" in one_line_error(before)

    naive = cli.run("audit", "show", str(paid_twice), "--at", "2026-11-26T10:00:00")
    assert naive.returncode == 4 and "time_needs_zone" in one_line_error(naive)

    unknown = cli.run("audit", "show", str(uuid4()))
    assert unknown.returncode == 4 and "No such stream" in one_line_error(unknown)

    both = cli.run("audit", "show", str(paid_twice), "--version", "1", "--at", "2026-11-26Z")
    assert both.returncode == 2


def _statement_file(paid: Paid, folder: Path) -> Path:
    ctx = CommandContext(FINANCE, "cli-test", paid.clock)
    ledger, settings = paid.services.ledger, paid.services.settings
    document = issue_statement(ledger, settings, paid.company, date(2026, 11, 26), ctx)
    path = folder / "statement.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_statement_passes_a_statement_as_issued(cli: Cli, paid: Paid) -> None:
    path = _statement_file(paid, cli.folder)

    result = cli.run("audit", "check-statement", str(path))

    assert result.returncode == 0, result.stderr
    assert "Company 1 as of 2026-11-26" in result.stdout and "every figure matches" in result.stdout


def test_check_statement_names_an_edited_figure(cli: Cli, paid: Paid) -> None:
    path = _statement_file(paid, cli.folder)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["statement"]["figures"]["unallocated"] = "15000.00"
    path.write_text(json.dumps(document), encoding="utf-8")

    result = cli.run("audit", "check-statement", str(path))

    assert result.returncode == 1
    assert "MISMATCH: signature: does not match" in result.stderr
    expected = "figure unallocated: the statement says 15000.00, the store says 1500.00"
    assert f"MISMATCH: {expected}" in result.stderr


def test_check_statement_names_an_edited_signature(cli: Cli, paid: Paid) -> None:
    path = _statement_file(paid, cli.folder)
    document = json.loads(path.read_text(encoding="utf-8"))
    value = document["signature"]["value"]
    document["signature"]["value"] = value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
    path.write_text(json.dumps(document), encoding="utf-8")

    result = cli.run("audit", "check-statement", str(path))

    assert result.returncode == 1
    mismatches = [line for line in result.stderr.splitlines() if line.startswith("MISMATCH")]
    assert len(mismatches) == 1 and "signature: does not match" in mismatches[0]


def test_check_statement_refuses_a_file_it_cannot_read(cli: Cli, paid: Paid) -> None:
    (cli.folder / "broken.json").write_text("{not json", encoding="utf-8")

    broken = cli.run("audit", "check-statement", "broken.json")
    missing = cli.run("audit", "check-statement", "nowhere.json")

    assert broken.returncode == 4 and "not a JSON statement" in one_line_error(broken)
    assert missing.returncode == 4 and "cannot read" in one_line_error(missing)


def test_check_statement_offline_needs_only_the_public_key(cli: Cli, paid: Paid) -> None:
    path = _statement_file(paid, cli.folder)
    public = cli.folder / "platform.pub.pem"
    public.write_text(json.loads(path.read_text())["signature"]["public_key"])
    offline = {k: v for k, v in cli.env.items() if not k.startswith("POSTGRES_")}
    offline |= {"POSTGRES_HOST": "127.0.0.1", "POSTGRES_PORT": "1"}  # no store reachable
    alone = Cli(cli.folder, offline)

    result = alone.run("audit", "check-statement", str(path), "--offline", "--key", str(public))

    assert result.returncode == 0, result.stderr
    assert "the signature holds" in result.stdout
    other = cli.folder / "other.pub.pem"
    other.write_text(SigningKey.generate().public_key_pem())
    refused = alone.run("audit", "check-statement", str(path), "--offline", "--key", str(other))
    assert refused.returncode == 1 and "not the platform's key" in refused.stderr
