"""``steelyard audit …`` for tamper evidence: checkpoints, proofs, verifying the store and a
proof file, and the one-time backfill of a store written before hashing existed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from interfaces.commands.audit import audit
from interfaces.commands.common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    CliError,
    open_store,
    require_store,
)
from interfaces.config import ConfigError, Settings

if TYPE_CHECKING:
    from interfaces.persistence.integrity_log import IntegrityLog
    from interfaces.persistence.store_check import StoreReport


@contextmanager
def _integrity_log(create_tables: bool = False) -> Iterator[IntegrityLog]:
    from interfaces.persistence.integrity_log import IntegrityLog
    from interfaces.wiring import Services

    if create_tables:  # the backfill adds the hash tables to a store that predates them
        settings = Settings.from_env()
        require_store(settings)
        services = Services.build(settings, create_tables=True)
    else:
        services = open_store()
    try:
        yield IntegrityLog.of(services.ledger)
    finally:
        services.close()


def _echo_json(document: Any) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the store's Merkle tree as it stands now (size, root hash, time) with the
    platform's key and keep the checkpoint; prints it as JSON (the latest one if nothing was
    written since)."""
    from interfaces.integrity.keys import SigningKey

    key = SigningKey.from_settings(Settings.from_env())
    with _integrity_log() as log:
        checkpoint = log.take_checkpoint(key)
    if checkpoint is None:
        raise CliError("the store holds no events yet: nothing to sign", EXIT_BAD_INPUT)
    _echo_json(checkpoint.document())


@audit.command("key")
def audit_key() -> None:
    """Print the platform's public key (PEM): what `verify-proof --key` checks signatures with."""
    from interfaces.integrity.keys import SigningKey

    typer.echo(SigningKey.from_settings(Settings.from_env()).public_key_pem(), nl=False)


@audit.command("proof")
def audit_proof(
    position: Annotated[int, typer.Argument(help="The event's position (notification id)")],
    checkpoint: Annotated[
        int | None, typer.Option(help="Against the checkpoint of this tree size (default: latest)")
    ] = None,
) -> None:
    """Print the inclusion proof of the event at POSITION against a checkpoint (JSON): the
    event, its leaf, the audit path and the signed checkpoint, checkable offline."""
    with _integrity_log() as log:
        _echo_json(log.inclusion_proof(position, checkpoint))


@audit.command("consistency")
def audit_consistency(
    old: Annotated[int, typer.Argument(help="The older checkpoint's tree size")],
    new: Annotated[int | None, typer.Argument(help="The newer one's (default: latest)")] = None,
) -> None:
    """Print the consistency proof between two checkpoints (JSON): the newer tree extends the
    older one, nothing in it changed."""
    with _integrity_log() as log:
        _echo_json(log.consistency_proof(old, new))


