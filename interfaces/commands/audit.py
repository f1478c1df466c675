"""``steelyard audit …``: auditors replay histories from their events alone."""

from __future__ import annotations

from typing import Annotated

import typer

from interfaces.commands.common import EXIT_USAGE, CliError, open_store

audit = typer.Typer(
    help="Auditors: replay a history from its events alone, check the store and its proofs."
)


@audit.command("auction")
def audit_auction(lot_id: Annotated[str, typer.Argument(help="The auction lot's id")]) -> None:
    """Rebuild an auction lot from its events alone and show every step re-checked: each
    accepted bid, each extension with the bid that caused it, the winner and why, each deposit
    movement. Exit code 1 when a step does not hold."""
    from uuid import UUID

    from rich.console import Console
    from rich.table import Table

    from domain import context
    from domain.context import Actor, CommandContext, Role
    from interfaces.api.responses import wire

    try:
        lot = UUID(lot_id)
    except ValueError:
        raise CliError(f"{lot_id!r} is not an auction lot id (a UUID)", EXIT_USAGE) from None
    services = open_store()
    auditor = CommandContext(actor=Actor(None, Role.AUDITOR), request_id="cli:audit:auction")
    try:
        with context.acting(auditor):
            replay = services.auctions.replay(lot)
    finally:
        services.close()
    table = Table("at (UTC)", "step", "what")
    for step in replay.steps:
        detail = ", ".join(f"{k}={v}" for k, v in wire(step.detail).items() if v is not None)
        table.add_row(wire(step.at), step.kind, detail)
    Console(width=160).print(table)
    board = replay.board(auditor.now())
    typer.echo(f"lot {replay.lot.lot_no}: {board.state.value} {board.label}; {replay.why}")
    if replay.lot.winner_id is not None:
        typer.echo(f"winner {replay.lot.winner_id}, contract {replay.lot.contract_id}")
    for problem in replay.problems:
        typer.echo(f"DOES NOT HOLD: {problem}", err=True)
    if not replay.proven:
        raise typer.Exit(code=1)
    typer.echo("Every step holds: the history proves the outcome.")
