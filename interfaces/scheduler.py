"""Time-driven rules: finds what is due and issues the ordinary commands.

Every job is idempotent (it re-checks from fresh state inside its command), so running the
scheduler twice, or late, changes nothing twice. It runs in-process with the embedded default
and as its own process (`steelyard scheduler`) in deployment.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from domain import context
from domain.context import Actor, CommandContext
from interfaces.wiring import Services

log = logging.getLogger("steelyard.scheduler")

Job = Callable[[Services], Any]


def lapse_idle_bindings(services: Services) -> Any:
    return services.accounts.lapse_idle_bindings()


JOBS: dict[str, Job] = {
    "lapse_idle_bindings": lapse_idle_bindings,
}


def run_due(services: Services) -> dict[str, Any]:
    """Run every job once, as the system, on the services' clock; a failing job is logged and
    reported, and does not stop the others."""
    results: dict[str, Any] = {}
    ctx = CommandContext(actor=Actor.system(), request_id="scheduler", clock=services.clock)
    with context.acting(ctx):
        for name, job in JOBS.items():
            try:
                results[name] = job(services)
            except Exception as exc:
                log.exception("scheduled job %s failed", name)
                results[name] = f"failed: {exc}"
    return results


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
        while not self._stop.is_set():
            run_due(self.services)
            self._stop.wait(self.interval)
