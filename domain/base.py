"""The base aggregate: every event records its cause and takes its time from the command clock.

Aggregates follow one pattern: a public command method checks the rules and raises a typed
DomainError; only then does it call a private ``@event`` method, whose body merely applies the
change. Replaying history runs only the appliers, never the checks, so a rule that tightens later
never breaks the replay of what was allowed then.
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