@audit.command("verify")
def audit_verify(
    key: Annotated[
        Path | None,
        typer.Option(help="The platform's public key (PEM) to check checkpoint signatures with"),
    ] = None,
) -> None:
    """Walk the whole store: every stream's hash chain and the Merkle tree against every
    signed checkpoint. Names the first broken link of each broken stream (edited, deleted,
    inserted or reordered rows) and the first checkpoint that no longer matches; exit 1 when
    anything is broken."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from interfaces.persistence.store_check import StoreCheck

    public_pem, note = _public_key(key)
    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        _integrity_log() as log,
        Progress(*columns, console=Console(stderr=True), transient=True) as bar,
    ):
        task = bar.add_task("verify", total=None)
        report = StoreCheck(log, public_pem).run(
            total=lambda n: bar.update(task, total=n),
            step=lambda n: bar.advance(task, n),
        )
    _print_report(report, note)
    if not report.ok:
        raise typer.Exit(code=EXIT_CHECK_FAILED)


def _public_key(path: Path | None) -> tuple[str | None, str]:
    from interfaces.integrity.keys import SigningKey, load_public_key

    if path is not None:
        pem = _read(path, "key")
        try:
            load_public_key(pem)
        except ValueError as error:
            raise CliError(f"{path}: {error}", EXIT_BAD_INPUT) from None
        return pem, f"signatures checked with {path}"
    try:
        return SigningKey.from_settings(Settings.from_env()).public_key_pem(), (
            "signatures checked with the platform's key"
        )
    except ConfigError:
        return None, "signatures NOT checked (no key: pass --key)"


def _print_report(report: StoreReport, note: str) -> None:
    typer.echo(
        f"{report.events} events in {report.streams} streams, "
        f"{report.checkpoints} checkpoints; {note}."
    )
    for link in report.broken:
        typer.echo(
            f"BROKEN stream {link.stream_id}: version {link.version} at position "
            f"{link.position} {link.kind}: {link.detail}"
        )
    if report.checkpoint is not None:
        cp = report.checkpoint
        typer.echo(f"BROKEN checkpoint of {cp.tree_size} events (taken {cp.taken_at}): {cp.detail}")
    if report.head_problem:
        typer.echo(f"BROKEN tree: {report.head_problem}")
    if report.unhashed:
        typer.echo(f"NOT HASHED: {report.unhashed} events predate hashing: run `audit backfill`")
    if report.ok:
        typer.echo("Every stream's chain holds and every checkpoint matches.")


@audit.command("verify-proof")
def audit_verify_proof(
    file: Annotated[Path, typer.Argument(help="A proof document (JSON) from the API or CLI")],
    key: Annotated[Path, typer.Option(help="The platform's public key (PEM)")],
) -> None:
    """Check a proof document offline, with no database: the event's hash, its leaf, the path
    to the signed root, and the checkpoint's signature. Exit 1 naming what does not hold."""
    from interfaces.integrity.documents import check_document
    from interfaces.integrity.keys import load_public_key

    pem = _read(key, "key")
    try:
        load_public_key(pem)
    except ValueError as error:
        raise CliError(f"{key}: {error}", EXIT_BAD_INPUT) from None
    try:
        document = json.loads(_read(file, "proof"))
    except json.JSONDecodeError as error:
        message = f"{file}: not JSON ({error.msg}, line {error.lineno})"
        raise CliError(message, EXIT_BAD_INPUT) from None
    problems = check_document(document, pem)
    for problem in problems:
        typer.echo(f"DOES NOT HOLD: {problem}", err=True)
    if problems:
        raise typer.Exit(code=EXIT_CHECK_FAILED)
    typer.echo(_holds(document))


def _holds(document: dict[str, Any]) -> str:
    if "event" in document:
        event, cp = document["event"], document["checkpoint"]
        return (
            f"The proof holds: the event at position {event['position']} (stream "
            f"{event['stream_id']} version {event['version']}) is leaf {document['leaf']['index']}"
            f" of the tree of {cp['tree_size']} events signed at {cp['taken_at']}."
        )
    old, new = document["old"], document["new"]
    return (
        f"The proof holds: the tree of {new['tree_size']} events ({new['taken_at']}) extends "
        f"the tree of {old['tree_size']} ({old['taken_at']}) without changing it."
    )


def _read(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CliError(f"cannot read the {what} file {path}: {reason}", EXIT_BAD_INPUT) from None


@audit.command("backfill")
def audit_backfill(
    batch: Annotated[int, typer.Option(min=1, help="Events hashed per transaction")] = 5000,
) -> None:
    """One time, for a store written before hashing existed: hash its events into their
    chains and the Merkle tree, in store order. Resumable: each batch commits; run it again
    after an interruption. Writers wait for each batch, then extend the tree after it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with _integrity_log(create_tables=True) as log:
        pending = log.unhashed()
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("backfill", total=pending)
            done = log.backfill(batch, progress=lambda n: bar.advance(task, n))
        size = log.head().size
    typer.echo(f"Hashed {done} events; the tree now holds {size}.")
