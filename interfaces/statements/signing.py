"""A statement's signature: Ed25519 over its canonical JSON (keys sorted, no spaces, UTF-8).

The file a company or auditor keeps is ``{"statement": {...}, "signature": {...}}``; the
signature names its algorithm, the key's id and public key, and carries the signature's bytes
in base64. Anyone with the platform's public key checks it offline.
"""

from __future__ import annotations

import binascii
import json
from typing import Any

from interfaces.integrity.keys import SigningKey, b64, key_id, unb64, verify

ALGORITHM = "Ed25519"


def canonical(statement: dict[str, Any]) -> bytes:
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def signed(statement: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    return {
        "statement": statement,
        "signature": {
            "algorithm": ALGORITHM,
            "key_id": key.key_id(),
            "public_key": key.public_key_pem(),
            "value": b64(key.sign(canonical(statement))),
        },
    }


def signature_problems(document: dict[str, Any], platform_public_pem: str) -> list[str]:
    """What is wrong with the document's signature, checked against the platform's public key
    (the key printed in the file is only a hint: a forger could print their own)."""
    signature = document.get("signature")
    statement = document.get("statement")
    if not isinstance(signature, dict) or not isinstance(statement, dict):
        return ["the file is not a signed statement (statement and signature)"]
    if signature.get("algorithm") != ALGORITHM:
        return [f"signature: algorithm {signature.get('algorithm')!r}, not {ALGORITHM}"]
    try:
        expected = key_id(platform_public_pem)
    except ValueError as error:
        return [f"the platform's public key given is {error}"]
    if signature.get("key_id") != expected:
        return [
            f"signature: signed with key {signature.get('key_id')!r}, not the platform's "
            f"key {expected}"
        ]
    try:
        value = unb64(str(signature.get("value", "")))
    except (binascii.Error, ValueError):
        return ["signature: its value is not base64"]
    if not verify(platform_public_pem, canonical(statement), value):
        return [
            "signature: does not match the statement (the statement or the signature "
            "was changed after signing)"
        ]
    return []
