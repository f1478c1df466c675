"""Field types as JSON schemas, and values encoded to match them.

On the wire, as everywhere in the API: decimals are strings (money 2 places, tonnes 3, prices per
tonne 2), ids are strings, times are UTC ISO 8601 with ``Z``, enums their value, tuples and sets
arrays, value types (frozen dataclasses) objects described once under ``$defs``.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.values import Money, Quantity, UnitPrice

# single-number value types, published as their decimal string
DECIMALS: dict[type, tuple[str, str]] = {
    Money: ("amount", "CNY, 2 places"),
    Quantity: ("tonnes", "tonnes, 3 places"),
    UnitPrice: ("per_tonne", "CNY per tonne, 2 places"),
}

_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    bool: {"type": "boolean"},
    Decimal: {"type": "string", "format": "decimal"},
    UUID: {"type": "string", "format": "uuid"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
    type(None): {"type": "null"},
}
_ARRAYS = (tuple, list, set, frozenset)


def hints(cls: type) -> dict[str, Any]:
    """A class's resolved field annotations, ClassVars left out."""
    return {
        name: tp
        for name, tp in typing.get_type_hints(cls).items()
        if typing.get_origin(tp) is not typing.ClassVar
    }


class Schemas:
    """Builds JSON schemas, collecting each value type once under ``defs``."""

    def __init__(self) -> None:
        self.defs: dict[str, dict[str, Any]] = {}

    def of(self, tp: Any) -> dict[str, Any]:
        if tp in _SCALARS:
            return dict(_SCALARS[tp])
        if tp in DECIMALS:
            return {"type": "string", "format": "decimal", "description": DECIMALS[tp][1]}
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (typing.Union, types.UnionType):
            return {"anyOf": [self.of(a) for a in args]}
        if origin in _ARRAYS:
            if origin is tuple and args and args[-1] is not Ellipsis:
                return {"type": "array", "prefixItems": [self.of(a) for a in args]}
            return {"type": "array", "items": self.of(args[0]) if args else {}}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.of(args[1]) if args else {}}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._ref(tp, lambda: {"enum": [m.value for m in tp]})
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self._ref(
                tp, lambda: self.object_of(tp, [f.name for f in dataclasses.fields(tp)])
            )
        return {}  # Any, or a type variable: any JSON value

    def object_of(self, cls: type, fields: list[str]) -> dict[str, Any]:
        found = hints(cls)
        return {
            "type": "object",
            "properties": {name: self.of(found[name]) for name in fields},
            "required": list(fields),
        }

    def _ref(self, tp: type, build: typing.Callable[[], dict[str, Any]]) -> dict[str, Any]:
        name = tp.__qualname__
        if name not in self.defs:
            self.defs[name] = {}  # placed first: a value type that holds itself terminates
            self.defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}


def encode(value: Any) -> Any:
    """A value as the schema above describes it."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if type(value) in DECIMALS:
        return str(getattr(value, DECIMALS[type(value)][0]))
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return utc.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((encode(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"the feed cannot publish a {type(value).__qualname__}")
