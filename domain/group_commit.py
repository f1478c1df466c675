"""Group commit: callers queue their jobs, one of them at a time drains the queue in batches.

The classic leader/follower scheme of a database's log writer, without a thread of its own: a
caller that finds nobody processing becomes the leader and hands the queued jobs, in arrival
order and at most ``max_batch`` at a time, to ``process``; the others wait for their own job to
be completed. Jobs that arrive while a batch is being processed form the next batch, so under
load every transaction carries many jobs and at rest a job waits for no one (no linger).
"""

from __future__ import annotations

import contextvars
import threading
from collections import deque
from collections.abc import Callable
from typing import Any


class Job:
    """One caller's piece of work; ``process`` must ``finish`` or ``fail`` every job it gets."""

    def __init__(self, work: Any, context: contextvars.Context) -> None:
        self.work = work
        self.context = context  # the caller's context: who acts, with which clock, why
        self.prepared: Any = None  # what the caller decided before queueing, if anything
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False

    def finish(self, result: Any) -> None:
        self.result, self.done = result, True

    def fail(self, error: BaseException) -> None:
        self.error, self.done = error, True


class GroupCommit:
    def __init__(self, process: Callable[[list[Job]], None], max_batch: int = 64) -> None:
        self._process = process
        self.max_batch = max_batch
        self._queue: deque[Job] = deque()
        self._changed = threading.Condition()
        self._leading = False
        self._local = threading.local()

    @property
    def is_leading(self) -> bool:
        """Is this thread processing a batch now? (A job submitted from inside one would wait
        for itself: such a nested job is processed on its own, at once.)"""
        return bool(getattr(self._local, "leading", False))

    def submit(self, job: Job) -> Any:
        if self.is_leading:
            self._run([job])
            return self._outcome(job)
        with self._changed:
            self._queue.append(job)
            while self._leading and not job.done:
                self._changed.wait()
            if job.done:
                return self._outcome(job)
            self._leading = True
        try:
            while not job.done:
                with self._changed:
                    batch = [
                        self._queue.popleft() for _ in range(min(self.max_batch, len(self._queue)))
                    ]
                self._run(batch)
                with self._changed:
                    self._changed.notify_all()
        finally:
            with self._changed:
                self._leading = False
                self._changed.notify_all()
        return self._outcome(job)

    def _run(self, batch: list[Job]) -> None:
        self._local.leading = True
        try:
            self._process(batch)
        except BaseException as error:  # the batch could not be processed: nobody may hang
            for job in batch:
                if not job.done:
                    job.fail(error)
        finally:
            self._local.leading = False

    @staticmethod
    def _outcome(job: Job) -> Any:
        if job.error is not None:
            raise job.error
        return job.result
