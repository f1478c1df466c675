"""Signed checkpoints and proof documents, and their offline verification.

A checkpoint signs these UTF-8 lines with the platform's Ed25519 key:

    steelyard checkpoint v1
    tree_size <n>
    root_hash <hex>
    taken_at <ISO 8601 UTC>

A proof document (JSON) carries everything needed to check it with nothing but the public key:
the event (its stream, version, topic, stored state, the previous event's hash), its leaf (index,
data, hash), the audit path, and the signed checkpoint; or two checkpoints and the consistency
path between them. Hashes are hex; state and signatures are base64.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from interfaces.integrity.chain import event_hash, leaf_data
from interfaces.integrity.keys import verify
from interfaces.integrity.merkle import leaf_hash, root_from_inclusion, verify_consistency

INCLUSION = "steelyard.inclusion-proof/v1"
CONSISTENCY = "steelyard.consistency-proof/v1"


@dataclass(frozen=True)
class Checkpoint:
    tree_size: int
    root_hash: bytes
    taken_at: str
    key_id: str
    signature: bytes

    def message(self) -> bytes:
        return checkpoint_message(self.tree_size, self.root_hash, self.taken_at)

    def document(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "taken_at": self.taken_at,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode(),
        }

    def verifies(self, public_pem: str | bytes) -> bool:
        return verify(public_pem, self.message(), self.signature)

    @classmethod
    def from_document(cls, doc: Any) -> Checkpoint:
        """ValueError naming the field that is missing or malformed."""
        if not isinstance(doc, dict):
            raise ValueError("checkpoint: not an object")
        return cls(
            tree_size=_int(doc, "tree_size", "checkpoint"),
            root_hash=_hex(doc, "root_hash", "checkpoint"),
            taken_at=_str(doc, "taken_at", "checkpoint"),
            key_id=_str(doc, "key_id", "checkpoint"),
            signature=_b64(doc, "signature", "checkpoint"),
        )


def checkpoint_message(tree_size: int, root_hash: bytes, taken_at: str) -> bytes:
    return (
        f"steelyard checkpoint v1\ntree_size {tree_size}\nroot_hash {root_hash.hex()}\n"
        f"taken_at {taken_at}\n"
    ).encode()


def check_document(doc: Any, public_pem: str | bytes) -> list[str]:
    """What is wrong with a proof document (nothing: it holds), each named."""
    if not isinstance(doc, dict) or doc.get("kind") not in (INCLUSION, CONSISTENCY):
        return [f"not a proof document (kind must be {INCLUSION} or {CONSISTENCY})"]
    try:
        if doc["kind"] == INCLUSION:
            return _check_inclusion(doc, public_pem)
        return _check_consistency(doc, public_pem)
    except ValueError as error:
        return [str(error)]


def _check_inclusion(doc: dict[str, Any], public_pem: str | bytes) -> list[str]:
    problems: list[str] = []
    checkpoint = Checkpoint.from_document(doc.get("checkpoint"))
    if not checkpoint.verifies(public_pem):
        problems.append("checkpoint: the signature does not verify with this key")
    event, leaf = _object(doc, "event"), _object(doc, "leaf")
    position = _int(event, "position", "event")
    hashed = event_hash(
        UUID(_str(event, "stream_id", "event")),
        _int(event, "version", "event"),
        _str(event, "topic", "event"),
        _b64(event, "state", "event"),
        _hex(event, "previous_hash", "event"),
    )
    if hashed != _hex(event, "hash", "event"):
        problems.append("event: its fields do not hash to event.hash")
    data = _hex(leaf, "data", "leaf")
    if data != leaf_data(position, hashed):
        problems.append("leaf: leaf.data is not the event's position and hash")
    if leaf_hash(data) != _hex(leaf, "hash", "leaf"):
        problems.append("leaf: leaf.hash is not SHA-256(0x00 || leaf.data)")
    size, index = _int(doc, "tree_size", "proof"), _int(leaf, "index", "leaf")
    if size != checkpoint.tree_size:
        problems.append(f"proof: tree_size {size} is not the checkpoint's {checkpoint.tree_size}")
    path = [bytes.fromhex(p) if _is_hex(p) else b"" for p in _list(doc, "path")]
    root = root_from_inclusion(leaf_hash(data), index, size, path)
    if root is None:
        problems.append(f"path: not an audit path for leaf {index} of a tree of {size}")
    elif root != checkpoint.root_hash:
        problems.append("path: the audit path does not lead to the checkpoint's root hash")
    return problems


def _check_consistency(doc: dict[str, Any], public_pem: str | bytes) -> list[str]:
    problems: list[str] = []
    old, new = Checkpoint.from_document(doc.get("old")), Checkpoint.from_document(doc.get("new"))
    for name, checkpoint in (("old", old), ("new", new)):
        if not checkpoint.verifies(public_pem):
            problems.append(f"{name} checkpoint: the signature does not verify with this key")
    path = [bytes.fromhex(p) if _is_hex(p) else b"" for p in _list(doc, "path")]
    if not verify_consistency(old.tree_size, new.tree_size, path, old.root_hash, new.root_hash):
        problems.append(
            f"path: not a consistency proof from the tree of {old.tree_size} "
            f"to the tree of {new.tree_size} with these roots"
        )
    return problems


def _object(doc: dict[str, Any], key: str) -> dict[str, Any]:
    value = doc.get(key)
    if not isinstance(value, dict):
        raise ValueError(f"{key}: missing or not an object")
    return value


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{key}: missing or not a list")
    return value


def _int(doc: dict[str, Any], key: str, where: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{where}.{key}: missing or not a whole number")
    return value


def _str(doc: dict[str, Any], key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{where}.{key}: missing or not text")
    return value


def _is_hex(value: Any) -> bool:
    try:
        bytes.fromhex(value)
    except (TypeError, ValueError):
        return False
    return True


def _hex(doc: dict[str, Any], key: str, where: str) -> bytes:
    value = doc.get(key)
    if not _is_hex(value):
        raise ValueError(f"{where}.{key}: missing or not hex")
    return bytes.fromhex(value)  # type: ignore[arg-type]


def _b64(doc: dict[str, Any], key: str, where: str) -> bytes:
    value = doc.get(key)
    try:
        if not isinstance(value, str):
            raise ValueError(key)
        return base64.b64decode(value.encode(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{where}.{key}: missing or not base64") from None
