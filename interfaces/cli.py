"""The ``steelyard`` command for operators and auditors.

Every error is one line on stderr and one of the exit codes below (README, "Command line"),
never a traceback. Commands that only read (status, reconcile, rebuild, project, scheduler,
audit …) never create a store: with none at the configured location they stop with exit 3.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from domain.errors import DomainError
from interfaces.commands import (  # noqa: F401 (each registers its audit commands)
    audit_history,
    audit_integrity,
)
from interfaces.commands.audit import audit
from interfaces.commands.common import (
    EXIT_BAD_INPUT,
    EXIT_CHECK_FAILED,
    EXIT_USAGE,
    CliError,
    GuardedGroup,
    configure_logs,
    open_store,
    store_location,
)
from interfaces.commands.report import report
from interfaces.config import Settings

if TYPE_CHECKING:
    from interfaces.wiring import Services


app = typer.Typer(
    cls=GuardedGroup, help="Steelyard: the trading ledger's operator and auditor tools."
)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    demo: Annotated[
        bool, typer.Option(help="Seed demo data first: only into an empty SQLite store")
    ] = False,
    force_demo: Annotated[
        bool, typer.Option(help="With --demo: seed even a non-empty or PostgreSQL store")
    ] = False,
    scheduler: Annotated[
        bool, typer.Option(help="Run the time-driven rules in this process")
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="API worker processes (PostgreSQL only); this process then projects",
        ),
    ] = 1,
) -> None:
    """Serve the REST API (docs at /docs). With ``--workers N`` (PostgreSQL), N stateless API
    processes share the port, and this process keeps the read models up to date (the one
    projector) and runs the scheduler (which runs in one process at a time anyway)."""
    import uvicorn

    from interfaces.api.app import create_app
    from interfaces.scheduler import Scheduler

    configure_logs()
    settings = Settings.from_env()
    if workers > 1 and settings.persistence != "postgres":
        raise CliError(
            "--workers needs PostgreSQL (STEELYARD_PERSISTENCE=postgres): the embedded SQLite "
            "store is for one process",
            EXIT_USAGE,
        )
    services = open_store(read_only=False)  # creates the tables once, before any worker
    settings = services.settings
    try:
        if demo:
            _seed_for_serve(services, force_demo)
        typer.echo(f"Steelyard on http://{host}:{port}/docs  (store: {store_location(settings)})")
        jobs = Scheduler(services) if scheduler else None
        if jobs:
            jobs.start()
        try:
            if workers == 1:
                uvicorn.run(create_app(settings, services), host=host, port=port, log_config=None)
            else:
                _serve_workers(services, host, port, workers)
        finally:
            if jobs:
                jobs.stop()
    finally:
        services.close()


def _serve_workers(services: Services, host: str, port: int, workers: int) -> None:
    """N uvicorn worker processes on the app factory, each building its own services from the
    same environment with the projections left to this process."""
    import uvicorn

    os.environ["STEELYARD_PROJECTIONS"] = "external"  # the workers read it; this one projects
    services.projections.start()
    try:
        uvicorn.run(
            "interfaces.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            # a worker builds its services (pools, read-model set-up) before it answers the
            # supervisor's health check: on a busy machine that takes longer than the 5 s default
            timeout_worker_healthcheck=60,
        )
    finally:
        services.projections.stop()


def _seed_for_serve(services: Services, force: bool) -> None:
    """Seed the demo into an empty SQLite store; a store holding the demo already is left as
    it is; anything else (other data, PostgreSQL) only with --force-demo."""
    from interfaces.demo import seed, seeded

    if seeded(services):
        typer.echo("Demo data already present.")
        return
    where = store_location(services.settings)
    if not force and services.settings.persistence == "postgres":
        raise CliError(
            f"--demo would seed demo people into PostgreSQL ({where}); "
            "add --force-demo if that is what you want",
            EXIT_USAGE,
        )
    if not force and services.ledger.head():
        raise CliError(
            f"--demo would mix demo people into a store that holds other data ({where}, "
            f"{services.ledger.head()} events); add --force-demo if that is what you want",
            EXIT_USAGE,
        )
    seed(services)
    typer.echo("Seeded demo data (see README for the demo sign-ins).")


@app.command("seed-demo")
def seed_demo() -> None:
    """Load the demo staff, customers and their history (idempotent)."""
    from interfaces.demo import seed

    services = open_store(read_only=False)
    try:
        typer.echo("Seeded demo data." if seed(services) else "Demo data already present.")
    finally:
        services.close()


@app.command("import-registry")
def import_registry(
    csv_file: Annotated[
        Path, typer.Argument(help="The export: UTF-8 (with or without BOM) or GBK")
    ],
) -> None:
    """Import the ERP's customer export (CSV: credit_code,name,customer_no[,region]). Every bad
    row is named with its line, and then nothing is imported (exit 4)."""
    from domain import context
    from domain.context import CommandContext
    from interfaces.registry_csv import decode_registry, parse_registry_csv

    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise CliError(
            f"cannot read {csv_file.resolve()}: {exc.strerror}", EXIT_BAD_INPUT
        ) from None
    try:
        entries = parse_registry_csv(decode_registry(data))
    except DomainError as exc:
        raise CliError(f"{csv_file}: {exc.detail}", EXIT_BAD_INPUT) from None
    services = open_store(read_only=False)
    try:
        with context.acting(CommandContext(request_id=f"cli:import:{csv_file.name}")):
            outcome = services.identity.import_registry(entries, str(csv_file.name))
        typer.echo(f"{outcome.result['received']} rows read, {outcome.result['changed']} changed.")
    finally:
        services.close()


@app.command()
def scheduler(
    once: Annotated[
        bool, typer.Option(help="Run every job once, print JSON, exit 1 if any failed")
    ] = False,
    interval: Annotated[float, typer.Option(help="Seconds between runs")] = 60.0,
) -> None:
    """Run the time-driven rules (lapsed bindings, due bills, timeouts) as their own process.
    Each run is logged with its time; SIGTERM (or Ctrl-C) lets the run in flight finish, exit 0.
    Only one scheduler runs the jobs at a time (a lease in the store); others stand by."""
    import signal
    import threading

    from interfaces.lease import Lease
    from interfaces.scheduler import run_loop, tick

    configure_logs()
    services = open_store()
    try:
        if once:
            lease = Lease(services.settings, "scheduler")
            if not lease.held():
                raise CliError(
                    f"another scheduler is running ({lease.where}); it runs the jobs, so this "
                    "run would only repeat them: stop it first, or wait for its next tick",
                    EXIT_CHECK_FAILED,
                )
            try:
                _report_once(tick(services))
            finally:
                lease.release()
            return
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        log = logging.getLogger("steelyard.scheduler")
        log.info("scheduler every %ss on %s", interval, store_location(services.settings))
        run_loop(services, interval, stop)
        log.info("scheduler stopped")
    finally:
        services.close()


def _report_once(runs: list[Any]) -> None:
    """The runs as JSON on stdout: each job's name, what it did, its error (null if none)."""
    jobs = [{"name": r.name, "result": r.result, "error": r.error} for r in runs]
    ok = all(run.ok for run in runs)
    report = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "ok": ok, "jobs": jobs}
    typer.echo(json.dumps(report, default=str, ensure_ascii=False, indent=2))
    if not ok:
        raise typer.Exit(code=EXIT_CHECK_FAILED)


