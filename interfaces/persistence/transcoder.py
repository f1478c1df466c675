"""An orjson transcoder for the event store.

orjson writes UUIDs and datetimes as plain strings, which would come back as ``str``; so values
that JSON cannot tell apart are tagged on the way in (``{"_t": kind, "_v": value}``) and restored
on the way out. Frozen dataclasses and enums (our value types, ``Cause`` …) are tagged with their
topic, so new value types need no registration. Tuples stay tuples.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder
from eventsourcing.utils import get_topic, resolve_topic

_TAG = "_t"
_VALUE = "_v"


def _tag(kind: str, value: Any) -> dict[str, Any]:
    return {_TAG: kind, _VALUE: value}


def _encode(obj: Any) -> Any:
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in events; use Decimal")
    if isinstance(obj, dict):
        return {str(k): _encode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_encode(v) for v in obj]
    if isinstance(obj, tuple):
        return _tag("tuple", [_encode(v) for v in obj])
    if isinstance(obj, frozenset):
        return _tag("frozenset", sorted((_encode(v) for v in obj), key=orjson.dumps))
    if isinstance(obj, UUID):
        return _tag("uuid", obj.hex)
    if isinstance(obj, Decimal):
        return _tag("dec", str(obj))
    if isinstance(obj, datetime):
        return _tag("dt", obj.isoformat())
    if isinstance(obj, date):
        return _tag("date", obj.isoformat())
    if isinstance(obj, Enum):
        return _tag("enum", [get_topic(type(obj)), obj.value])
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return _tag("obj", [get_topic(type(obj)), fields])
    raise TypeError(f"cannot store a {type(obj).__qualname__} in an event")


_DECODERS: dict[str, Any] = {
    "tuple": lambda v: tuple(_decode(x) for x in v),
    "frozenset": lambda v: frozenset(_decode(x) for x in v),
    "uuid": UUID,
    "dec": Decimal,
    "dt": datetime.fromisoformat,
    "date": date.fromisoformat,
    "enum": lambda v: resolve_topic(v[0])(v[1]),
    "obj": lambda v: resolve_topic(v[0])(**{k: _decode(x) for k, x in v[1].items()}),
}


def _decode(obj: Any) -> Any:
    if isinstance(obj, dict):
        if len(obj) == 2 and _TAG in obj and _VALUE in obj:
            return _DECODERS[obj[_TAG]](obj[_VALUE])
        return {k: _decode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v) for v in obj]
    return obj


class OrjsonTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(_encode(obj))

    def decode(self, data: bytes) -> Any:
        return _decode(orjson.loads(data))


def to_jsonable(obj: Any) -> Any:
    """Plain JSON for humans (audit views, the event feed): decimals and ids as strings."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | frozenset | set):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, Decimal | UUID):
        return str(obj)
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    return obj
