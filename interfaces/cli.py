"""The ``steelyard`` command for operators and auditors."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from interfaces.config import Settings

app = typer.Typer(help="Steelyard: the trading ledger's operator and auditor tools.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    demo: Annotated[bool, typer.Option(help="Seed demo data first if the store is empty")] = False,
    scheduler: Annotated[
        bool, typer.Option(help="Run the time-driven rules in this process")
    ] = True,
) -> None:
    """Serve the REST API (docs at /docs)."""
    import uvicorn

    from interfaces.api.app import create_app
    from interfaces.demo import seed
    from interfaces.scheduler import Scheduler
    from interfaces.wiring import Services

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = Settings.from_env()
    services = Services.build(settings)
    if demo and seed(services):
        typer.echo("Seeded demo data (see README for the demo sign-ins).")
    typer.echo(f"Steelyard on http://{host}:{port}/docs  (store: {settings.persistence})")
    jobs = Scheduler(services) if scheduler else None
    if jobs:
        jobs.start()
    try:
        uvicorn.run(create_app(settings, services), host=host, port=port, log_level="info")
    finally:
        if jobs:
            jobs.stop()
        services.close()


@app.command("seed-demo")
def seed_demo() -> None:
    """Load the demo staff, customers and their history (idempotent)."""
    from interfaces.demo import seed
    from interfaces.wiring import Services

    services = Services.build(Settings.from_env())
    try:
        typer.echo("Seeded demo data." if seed(services) else "Demo data already present.")
    finally:
        services.close()


@app.command("import-registry")
def import_registry(csv_file: Path) -> None:
    """Import the ERP's customer export (CSV: credit_code,name,customer_no[,region])."""
    from domain import context
    from domain.context import CommandContext
    from interfaces.registry_csv import parse_registry_csv
    from interfaces.wiring import Services

    entries = parse_registry_csv(csv_file.read_text(encoding="utf-8"))
    services = Services.build(Settings.from_env())
    try:
        with context.acting(CommandContext(request_id=f"cli:import:{csv_file.name}")):
            outcome = services.identity.import_registry(entries, str(csv_file.name))
        typer.echo(f"{outcome.result['received']} rows read, {outcome.result['changed']} changed.")
    finally:
        services.close()


@app.command()
def scheduler(
    once: Annotated[bool, typer.Option(help="Run every due job once and exit")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between runs")] = 60.0,
) -> None:
    """Run the time-driven rules (lapsed bindings, due bills, timeouts) as their own process."""
    import time

    from interfaces.scheduler import run_due
    from interfaces.wiring import Services

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    services = Services.build(Settings.from_env(), create_tables=False)
    try:
        while True:
            typer.echo(run_due(services))
            if once:
                return
            time.sleep(interval)
    finally:
        services.close()


@app.command()
def project() -> None:
    """Keep the read models up to date as their own process (resumes where it stopped)."""
    from interfaces.wiring import Services

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    services = Services.build(Settings.from_env(), create_tables=False)
    try:
        services.projections.run_forever()
    finally:
        services.close()


@app.command()
def rebuild(
    name: Annotated[str | None, typer.Argument(help="One projection; all when omitted")] = None,
) -> None:
    """Drop the read models and rebuild them from the first event, with a progress bar."""
    from rich.progress import Progress

    from interfaces.wiring import Services

    services = Services.build(Settings.from_env())
    try:
        with Progress() as progress:
            tasks: dict[str, object] = {}

            def on_batch(projection: str, position: int, head: int) -> None:
                if projection not in tasks:
                    tasks[projection] = progress.add_task(projection, total=max(head, 1))
                progress.update(tasks[projection], completed=position)  # type: ignore[arg-type]

            services.projections.rebuild(name, on_batch=on_batch)
        for status in services.projections.status().values():
            typer.echo(f"{status.name}: position {status.position} of {status.head}")
    finally:
        services.close()


@app.command()
def status() -> None:
    """How far behind each read model is; a stopped one is shown as STOPPED with its error, and
    the exit code is then 1."""
    from interfaces.wiring import Services

    services = Services.build(Settings.from_env())
    try:
        statuses = list(services.projections.status().values())
    finally:
        services.close()
    for item in statuses:
        line = f"{item.name}: position {item.position} of {item.head}, lag {item.lag}"
        typer.echo(f"{line}  STOPPED: {item.last_error}" if item.stopped else line)
    stopped = [item.name for item in statuses if item.stopped]
    if stopped:
        typer.echo(
            f"STOPPED: {', '.join(stopped)}. Its queries stay behind until the cause is fixed; "
            "then `steelyard rebuild NAME` or restart the projections.",
            err=True,
        )
        raise typer.Exit(code=1)


@app.command()
def reconcile() -> None:
    """Check every customer's balances read model against the journal replayed from the events,
    and that every journal entry balances. Exit code 1 when anything differs."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from interfaces.reconcile import reconciler
    from interfaces.wiring import Services
    from projections.balances.projection import BalancesProjection
    from projections.runner import ProjectionError

    services = Services.build(Settings.from_env())
    try:
        try:  # not needed for a true report (each account is compared at one version): fresher
            services.projections.catch_up([BalancesProjection.name])
        except ProjectionError as stopped:
            typer.echo(f"balances is STOPPED ({stopped}); reconciling what it holds.", err=True)
        check = reconciler(services)
        companies = check.companies()
        with Progress() as progress:
            task = progress.add_task("reconciling", total=max(len(companies), 1))
            result = check.run(lambda _: progress.advance(task), companies)
    finally:
        services.close()
    typer.echo(
        f"{result.companies} companies, {result.entries} journal entries, "
        f"store position {result.head}: {len(result.differences)} difference(s)"
    )
    if result.ok:
        return
    table = Table("figure", "view", "replayed")
    table.add_column("company", no_wrap=True, min_width=36)
    for difference in result.differences:
        table.add_row(
            difference.figure, difference.view, difference.replayed, str(difference.company_id)
        )
    Console().print(table)
    raise typer.Exit(code=1)


audit = typer.Typer(help="Auditors: replay a history from its events alone.")
app.add_typer(audit, name="audit")


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
    from interfaces.wiring import Services

    services = Services.build(Settings.from_env(), create_tables=False)
    auditor = CommandContext(actor=Actor(None, Role.AUDITOR), request_id="cli:audit:auction")
    try:
        with context.acting(auditor):
            replay = services.auctions.replay(UUID(lot_id))
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


def main() -> None:
    app()
