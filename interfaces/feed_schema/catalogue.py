"""Every event type the feed can emit: each aggregate's event classes under ``domain/``.

A type is named ``<Aggregate>.<Event>`` (the class's qualified name). Left out: each aggregate's
base ``Event`` and its generic ``Created`` when the aggregate is created by an event of its own
(``@event("Registered")`` on ``__init__``): neither is ever stored.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache

from eventsourcing.domain import BaseAggregate, CanInitAggregate, CanMutateAggregate


def _aggregates(package: str) -> list[type]:
    root = importlib.import_module(package)
    modules = [root] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(root.__path__, f"{package}.")
    ]
    return [
        value
        for module in modules
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, BaseAggregate)
        and value.__module__ == module.__name__
    ]


def _stored_events_of(aggregate: type) -> list[type]:
    classes = {
        name: value
        for name, value in vars(aggregate).items()
        if inspect.isclass(value) and issubclass(value, CanMutateAggregate) and name != "Event"
    }
    own_created = any(issubclass(c, CanInitAggregate) for n, c in classes.items() if n != "Created")
    return [c for n, c in classes.items() if not (n == "Created" and own_created)]


@cache
def event_types(package: str = "domain") -> dict[str, type]:
    """Type name → event class, sorted by name (the base aggregate's own classes left out)."""
    found = {
        cls.__qualname__: cls
        for aggregate in _aggregates(package)
        if aggregate.__qualname__ != "Aggregate"
        for cls in _stored_events_of(aggregate)
    }
    return dict(sorted(found.items()))


def type_name(event: object) -> str:
    return type(event).__qualname__
