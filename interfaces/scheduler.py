"""Time-driven rules: finds what is due and issues the ordinary commands.

Every job is idempotent (it re-checks from fresh state inside its command), so running the
scheduler twice, or late, changes nothing twice. It runs in-process with the embedded default
and as its own process (`steelyard scheduler`) in deployment.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain import context
from domain.auctions.errors import AuctionNotEndedError
from domain.commands import Outcome
from domain.context import Actor, CommandContext
from domain.errors import DomainError, NotFoundError
from interfaces.lease import Lease
from interfaces.wiring import Services

log = logging.getLogger("steelyard.scheduler")

Job = Callable[[Services], Any]


def lapse_idle_bindings(services: Services) -> Any:
    return services.accounts.lapse_idle_bindings()


def issue_credit_bills(services: Services) -> Any:
    """On each line's billing day, bill the debt added in the period (once per billing day)."""
    results, failed = _for_each_credit_line(services, services.funds.issue_credit_bill)
    billed = sum(1 for r in results if r.get("bill_id"))
    return {"lines": len(results), "billed": billed, "failed": failed}


def assess_credit_lines(services: Services) -> Any:
    """Freeze lines with an overdue bill, charge late fees for new overdue days, unfreeze."""
    results, failed = _for_each_credit_line(services, services.funds.assess_credit)
    return {
        "frozen": sum(1 for r in results if r.get("credit_frozen")),
        "late_fees": sum(len(r.get("late_fees", ())) for r in results),
        "failed": failed,
    }


