"""A futures intent survives the store's encoding: its events, stored through the project's
transcoder and replayed, rebuild the same state, and so does a snapshot of it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Snapshot
from eventsourcing.persistence import Mapper

from domain.context import FrozenClock
from interfaces.persistence.transcoder import OrjsonTranscoder
from tests.unit.intents.test_futures_intent import CONTRACT, approved, supplemented

MAPPER: Mapper[UUID] = Mapper(transcoder=OrjsonTranscoder())


def state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def replayed(events: Any) -> Any:
    aggregate = None
    for domain_event in events:
        restored: Any = MAPPER.to_domain_event(MAPPER.to_stored_event(domain_event))
        aggregate = restored.mutate(aggregate)
    return aggregate


def test_an_intent_replays_to_the_same_state(clock: FrozenClock) -> None:
    converted = approved()
    converted.convert(CONTRACT)
    rejected = supplemented()
    rejected.reject("no capacity")
    for intent in (converted, rejected):
        assert state(replayed(intent.collect_events())) == state(intent)


def test_an_intent_survives_a_snapshot(clock: FrozenClock) -> None:
    intent = approved()
    snapshot: Any = MAPPER.to_domain_event(MAPPER.to_stored_event(Snapshot.take(intent)))
    restored = snapshot.mutate(None)
    assert state(restored) == state(intent)
    assert isinstance(restored.reviews, tuple) and restored.label == "评审通过"
