"""The public event schema: the document served at ``GET /api/v1/events/schema``, and the public
form of one stored event (envelope + allow-listed body) that ``GET /api/v1/events`` pages."""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from interfaces.feed_schema.catalogue import event_types, type_name
from interfaces.feed_schema.published import PUBLISHED
from interfaces.feed_schema.wire import Schemas, encode

DOCUMENT_VERSION = 1  # the document's own layout; each event type has its schema_version


def schema_version(cls: type) -> int:
    """An event type's public version: its class_version (the library's, 1 when unset)."""
    return int(getattr(cls, "class_version", 1) or 1)


def _description(cls: type, published: bool) -> str:
    """The docstring written on the event class itself, if any (not its bases')."""
    if not published:
        return "Not published: the envelope only, with an empty body."
    for klass in cls.__mro__:
        doc = vars(klass).get("__doc__")
        generated = (doc or "").startswith(f"{cls.__name__}(")  # a dataclass's signature
        if doc and not generated and klass.__qualname__ == cls.__qualname__:
            return inspect.cleandoc(doc)
    return ""


@cache
def schema_document() -> dict[str, Any]:
    schemas = Schemas()
    types: dict[str, Any] = {}
    for name, cls in event_types().items():
        fields = PUBLISHED.get(name)
        types[name] = {
            "schema_version": schema_version(cls),
            "published": fields is not None,
            "description": _description(cls, fields is not None),
            "body": schemas.object_of(cls, list(fields or ())),
        }
    return {"document_version": DOCUMENT_VERSION, "event_types": types, "$defs": schemas.defs}


def public_event(position: int, event: Any) -> dict[str, Any]:
    """One stored event as the feed publishes it."""
    name = type_name(event)
    cause = getattr(event, "caused_by", None)
    return {
        "position": position,
        "stream_id": event.originator_id,
        "stream_type": name.rpartition(".")[0],
        "type": name,
        "schema_version": schema_version(type(event)),
        "version": event.originator_version,
        "time": encode(event.timestamp),
        "caused_by": {
            "user_id": encode(getattr(cause, "user_id", None)),
            "role": getattr(cause, "role", None),
            "request_id": getattr(cause, "request_id", None),
        },
        "body": {field: encode(getattr(event, field)) for field in PUBLISHED.get(name, ())},
    }
