"""`steelyard audit checkpoint|proof|consistency|verify|verify-proof`: what an auditor sees and
the exit codes: a proof that holds, a forged one named (exit 1), an unreadable file (exit 4), a
tampered store named (exit 1)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

from interfaces.config import Settings
from interfaces.integrity.keys import SigningKey
from tests.audit.helpers import ledger_on, raw_sql, write_streams
from tests.cli.conftest import Cli, one_line_error


def _store_with_events(cli: Cli) -> Settings:
    """A few events, and the platform's key in a file named by STEELYARD_SIGNING_KEY_FILE."""
    (cli.folder / "platform-key.pem").write_bytes(SigningKey.generate().private_key_pem())
    cli.env["STEELYARD_SIGNING_KEY_FILE"] = str(cli.folder / "platform-key.pem")
    settings = cli.settings()  # the embedded store's path is relative to the CLI's folder
    settings = replace(settings, sqlite_path=cli.folder / settings.sqlite_path)
    ledger = ledger_on(settings)
    write_streams(ledger, 3, 2)
    ledger.close()
    return settings


def test_a_proof_holds_offline_and_a_forged_one_is_named(cli: Cli) -> None:
    _store_with_events(cli)
    checkpoint = cli.run("audit", "checkpoint")
    assert checkpoint.returncode == 0, checkpoint.stderr
    assert json.loads(checkpoint.stdout)["tree_size"] == 6
    (cli.folder / "key.pem").write_text(cli.run("audit", "key").stdout)
    (cli.folder / "proof.json").write_text(cli.run("audit", "proof", "2").stdout)
    held = cli.run("audit", "verify-proof", "proof.json", "--key", "key.pem")
    assert held.returncode == 0, held.stderr
    assert "The proof holds: the event at position 2" in held.stdout
    proof = json.loads((cli.folder / "proof.json").read_text())
    proof["leaf"]["index"] = 3
    proof["checkpoint"]["tree_size"] = 7
    (cli.folder / "forged.json").write_text(json.dumps(proof))
    forged = cli.run("audit", "verify-proof", "forged.json", "--key", "key.pem")
    assert forged.returncode == 1
    assert "DOES NOT HOLD: checkpoint: the signature does not verify with this key" in forged.stderr
    assert "DOES NOT HOLD: proof: tree_size 6 is not the checkpoint's 7" in forged.stderr


def test_a_file_that_is_not_a_proof_or_key_is_exit_4(cli: Cli) -> None:
    (cli.folder / "key.pem").write_text("not a key")
    (cli.folder / "proof.json").write_text("{not json")
    bad_key = cli.run("audit", "verify-proof", "proof.json", "--key", "key.pem")
    assert bad_key.returncode == 4 and "key.pem: not a PEM public key" in one_line_error(bad_key)
    missing = cli.run("audit", "verify-proof", "none.json", "--key", "key.pem")
    assert missing.returncode == 4


def test_verify_names_a_tampered_stream_and_exits_1(cli: Cli) -> None:
    settings = _store_with_events(cli)
    assert cli.run("audit", "checkpoint").returncode == 0
    ok = cli.run("audit", "verify")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "6 events in 3 streams, 1 checkpoints" in ok.stdout
    statement = "UPDATE {table} SET state = {blob} WHERE originator_version = 2"
    if settings.persistence == "postgres":
        with raw_sql(settings) as conn:
            conn.execute(statement.format(table="steelyard_events", blob="'\\x7b7d'::bytea"))
    else:
        with sqlite3.connect(settings.sqlite_path) as conn:
            conn.execute(statement.format(table="stored_events", blob="X'7B7D'"))
    broken = cli.run("audit", "verify")
    assert broken.returncode == 1
    assert broken.stdout.count(": version 2 at position") == 3
    assert "edited: its contents no longer match the hash recorded with it" in broken.stdout
    assert "BROKEN checkpoint of 6 events" in broken.stdout
