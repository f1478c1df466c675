"""The aggregate cache under commands decided in many threads: what is in the cache is never
changed in place, and a read still sees what another process wrote since."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from domain.commands import CommandRunner
from domain.context import FrozenClock
from domain.ledger import Claim, Ledger
from domain.unit_of_work import UnitOfWork
from interfaces.config import Settings
from tests.projections.funds_story import START, acting


@pytest.fixture
def two_processes(settings: Settings) -> Iterator[tuple[Ledger, Ledger]]:
    """Two ledgers on one store, each with its own cache, as two API processes have."""
    first = Ledger(env=settings.eventsourcing_env())
    second = Ledger(env=settings.eventsourcing_env(create_table=False))
    yield first, second
    first.close()
    second.close()


def test_a_read_applies_the_other_process_write_to_a_copy_not_the_cached_object(
    two_processes: tuple[Ledger, Ledger],
) -> None:
    here, there = two_processes
    holder, other = uuid4(), uuid4()
    lane = Claim.create_id("lane", "L7")
    with acting(FrozenClock(START)):
        CommandRunner(here).run(lambda uow: uow.claim("lane", "L7", holder))
        assert here.repository.get(lane).owner_id == holder  # now in this process's cache
        cached_before = here.repository.cache.get(lane)  # type: ignore[union-attr]

        def move(uow: UnitOfWork) -> None:
            uow.get(Claim, lane).transfer(other)

        CommandRunner(there).run(move)
        seen = here.repository.get(lane)
    assert seen.owner_id == other and seen.version == 2  # the other process's write is seen
    assert cached_before.owner_id == holder and cached_before.version == 1  # never mutated
    assert here.repository.cache.get(lane).version == 2  # type: ignore[union-attr]
    assert seen is not here.repository.cache.get(lane)  # the caller has its own copy