def _for_each_credit_line(
    services: Services, command: Callable[[UUID], Outcome[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Run a funds command for every customer company; those without a funds account or a
    credit line are skipped. A company whose command is refused is logged and reported (and
    tried again on the next run) without stopping the others."""
    results, failed = [], []
    for company_id in _customer_ids(services):
        try:
            results.append(command(company_id).result)
        except NotFoundError:
            continue  # no funds account yet
        except DomainError as exc:
            if exc.code == "no_credit_line":
                continue
            log.warning("credit job for company %s refused: %s", company_id, exc.detail)
            failed.append(f"{company_id}: {exc.code}")
    return results, failed


def _customer_ids(services: Services, page: int = 500) -> Iterator[UUID]:
    """Every customer company in the account directory, page by page."""
    offset = 0
    while True:
        rows = services.directory.list(limit=page, offset=offset)
        yield from (row["account_id"] for row in rows)
        if len(rows) < page:
            return
        offset += page


def cancel_overdue_orders(services: Services) -> Any:
    """Cancel orders still unpaid after their payment deadline, releasing their stock and
    funds. The tracking view finds them; each is re-checked from fresh state, so a row the view
    has not yet caught up on changes nothing. One refused order does not stop the others."""
    due = services.tracking.overdue_orders(context.current().now())
    cancelled, failed = 0, []
    for order_id in due:
        try:
            cancelled += len(services.orders.cancel_overdue([order_id]))
        except DomainError as exc:
            log.warning("overdue order %s not cancelled: %s", order_id, exc.detail)
            failed.append(f"{order_id}: {exc.code}")
    return {"due": len(due), "cancelled": cancelled, "failed": failed}


def close_due_auctions(services: Services) -> Any:
    """Close every lot past its (extended) end: award it or leave it unsold, release the
    losers' deposits. The auction view finds them; each is closed from fresh state, so a lot
    closed already, or one whose extension the view had not yet seen, changes nothing."""
    due = services.auction_views.due_to_close(context.current().now())
    closed, failed = 0, []
    for lot_id in due:
        try:
            closed += bool(services.auctions.close_lot(lot_id).result["closed"])
        except AuctionNotEndedError:
            continue  # extended meanwhile: due later
        except DomainError as exc:
            log.warning("auction lot %s not closed: %s", lot_id, exc.detail)
            failed.append(f"{lot_id}: {exc.code}")
    return {"due": len(due), "closed": closed, "failed": failed}


def forfeit_overdue_awards(services: Services) -> Any:
    """Awards still unpaid after their payment day: the deposit is forfeited under a breach
    notice (违约通知), the contract voided, the stock back on sale; re-checked from fresh state."""
    due = services.auction_views.overdue_awards(context.current().today())
    forfeited, failed = 0, []
    for lot_id in due:
        try:
            forfeited += bool(services.auctions.forfeit_overdue(lot_id).result["forfeited"])
        except DomainError as exc:
            log.warning("auction award %s not forfeited: %s", lot_id, exc.detail)
            failed.append(f"{lot_id}: {exc.code}")
    return {"due": len(due), "forfeited": forfeited, "failed": failed}


def take_checkpoint(services: Services) -> Any:
    """Sign the store's Merkle tree (size, root, time) if events were written since the last
    checkpoint. Without a configured key (PostgreSQL and no STEELYARD_SIGNING_KEY_FILE) it
    says so and signs nothing."""
    from interfaces.config import ConfigError
    from interfaces.integrity.keys import SigningKey
    from interfaces.persistence.integrity_log import IntegrityLog

    try:
        key = SigningKey.from_settings(services.settings)
    except ConfigError as error:
        log.warning("no checkpoint taken: %s", error)
        return {"skipped": str(error)}
    checkpoint = IntegrityLog.of(services.ledger).take_checkpoint(key, context.current().now())
    return {"tree_size": checkpoint.tree_size if checkpoint else 0}


JOBS: dict[str, Job] = {
    "lapse_idle_bindings": lapse_idle_bindings,
    "issue_credit_bills": issue_credit_bills,
    "assess_credit_lines": assess_credit_lines,
    "cancel_overdue_orders": cancel_overdue_orders,
    "close_due_auctions": close_due_auctions,
    "forfeit_overdue_awards": forfeit_overdue_awards,
    "take_checkpoint": take_checkpoint,
}


@dataclass(frozen=True)
class JobRun:
    """One job's run: what it did, or the error that stopped it; ``failed`` lists the items it
    refused (each is tried again on the next run)."""

    name: str
    result: Any = None
    error: str | None = None

    @property
    def failed(self) -> list[str]:
        if isinstance(self.result, dict):
            return list(self.result.get("failed") or ())
        return []

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed


def run_jobs(services: Services) -> list[JobRun]:
    """Run every job once, as the system, on the services' clock; a failing job is logged and
    reported, and does not stop the others."""
    runs: list[JobRun] = []
    ctx = CommandContext(actor=Actor.system(), request_id="scheduler", clock=services.clock)
    with context.acting(ctx):
        for name, job in JOBS.items():
            try:
                runs.append(JobRun(name, job(services)))
            except Exception as exc:  # reported as this job's error; the others still run
                log.exception("scheduled job %s failed", name)
                runs.append(JobRun(name, error=f"{type(exc).__name__}: {exc}"))
            services.metrics.job_ran(name, runs[-1].ok)
    return runs


def run_due(services: Services) -> dict[str, Any]:
    """Every job's result by name (a failed job: ``"failed: <error>"``)."""
    return {
        run.name: run.result if run.error is None else f"failed: {run.error}"
        for run in run_jobs(services)
    }


def tick(services: Services) -> list[JobRun]:
    """One run of every job, logged with its time and what failed."""
    started = datetime.now(UTC)
    runs = run_jobs(services)
    bad = [run.name for run in runs if not run.ok]
    log.info(
        "scheduler tick at %s: %d jobs in %.2fs, %s",
        started.isoformat(timespec="seconds"),
        len(runs),
        (datetime.now(UTC) - started).total_seconds(),
        f"failed: {', '.join(bad)}" if bad else "all ok",
    )
    return runs


STANDBY_SECONDS = 5.0  # how often a scheduler standing by asks for the lease


def run_loop(
    services: Services, interval: float, stop: threading.Event, lease: Lease | None = None
) -> None:
    """Tick every ``interval`` seconds until ``stop`` is set; a tick in flight finishes first.
    Only while this process holds the scheduler's lease (interfaces/lease.py): another
    scheduler started beside it stands by and takes over when the holder stops or dies."""
    lease = lease or Lease(services.settings, "scheduler")
    standing_by = False
    try:
        while not stop.is_set():
            if lease.held():
                if standing_by:
                    log.info("scheduler: took over the lease (%s)", lease.where)
                standing_by = False
                tick(services)
                stop.wait(interval)
                continue
            if not standing_by:
                log.info(
                    "scheduler: another process holds the lease (%s); standing by", lease.where
                )
                standing_by = True
            stop.wait(min(interval, STANDBY_SECONDS))
    finally:
        lease.release()


class Scheduler:
    def __init__(self, services: Services, interval_seconds: float = 60.0) -> None:
        self.services = services
        self.interval = interval_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        run_loop(self.services, self.interval, self._stop)
