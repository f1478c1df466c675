"""The event-shape check that scripts/test runs (scripts/lib/event_shapes.py): an event class that
changes shape without a new class_version fails it, naming the class and the field; a new version
needs its upcast; value types stored inside events may only grow by fields with a default."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from eventsourcing.domain import event
from eventsourcing.utils import get_topic

from domain.base import Aggregate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shapes() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "event_shapes", ROOT / "scripts/lib/event_shapes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["event_shapes"] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Coil:
    grade: str
    colour: Colour
    width: int = 0


class Thing(Aggregate):
    @event("Made")
    def __init__(self, name: str) -> None:
        self.name = name

    @event("Painted")
    def _painted(self, coil: Coil, reason: str | None) -> None:
        self.coil = coil

    class Moved(Aggregate.Event):
        class_version = 2
        to: str
        why: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["why"] = ""

    @event(Moved)
    def _moved(self, to: str, why: str) -> None:
        self.where = to

    class Dropped(Aggregate.Event):
        class_version = 2  # no upcast_v1_v2
        at: str

    @event(Dropped)
    def _dropped(self, at: str) -> None:
        self.where = at


PAINTED, MOVED, DROPPED = (get_topic(getattr(Thing, n)) for n in ("Painted", "Moved", "Dropped"))


def record_of(shapes: ModuleType, *classes: type) -> dict[str, Any]:
    events = {get_topic(c): shapes.event_shape(c) for c in classes}
    values = {
        get_topic(v): shapes.value_shape(v)
        for v in shapes.value_classes({get_topic(c): c for c in classes}).values()
    }
    return {"events": events, "values": values}


def findings(shapes: ModuleType, record: dict[str, Any]) -> Any:
    now = record_of(shapes, Thing.Painted, Thing.Moved)
    return shapes.check(record, now["events"], now["values"])


def test_the_record_holds_fields_with_their_types(shapes: ModuleType) -> None:
    shape = shapes.event_shape(Thing.Painted)
    assert shape["class_version"] == 1
    assert shape["fields"]["coil"] == "Coil"
    assert shape["fields"]["reason"] == "str | None"
    assert "caused_by" in shape["fields"]  # inherited fields are part of the shape


def test_unchanged_classes_pass(shapes: ModuleType) -> None:
    found = findings(shapes, record_of(shapes, Thing.Painted, Thing.Moved))
    assert (found.problems, found.new, found.grown) == ([], [], [])


def test_a_field_added_at_the_same_version_fails_naming_class_field_and_remedy(
    shapes: ModuleType,
) -> None:
    record = record_of(shapes, Thing.Painted, Thing.Moved)
    del record["events"][PAINTED]["fields"]["reason"]  # as recorded before the field came
    (problem,) = findings(shapes, record).problems
    assert "Thing.Painted changed shape at class_version 1" in problem
    assert "field 'reason' added (str | None)" in problem
    assert "class_version = 2" in problem and "upcast_v1_v2" in problem


def test_a_field_whose_type_changed_fails(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Painted, Thing.Moved)
    record["events"][PAINTED]["fields"]["reason"] = "str"
    (problem,) = findings(shapes, record).problems
    assert "field 'reason' changed type: str -> str | None" in problem


def test_a_new_version_with_its_upcast_passes_once_recorded(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Painted, Thing.Moved)
    record["events"][MOVED] = {"class_version": 1, "fields": {"to": "str"}}
    found = findings(shapes, record)
    assert found.problems == []
    assert found.grown == ["Thing.Moved differs from its record"]  # a note until --update
    now = record_of(shapes, Thing.Painted, Thing.Moved)
    assert (
        shapes.updated(record, now["events"], now["values"])["events"][MOVED]["class_version"] == 2
    )


def test_a_new_version_without_its_upcast_fails(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Dropped)
    record["events"][DROPPED]["class_version"] = 1
    (problem,) = shapes.check(record, {}, {}).problems
    assert "Thing.Dropped: class_version 2 needs the static method(s) upcast_v1_v2" in problem


def test_a_new_event_class_passes_with_a_note(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Moved)
    found = findings(shapes, record)
    assert found.problems == []
    assert f"{PAINTED} is new" in found.new


def test_an_event_class_that_no_longer_loads_fails(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Painted, Thing.Moved)
    record["events"]["domain.gone:Thing.Vanished"] = {"class_version": 1, "fields": {}}
    (problem,) = findings(shapes, record).problems
    assert "domain.gone:Thing.Vanished: the event class is gone" in problem
    assert "domain/topics.py" in problem


def test_a_value_type_may_gain_a_field_with_a_default(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Painted, Thing.Moved)
    value = record["values"][get_topic(Coil)]
    del value["fields"]["width"]
    value["optional"].remove("width")
    found = findings(shapes, record)
    assert found.problems == []
    assert found.grown == ["Coil differs from its record"]


def test_a_value_type_field_without_a_default_or_removed_fails(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Painted, Thing.Moved)
    value = record["values"][get_topic(Coil)]
    del value["fields"]["grade"]  # added since, without a default
    value["fields"]["finish"] = "str"  # removed since
    (problem,) = findings(shapes, record).problems
    assert "Coil (a value stored inside events) changed" in problem
    assert "field 'grade' added (str)" in problem and "field 'finish' removed" in problem


def test_an_enum_member_removed_fails(shapes: ModuleType) -> None:
    record = record_of(shapes, Thing.Painted, Thing.Moved)
    record["values"][get_topic(Colour)]["members"].append("green")
    (problem,) = findings(shapes, record).problems
    assert "Colour: enum member(s) green removed" in problem


def test_update_refuses_a_changed_shape_and_leaves_the_record(
    shapes: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    committed = json.loads((ROOT / "tests/fixtures/event_shapes.json").read_text())
    record = copy.deepcopy(committed)
    record["events"][PAINTED] = {"class_version": 1, "fields": {"coil": "Coil"}}
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps(record))
    assert shapes.main(["--update", "--record", str(path)]) == 1
    assert json.loads(path.read_text()) == record
    assert "Thing.Painted changed shape" in capsys.readouterr().err


def test_the_production_schedule_event_is_recorded_at_version_2(shapes: ModuleType) -> None:
    committed = json.loads((ROOT / "tests/fixtures/event_shapes.json").read_text())
    scheduled = committed["events"]["domain.trading.contract:Contract.ProductionScheduled"]
    assert scheduled["class_version"] == 2
    assert scheduled["fields"]["production_week"] == "str | None"