@app.command()
def project() -> None:
    """Keep the read models up to date as their own process (resumes where it stopped)."""
    configure_logs()
    services = open_store()
    try:
        services.projections.run_forever()
    finally:
        services.close()


@app.command()
def rebuild(
    name: Annotated[str | None, typer.Argument(help="One projection; all when omitted")] = None,
) -> None:
    """Rebuild the read models (all, or the one named) from the first event into new tables,
    with a progress bar, and switch to them once caught up (queries keep answering from the
    old ones meanwhile); prints each one's digest before and after. An unknown name is refused
    with the valid names (exit 2)."""
    from rich.progress import Progress

    from projections.all import all_projections

    names = [projection.name for projection in all_projections()]
    if name is not None and name not in names:
        raise CliError(f"no read model {name!r}; the read models: {', '.join(names)}", EXIT_USAGE)
    services = open_store()
    try:
        with Progress() as progress:
            tasks: dict[str, object] = {}

            def on_batch(projection: str, position: int, head: int) -> None:
                if projection not in tasks:
                    tasks[projection] = progress.add_task(projection, total=max(head, 1))
                progress.update(tasks[projection], completed=position)  # type: ignore[arg-type]

            rebuilt = services.projections.rebuild_compared(name, on_batch=on_batch)
        for r in rebuilt:
            same = "same rows" if r.same else "different rows"
            typer.echo(
                f"{r.name}: position {r.position} of {services.projections.status()[r.name].head}"
                f"; digest before {r.before[:16]} (position {r.before_position}), "
                f"after {r.after[:16]}: {same}"
            )
    finally:
        services.close()


@app.command()
def status() -> None:
    """How far behind each read model is; a stopped one is shown as STOPPED with its error, and
    the exit code is then 1."""
    services = open_store()
    try:
        statuses = list(services.projections.status().values())
    finally:
        services.close()
    typer.echo(f"store: {store_location(services.settings)}")
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
    from projections.balances.projection import BalancesProjection
    from projections.runner import ProjectionError

    services = open_store()
    try:
        try:  # not needed for a true report (each account is compared at one version): fresher
            services.projections.catch_up([BalancesProjection.name])
        except ProjectionError as stopped:
            typer.echo(f"balances is STOPPED ({stopped}); reconciling what it holds.", err=True)
        check = reconciler(services)
        companies = check.companies()
        with Progress() as progress:
            total = max(len(companies), 1)
            task = progress.add_task("reconciling", total=total)
            result = check.run(lambda _: progress.advance(task), companies)
            progress.update(task, completed=total)  # none to check is finished too
    finally:
        services.close()
    typer.echo(f"store: {store_location(services.settings)}")
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


app.add_typer(audit, name="audit")
app.command("report")(report)


def main() -> None:
    app()
