"""An orjson transcoder for the event store.

orjson writes UUIDs and datetimes as plain strings, which would come back as ``str``; so values
that JSON cannot tell apart are tagged on the way in (``{"_t": kind, "_v": value}``) and restored
on the way out. Frozen dataclasses and enums (our value types, ``Cause`` …) are tagged with their
topic, so new value types need no registration. Tuples stay tuples; sets stay sets; dicts whose
keys are not all text (an aggregate snapshot's ``dict[UUID, …]``) keep their keys' types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
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


# Values JSON would flatten to a string, tagged with how to restore them (datetime before date).
_SCALARS: tuple[tuple[type, str, Callable[[Any], Any]], ...] = (
    (UUID, "uuid", lambda o: o.hex),
    (Decimal, "dec", str),
    (datetime, "dt", lambda o: o.isoformat()),
    (date, "date", lambda o: o.isoformat()),
    (Enum, "enum", lambda o: [get_topic(type(o)), o.value]),
)


def _encode(obj: Any) -> Any:
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in events; use Decimal")
    if isinstance(obj, dict | list | tuple | set | frozenset):
        return _encode_container(obj)
    for kind, tag, encode in _SCALARS:
        if isinstance(obj, kind):
            return _tag(tag, encode(obj))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        fields = {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return _tag("obj", [get_topic(type(obj)), fields])
    raise TypeError(f"cannot store a {type(obj).__qualname__} in an event")


def _encode_container(obj: Any) -> Any:
    if isinstance(obj, dict):
        if all(isinstance(k, str) for k in obj):
            return {k: _encode(v) for k, v in obj.items()}
        return _tag("map", [[_encode(k), _encode(v)] for k, v in obj.items()])
    if isinstance(obj, list):
        return [_encode(v) for v in obj]
    if isinstance(obj, tuple):
        return _tag("tuple", [_encode(v) for v in obj])
    kind = "frozenset" if isinstance(obj, frozenset) else "set"
    return _tag(kind, sorted((_encode(v) for v in obj), key=orjson.dumps))


_DECODERS: dict[str, Any] = {
    "tuple": lambda v: tuple(_decode(x) for x in v),
    "frozenset": lambda v: frozenset(_decode(x) for x in v),
    "set": lambda v: {_decode(x) for x in v},
    "map": lambda v: {_decode(k): _decode(x) for k, x in v},
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
