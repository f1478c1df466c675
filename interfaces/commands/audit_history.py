"""``steelyard audit show`` and ``check-statement``: a stream as of a version or a moment, and
a balance confirmation checked against its signature and the store."""

from __future__ import annotations

import json
from typing import Annotated, Any
from uuid import UUID

import typer

from interfaces.commands.audit import audit
from interfaces.commands.common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_USAGE,
    CliError,
    open_store,
)


@audit.command("show")
def audit_show(
    stream_id: Annotated[str, typer.Argument(help="The stream's id: any aggregate's id")],
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="As it stood at this moment: ISO 8601 with its zone (…Z or …+08:00)"
        ),
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="As it stood at this version")
    ] = None,
) -> None:
    """Show any aggregate as it stood at a version or a moment (neither: now): every event up
    to it with its position, time (UTC and Asia/Shanghai), who caused it and why, then the
    aggregate's fields (secrets hidden). A version past the stream's end, a moment before its
    first event or an unknown stream: exit 4, naming it."""
    from rich.console import Console

    from interfaces.history.stream import parse_moment, stream_as_of

    if at is not None and version is not None:
        raise CliError("give --at or --version, not both", EXIT_USAGE)
    try:
        stream = UUID(stream_id)
    except ValueError:
        raise CliError(f"{stream_id!r} is not a stream id (a UUID)", EXIT_USAGE) from None
    moment = parse_moment(at) if at is not None else None
    services = open_store()
    try:
        found = stream_as_of(services.ledger, stream, version, moment)
    finally:
        services.close()
    console = Console(width=200)
    console.print(_events_table(found))
    console.print(_state_table(found))


def _events_table(found: Any) -> Any:
    from rich.table import Table

    from interfaces.history.render import utc_text
    from interfaces.history.stream import shanghai_text

    title = (
        f"{found.aggregate} {found.stream_id}: version {found.version} of {found.last_version}, "
        f"as of {utc_text(found.as_of)} ({shanghai_text(found.as_of)})"
    )
    table = Table("ver", "pos", "time (UTC)", "Asia/Shanghai", "event", "who", "request", "reason")
    table.title = title
    for e in found.events:
        who = f"{e.role or '-'} {e.user_id or ''}".strip()
        table.add_row(
            str(e.version),
            str(e.position or "-"),
            utc_text(e.time),
            shanghai_text(e.time),
            e.type,
            who,
            e.request_id or "-",
            e.reason or "",
        )
    return table


def _state_table(found: Any) -> Any:
    from rich.table import Table

    table = Table("field", "value", title=f"{found.aggregate} at version {found.version}")
    for name, value in found.state.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        table.add_row(name, text)
    return table


@audit.command("check-statement")
def audit_check_statement(
    file: Annotated[str, typer.Argument(help="The statement's JSON file, as downloaded")],
    key: Annotated[
        str | None,
        typer.Option(
            "--key", help="The platform's public key (PEM file); default: the configured key's"
        ),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="Check the signature only, with --key, without the event store"
        ),
    ] = False,
) -> None:
    """Check a balance confirmation (对账单): its Ed25519 signature against the platform's key,
    then every figure, bucket, journal line and open contract recomputed from the store. Exit 1
    naming each mismatch; exit 4 for a file that cannot be read."""
    from pathlib import Path

    from interfaces.statements.check import check_document, read_document
    from interfaces.statements.signing import signature_problems

    try:
        document = read_document(Path(file))
    except ValueError as error:
        raise CliError(str(error), EXIT_BAD_INPUT) from None
    if offline:
        if key is None:
            raise CliError("--offline needs --key: the platform's public key", EXIT_USAGE)
        problems = signature_problems(document, _read_key(key))
    else:
        services = open_store()
        try:
            problems = check_document(services.ledger, document, _platform_pem(services, key))
        finally:
            services.close()
    statement = document.get("statement") or {}
    company = (statement.get("company") or {}) if isinstance(statement, dict) else {}
    what = f"statement of {company.get('name', '?')} as of {statement.get('as_of', '?')}"
    for problem in problems:
        typer.echo(f"MISMATCH: {problem}", err=True)
    if problems:
        typer.echo(f"{what}: {len(problems)} problem(s)", err=True)
        raise typer.Exit(code=EXIT_CHECK_FAILED)
    if offline:
        typer.echo(f"{what}: the signature holds (figures not checked: --offline).")
    else:
        typer.echo(f"{what}: the signature holds and every figure matches the store.")


def _platform_pem(services: Any, key: str | None) -> str:

    from interfaces.statements.issue import platform_key

    if key is None:
        return platform_key(services.settings).public_key_pem()
    return _read_key(key)


def _read_key(key: str) -> str:
    from pathlib import Path

    try:
        return Path(key).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"cannot read the public key {key}: {error}", EXIT_BAD_INPUT) from None
