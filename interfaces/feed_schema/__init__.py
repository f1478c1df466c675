"""The integration feed's public event schema (``GET /api/v1/events``, ``/events/schema``).

The feed is a contract with machines (the ERP, the WMS): every stored event, in store order,
under its current type name (``Contract.ProductionScheduled``: an event stored under a module's
old name appears under the new one), with a JSON body whose fields are an **allow-list** per
event type (``published.py``): a field is published only when it is listed there, so a new
field, a password hash or a reset code's hash never leaves by default. An event type that is not
listed appears with its envelope only (position, stream, type, version, time, cause) and an
empty body. Each type's ``schema_version`` is its event class's ``class_version``: a stored event
of an older version is upcast as it is read, so the feed always speaks the current version.

- ``catalogue.py``: every event type of the domain, as the feed names it;
- ``published.py``: the allow-list;
- ``wire.py``: JSON schemas of field types, and the encoding of values to match them;
- ``document.py``: the schema document and each event's public form;
- ``reader.py``: a page of the store after a position, and the head watch that long-polls.
"""
