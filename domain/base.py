"""The base aggregate: every event records its cause and takes its time from the command clock.

Aggregates follow one pattern: a public command method checks the rules and raises a typed
DomainError; only then does it call a private ``@event`` method, whose body merely applies the
change. Replaying history runs only the appliers, never the checks, so a rule that tightens later
never breaks the replay of what was allowed then.

Events are forever, schemas change. A stored event keeps the shape it was written with, so an
event class never changes its fields (names or types) in place: give it ``class_version = N + 1``
(declare the event class explicitly on the aggregate and decorate the applier with
``@event(ThatClass)``) and a static ``upcast_vN_vN+1(state)`` that turns an old event's state dict
into the new shape (``Contract.ProductionScheduled`` is the example). Value types stored inside
events (frozen dataclasses, enums) may only gain fields with a default, or members. A moved or
renamed class keeps its old topic registered (``domain/topics.py``). ``scripts/test`` checks the
shapes against ``tests/fixtures/event_shapes.json``; after a new version or a new event class run
``python scripts/lib/event_shapes.py --update`` (it refuses a changed shape at the same version).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate as _LibraryAggregate

from domain import context
from domain.context import Cause


class Aggregate(_LibraryAggregate):
    class Event(_LibraryAggregate.Event):
        caused_by: Cause

    class Created(Event, _LibraryAggregate.Created):
        pass

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Any:
        ctx = context.current()
        kwargs.setdefault("caused_by", ctx.cause())
        kwargs.setdefault("timestamp", ctx.now())
        return super()._create(event_class, id=id, **kwargs)

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        ctx = context.current()
        kwargs.setdefault("caused_by", ctx.cause())
        kwargs.setdefault("timestamp", ctx.now())
        super().trigger_event(event_class, **kwargs)


class CopiesCheaply:
    """For aggregates whose containers hold only immutable values (frozen dataclasses, Decimal,
    str, UUID …): a copy needs new containers, not new values. The repository copies every
    aggregate it hands out of its cache, so this keeps a long ledger cheap to load."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        clone = object.__new__(type(self))
        clone.__dict__.update(
            (name, value.copy() if isinstance(value, list | dict | set) else value)
            for name, value in self.__dict__.items()
        )
        return clone
