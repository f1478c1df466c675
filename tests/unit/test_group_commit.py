"""The group commit's queue: jobs that arrive while a batch is processed go together in the
next one; every job is answered with its own result or error; a nested job does not deadlock."""

from __future__ import annotations

import contextvars
import threading
import time

import pytest

from domain.group_commit import GroupCommit, Job


def _job(work: object) -> Job:
    return Job(work, contextvars.copy_context())


def test_jobs_arriving_during_a_batch_are_processed_together() -> None:
    batches: list[int] = []

    def process(jobs: list[Job]) -> None:
        batches.append(len(jobs))
        time.sleep(0.05)  # a slow commit: the others queue meanwhile
        for job in jobs:
            job.finish(job.work * 2)

    group = GroupCommit(process)
    results: dict[int, int] = {}

    def submit(n: int) -> None:
        results[n] = group.submit(_job(n))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: n * 2 for n in range(20)}
    assert sum(batches) == 20
    assert len(batches) < 20 and max(batches) > 1


def test_each_job_gets_its_own_error() -> None:
    def process(jobs: list[Job]) -> None:
        for job in jobs:
            if job.work < 0:
                job.fail(ValueError(f"negative {job.work}"))
            else:
                job.finish(job.work)

    group = GroupCommit(process)
    assert group.submit(_job(3)) == 3
    with pytest.raises(ValueError, match="negative -1"):
        group.submit(_job(-1))


def test_a_batch_that_cannot_be_processed_fails_every_job_in_it() -> None:
    def process(jobs: list[Job]) -> None:
        raise ConnectionError("store gone")

    with pytest.raises(ConnectionError):
        GroupCommit(process).submit(_job(1))


def test_batches_never_exceed_their_bound() -> None:
    seen: list[int] = []
    gate = threading.Event()

    def process(jobs: list[Job]) -> None:
        seen.append(len(jobs))
        gate.wait(1)
        for job in jobs:
            job.finish(None)

    group = GroupCommit(process, max_batch=4)
    threads = [threading.Thread(target=group.submit, args=(_job(n),)) for n in range(13)]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    gate.set()
    for thread in threads:
        thread.join()
    assert sum(seen) == 13 and max(seen) <= 4


def test_a_job_submitted_while_processing_runs_at_once() -> None:
    group: GroupCommit

    def process(jobs: list[Job]) -> None:
        for job in jobs:
            job.finish(group.submit(_job(job.work - 1)) if job.work > 0 else "bottom")

    group = GroupCommit(process)
    assert group.submit(_job(3)) == "bottom"
