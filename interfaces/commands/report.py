"""``steelyard report NAME [filters] [--csv FILE]``: a report as the auditor reads it, printed
as a table or written as CSV (UTF-8 with BOM, Chinese headers), with a progress bar."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from interfaces.commands.common import EXIT_BAD_INPUT, EXIT_USAGE, CliError, open_store

NAMES = ("sales", "deal-feed", "performance", "commissions", "auctions", "rebates")
SHOWN = 50  # rows printed without --csv


def _uuid(value: str | None, what: str) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        raise CliError(f"{what} {value!r} is not an id (a UUID)", EXIT_USAGE) from None


def _day(value: str | None, what: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise CliError(f"{what} {value!r} is not a date (YYYY-MM-DD)", EXIT_USAGE) from None


def report(
    name: Annotated[str, typer.Argument(help=f"One of: {', '.join(NAMES)}")],
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Write every row to this CSV file")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="Business date, inclusive")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Business date, inclusive")] = None,
    by: Annotated[
        str | None, typer.Option(help="sales: category, product, region, customer, manager")
    ] = None,
    grain: Annotated[str | None, typer.Option(help="sales: day or month")] = None,
    category: Annotated[str | None, typer.Option(help="A category code, e.g. HRC")] = None,
    region: Annotated[str | None, typer.Option(help="A sales region")] = None,
    company: Annotated[str | None, typer.Option(help="A customer's id")] = None,
    manager: Annotated[str | None, typer.Option(help="A manager's id")] = None,
    team: Annotated[str | None, typer.Option(help="A supervisor's or director's id")] = None,
    period: Annotated[str | None, typer.Option(help="rebates: YYYY-MM or YYYY")] = None,
) -> None:
    """Export a report read from the reports read model (it catches up first), as the auditor
    sees it: every row of every page. Without --csv, the first rows as a table."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from domain import context
    from domain.context import Actor, CommandContext, Role
    from interfaces.reports import ReportQuery, all_rows, columns_of, csv_text

    if name not in NAMES:
        raise CliError(f"unknown report {name!r}; reports are: {', '.join(NAMES)}", EXIT_USAGE)
    if by is not None and by not in ("category", "product", "region", "customer", "manager"):
        raise CliError(f"--by {by!r}: category, product, region, customer or manager", EXIT_USAGE)
    if grain is not None and grain not in ("day", "month"):
        raise CliError(f"--grain {grain!r}: day or month", EXIT_USAGE)
    query = ReportQuery(
        start=_day(start, "--from"), end=_day(end, "--to"), category=category, region=region,
        company_id=_uuid(company, "--company"), manager_id=_uuid(manager, "--manager"),
        team_id=_uuid(team, "--team"), by=by, grain=grain, period=period,
    )  # fmt: skip
    services = open_store()
    auditor = CommandContext(actor=Actor(None, Role.AUDITOR), request_id=f"cli:report:{name}")
    columns = columns_of(name, query)
    try:
        services.projections.catch_up(["reports", "auctions", "rebates"])
        with context.acting(auditor), Progress(transient=csv_file is None) as progress:
            task = progress.add_task(f"report {name}", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=max(total, 1))

            rows = all_rows(services, auditor.actor, name, query, advance)
            if csv_file is not None:
                try:
                    with csv_file.open("w", encoding="utf-8", newline="") as out:
                        for chunk in csv_text(columns, rows):
                            out.write(chunk)
                except OSError as exc:
                    raise CliError(
                        f"cannot write {csv_file}: {exc.strerror}", EXIT_BAD_INPUT
                    ) from None
                shown = []
            else:
                shown = [row for _, row in zip(range(SHOWN), rows, strict=False)]
    finally:
        services.close()
    if csv_file is not None:
        typer.echo(f"wrote {csv_file}")
        return
    table = Table(*(header for _, header in columns))
    for row in shown:
        table.add_row(*("" if row.get(k) is None else str(row.get(k)) for k, _ in columns))
    Console(width=200).print(table)
