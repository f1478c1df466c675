"""Events are forever: an event class may not change shape without a new ``class_version``.

    python scripts/lib/event_shapes.py            # check the code against the record
    python scripts/lib/event_shapes.py --update   # record new classes and new versions

The record is ``tests/fixtures/event_shapes.json``: for every event class of every aggregate in
``domain/`` (found by importing each module), its ``class_version`` and its fields (names and
annotated types, inherited ones included), and for every value type stored inside an event (frozen
dataclasses, enums) its fields or members. The check fails when

- an event's fields differ from the record at the same ``class_version`` (the store holds events
  of the old shape: set ``class_version = N + 1`` on the class, add a static
  ``upcast_vN_vN+1(state)`` that gives an old event's state the new shape, then ``--update``);
- an event's ``class_version`` went up but an upcast step is missing;
- an event class or value type in the record no longer loads (its topic does not resolve: keep
  the class, or register its old topic in ``domain/topics.py``);
- a value type lost or retyped a field, gained one without a default, or lost an enum member
  (stored values are decoded into the class *before* any upcast runs, so only fields with a
  default may be added; anything else needs a new value type and a new event version).

New event classes, new versions (with their upcasts) and value types grown by defaulted fields
pass with a note until recorded; ``--update`` records them (until then a further change of a new
version is not compared). ``--update`` refuses to record an event whose shape changed at the same
version. ``scripts/test`` runs the check.
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import importlib
import inspect
import json
import pkgutil
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "tests" / "fixtures" / "event_shapes.json"
UPDATE = "python scripts/lib/event_shapes.py --update"
ABOUT = (
    "Shapes of every stored event class and value type (scripts/lib/event_shapes.py). "
    "Regenerate with: python scripts/lib/event_shapes.py --update"
)

Shapes = dict[str, dict[str, Any]]


# ---- rendering annotations -------------------------------------------------------------------
def render(tp: Any) -> str:
    """A resolved annotation as a short, stable text: ``tuple[OrderLine, ...]``, ``UUID | None``."""
    if tp is type(None) or tp is None:
        return "None"
    if tp is Ellipsis:
        return "..."
    if isinstance(tp, typing.TypeVar):
        return tp.__name__
    if isinstance(tp, str):
        return tp
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union or type(tp).__name__ == "UnionType":
        return " | ".join(render(a) for a in args)
    if origin is not None:
        name = getattr(origin, "__qualname__", None) or str(origin).removeprefix("typing.")
        return f"{name}[{', '.join(render(a) for a in args)}]" if args else name
    if tp is typing.Any:
        return "Any"
    return getattr(tp, "__qualname__", None) or str(tp)


def value_types_in(tp: Any) -> Iterator[type]:
    """The dataclasses and enums an annotation mentions (at any depth)."""
    if isinstance(tp, type) and (dataclasses.is_dataclass(tp) or issubclass(tp, enum.Enum)):
        yield tp
    for arg in typing.get_args(tp):
        yield from value_types_in(arg)


def hints(cls: type) -> dict[str, Any]:
    """Resolved field annotations (ClassVars left out); the raw text where one does not resolve."""
    try:
        found = typing.get_type_hints(cls)
    except Exception:  # an annotation naming something only a type checker imports
        found = {}
        for klass in reversed(cls.__mro__):
            found.update(vars(klass).get("__annotations__", {}))
    return {
        name: tp
        for name, tp in found.items()
        if typing.get_origin(tp) is not typing.ClassVar
        and not (isinstance(tp, str) and tp.startswith(("ClassVar", "typing.ClassVar")))
    }


# ---- gathering -------------------------------------------------------------------------------
def event_classes(package: str = "domain") -> dict[str, type]:
    """Topic → class, for every event class of every aggregate defined under ``package``."""
    from eventsourcing.domain import BaseAggregate, CanMutateAggregate
    from eventsourcing.utils import get_topic

    root = importlib.import_module(package)
    modules = [root] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(root.__path__, f"{package}.")
    ]
    found: dict[str, type] = {}
    for module in modules:
        for aggregate in vars(module).values():
            if not (
                inspect.isclass(aggregate)
                and issubclass(aggregate, BaseAggregate)
                and aggregate.__module__ == module.__name__
            ):
                continue
            for member in vars(aggregate).values():
                if inspect.isclass(member) and issubclass(member, CanMutateAggregate):
                    found[get_topic(member)] = member
    return found


def event_shape(cls: type) -> dict[str, Any]:
    fields = {name: render(tp) for name, tp in hints(cls).items()}
    return {
        "class_version": getattr(cls, "class_version", 1),
        "fields": dict(sorted(fields.items())),
    }


def value_shape(cls: type) -> dict[str, Any]:
    if issubclass(cls, enum.Enum):
        return {"members": sorted(str(m.value) for m in cls)}
    types = hints(cls)
    fields = {f.name: render(types.get(f.name, f.type)) for f in dataclasses.fields(cls)}
    optional = [
        f.name
        for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    ]
    return {"fields": dict(sorted(fields.items())), "optional": sorted(optional)}


def value_classes(events: dict[str, type]) -> dict[str, type]:
    """Topic → class, for every value type the events hold (and the value types those hold)."""
    from eventsourcing.utils import get_topic

    found: dict[str, type] = {}
    todo = [tp for cls in events.values() for tp in hints(cls).values()]
    while todo:
        for value in value_types_in(todo.pop()):
            topic = get_topic(value)
            if topic not in found:
                found[topic] = value
                if dataclasses.is_dataclass(value):
                    todo.extend(hints(value).values())
    return found


def current_shapes(package: str = "domain") -> tuple[Shapes, Shapes]:
    events = event_classes(package)
    values = value_classes(events)
    return (
        {t: event_shape(c) for t, c in sorted(events.items())},
        {t: value_shape(c) for t, c in sorted(values.items())},
    )


# ---- comparing -------------------------------------------------------------------------------
def field_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    changes = [f"field {n!r} added ({after[n]})" for n in after if n not in before]
    changes += [f"field {n!r} removed (was {before[n]})" for n in before if n not in after]
    changes += [
        f"field {n!r} changed type: {before[n]} -> {after[n]}"
        for n in before
        if n in after and before[n] != after[n]
    ]
    return changes


def _resolve(topic: str) -> type | None:
    from eventsourcing.utils import resolve_topic

    try:
        found = resolve_topic(topic)
    except Exception:  # TopicError, or a module that no longer imports
        return None
    return found if isinstance(found, type) else None


def _upcast_gaps(cls: type, version: int) -> list[str]:
    return [
        f"upcast_v{v}_v{v + 1}"
        for v in range(1, version)
        if not callable(getattr(cls, f"upcast_v{v}_v{v + 1}", None))
    ]


def compare_event(topic: str, old: dict[str, Any], cls: type | None) -> tuple[list[str], bool]:
    """Problems of one recorded event class, and whether the record should be updated."""
    if cls is None:
        return [
            f"{topic}: the event class is gone, but stored events name it. Keep the class, or "
            "register its old topic (domain/topics.py) if it moved or was renamed."
        ], False
    now = event_shape(cls)
    name, was, version = cls.__qualname__, old["class_version"], now["class_version"]
    if version < was:
        return [f"{name}: class_version went down from {was} to {version}."], False
    gaps = _upcast_gaps(cls, version)
    if gaps:
        return [
            f"{name}: class_version {version} needs the static method(s) {', '.join(gaps)} "
            "to bring older stored events up to date."
        ], False
    changes = field_changes(old["fields"], now["fields"])
    if version == was and changes:
        return [
            f"{name} changed shape at class_version {version}: {'; '.join(changes)}. Stored "
            f"events keep their old shape: set class_version = {version + 1} on the event class "
            f"and add a static upcast_v{version}_v{version + 1}(state) that gives an old event's "
            "state the new shape (README, 'Events are forever'), then run "
            "scripts/lib/event_shapes.py --update."
        ], False
    return [], version != was or topic != _topic(cls)


def compare_value(topic: str, old: dict[str, Any], cls: type | None) -> tuple[list[str], bool]:
    if cls is None:
        return [
            f"{topic}: the value type is gone, but stored events hold it. Keep the class, or "
            "register its old topic (domain/topics.py) if it moved or was renamed."
        ], False
    now, name = value_shape(cls), cls.__qualname__
    if "members" in old or "members" in now:
        lost = sorted(set(old.get("members", [])) - set(now.get("members", [])))
        if lost:
            return [
                f"{name}: enum member(s) {', '.join(lost)} removed, but stored events hold "
                "them. Keep every member; add new ones only."
            ], False
        return [], old != now or topic != _topic(cls)
    bad = [
        c
        for c in field_changes(old["fields"], now["fields"])
        if "added" not in c or c.split("'")[1] not in now["optional"]
    ]
    if bad:
        return [
            f"{name} (a value stored inside events) changed: {'; '.join(bad)}. Stored values "
            "are decoded into this class before any upcast runs, so it may only gain fields "
            "with a default. Keep it as it was; for a different shape add a new value type and "
            "a new class_version of the events that hold it."
        ], False
    return [], old != now or topic != _topic(cls)


def _topic(cls: type) -> str:
    from eventsourcing.utils import get_topic

    return get_topic(cls)


def check(record: dict[str, Any], events: Shapes, values: Shapes) -> Findings:
    """What is wrong, and what the record does not know yet (new classes, new versions)."""
    findings = Findings()
    for section, compare, current in (
        ("events", compare_event, events),
        ("values", compare_value, values),
    ):
        recorded = record.get(section, {})
        for topic, old in recorded.items():
            cls = _resolve(topic)
            found, behind = compare(topic, old, cls)
            findings.problems += found
            if behind and cls is not None:
                findings.grown.append(f"{cls.__qualname__} differs from its record")
        known = {_topic(c) for t in recorded if (c := _resolve(t)) is not None}
        findings.new += [f"{t} is new" for t in current if t not in recorded and t not in known]
    return findings


@dataclasses.dataclass
class Findings:
    problems: list[str] = dataclasses.field(default_factory=list)  # the check fails
    new: list[str] = dataclasses.field(default_factory=list)  # passes; --update records them
    grown: list[str] = dataclasses.field(default_factory=list)  # a new version, a grown value


def updated(record: dict[str, Any], events: Shapes, values: Shapes) -> dict[str, Any]:
    """The record for today's code. A recorded class that today's events no longer mention (a
    value type an older event version held) stays recorded, under its current topic: stored
    events still hold it."""
    out = {"events": dict(events), "values": dict(values)}
    for section, shape in (("events", event_shape), ("values", value_shape)):
        for topic in record.get(section, {}):
            cls = _resolve(topic)
            if cls is not None and _topic(cls) not in out[section]:
                out[section][_topic(cls)] = shape(cls)
    return {"about": ABOUT, **out}


# ---- command line ----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="record new classes and versions")
    parser.add_argument("--record", type=Path, default=RECORD, help="the record (JSON)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from domain.topics import register_moved_topics

    register_moved_topics()
    events, values = current_shapes()
    record = json.loads(args.record.read_text()) if args.record.exists() else {}
    found = check(record, events, values)
    for problem in found.problems:
        print(f"event shapes: {problem}", file=sys.stderr)
    if found.problems:
        print(f"event shapes: {len(found.problems)} problem(s); nothing recorded.", file=sys.stderr)
        return 1
    if args.update:
        text = json.dumps(updated(record, events, values), indent=1, sort_keys=True)
        args.record.write_text(text + "\n")
        print(f"event shapes: recorded {len(events)} event classes, {len(values)} value types")
        return 0
    for line in found.grown:
        print(f"event shapes: note: {line} (a new version or a grown value): {UPDATE}")
    if found.new:
        print(
            f"event shapes: note: {len(found.new)} new class(es) not yet recorded "
            f"({found.new[0]} …): {UPDATE} records them"
        )
    print(
        f"event shapes: {len(events)} event classes, {len(values)} value types: no shape "
        "changed without a new class_version"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
