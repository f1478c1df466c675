"""Prometheus metrics of one process (prometheus-client), in a registry of its own.

One ``Metrics`` per ``Services``: the HTTP middleware counts requests, the command runner tells
``command_batch`` of each batch it wrote (its ``on_batch`` hook, set at wiring: the domain knows
no metrics library), the scheduler tells ``job_ran`` of each job. The read models' position,
lag and stopped state are read from the projection runner's status when scraped, so they are
true for every read model, whichever process keeps it up to date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

log = logging.getLogger("steelyard.metrics")

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64)

StatusSource = Callable[[], Mapping[str, Any]]  # name → ProjectionStatus


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "steelyard_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "steelyard_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template, method and status.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.batches = Counter(
            "steelyard_command_batches",
            "Command batches written (one transaction each).",
            registry=r,
        )
        self.commands = Counter(
            "steelyard_commands", "Commands decided in a batch (refused ones too).", registry=r
        )
        self.batch_size = Histogram(
            "steelyard_command_batch_size",
            "Commands per batch.",
            buckets=BATCH_BUCKETS,
            registry=r,
        )
        self.conflicts = Counter(
            "steelyard_command_conflicts",
            "Writes refused because another process wrote first; each is one retry of the batch.",
            registry=r,
        )
        self.job_runs = Counter(
            "steelyard_scheduler_job_runs",
            "Scheduler job runs, by job and outcome (ok, failed).",
            ["job", "outcome"],
            registry=r,
        )

    def request(self, route: str, method: str, status: int, seconds: float) -> None:
        labels = (route, method, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def command_batch(self, size: int, conflicts: int) -> None:
        self.batches.inc()
        self.commands.inc(size)
        self.batch_size.observe(size)
        self.conflicts.inc(conflicts)

    def job_ran(self, job: str, ok: bool) -> None:
        self.job_runs.labels(job, "ok" if ok else "failed").inc()

    def watch_projections(self, status: StatusSource) -> None:
        self.registry.register(ProjectionGauges(status))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class ProjectionGauges(Collector):
    """Each read model's position, lag and stopped state, read when scraped."""

    def __init__(self, status: StatusSource) -> None:
        self.status = status

    def describe(self) -> Iterator[Metric]:
        return iter(())  # computed at scrape time: nothing to check at registration

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("steelyard_store_up", "1 when the store answered this scrape.")
        try:
            statuses = self.status()
        except Exception:  # a scrape still answers: the store is down, and says so
            log.exception("metrics: the projections' status could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        gauges = {
            "position": GaugeMetricFamily(
                "steelyard_projection_position", "Last event position applied.", labels=["name"]
            ),
            "lag": GaugeMetricFamily(
                "steelyard_projection_lag", "Events behind the store's head.", labels=["name"]
            ),
            "stopped": GaugeMetricFamily(
                "steelyard_projection_stopped",
                "1 when the read model stopped at an event it cannot process.",
                labels=["name"],
            ),
        }
        head = 0
        for name, status in sorted(statuses.items()):
            head = max(head, status.head)
            gauges["position"].add_metric([name], status.position)
            gauges["lag"].add_metric([name], status.lag)
            gauges["stopped"].add_metric([name], 1 if status.stopped else 0)
        yield from gauges.values()
        store_head = GaugeMetricFamily("steelyard_store_head", "The newest event position.")
        store_head.add_metric([], head)
        yield store_head
