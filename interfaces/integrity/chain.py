"""What an event's hash covers, and the Merkle leaf it becomes.

event hash = SHA-256("steelyard-event-v1" 0x00 || stream id (16 bytes) || version (8) ||
             topic length (4) || topic (UTF-8) || state length (8) || state || previous hash)
where the previous hash is that of the stream's preceding event (32 zero bytes for version 1),
so changing, removing or moving one event breaks the link of the next.

leaf data  = notification id (8 bytes, big-endian) || event hash: the event's place in the store,
             so the tree's leaves are the events in store order, each where it was written.
All integers are unsigned big-endian. Anyone can recompute both from a proof document alone.
"""

from __future__ import annotations

import hashlib
from uuid import UUID

from interfaces.integrity.merkle import leaf_hash

GENESIS = bytes(32)
_PREFIX = b"steelyard-event-v1\x00"


def stream_bytes(originator_id: UUID | str) -> bytes:
    return (originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))).bytes


def event_hash(
    originator_id: UUID | str, version: int, topic: str, state: bytes, previous: bytes
) -> bytes:
    topic_bytes = topic.encode()
    digest = hashlib.sha256(_PREFIX)
    digest.update(stream_bytes(originator_id))
    digest.update(version.to_bytes(8, "big"))
    digest.update(len(topic_bytes).to_bytes(4, "big"))
    digest.update(topic_bytes)
    digest.update(len(state).to_bytes(8, "big"))
    digest.update(state)
    digest.update(previous)
    return digest.digest()


def leaf_data(notification_id: int, hashed: bytes) -> bytes:
    return notification_id.to_bytes(8, "big") + hashed


def event_leaf(notification_id: int, hashed: bytes) -> bytes:
    return leaf_hash(leaf_data(notification_id, hashed))
