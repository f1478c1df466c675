"""Signed checkpoints of the store's Merkle tree and the proofs against them (the documents
``steelyard audit verify-proof`` checks offline; hashes hex, state and signatures base64)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class CheckpointPublic(BaseModel):
    tree_size: int = Field(description="How many events (leaves) the signed tree holds")
    root_hash: str = Field(description="RFC 9162 Merkle tree hash of those events, hex")
    taken_at: str = Field(description="When it was signed (UTC, ISO 8601)")
    key_id: str = Field(description="First 16 hex of SHA-256 of the signing key (DER)")
    signature: str = Field(
        description="Ed25519 over 'steelyard checkpoint v1\\ntree_size N\\nroot_hash H\\n"
        "taken_at T\\n', base64"
    )


class CheckpointTaken(CheckpointPublic):
    position: int = Field(description="The position of the newest event the signed tree holds")
    created: bool = Field(description="False: nothing was written since, this is the latest")


class TreeHead(BaseModel):
    tree_size: int = Field(description="Events in the tree now (signed or not yet)")
    position: int = Field(description="The position of the newest of them")


class CheckpointsPublic(BaseModel):
    public_key: str | None = Field(description="The platform's public key (PEM), if configured")
    key_id: str | None
    head: TreeHead
    checkpoints: list[CheckpointPublic] = Field(description="Oldest first")


class ProofEvent(BaseModel):
    position: int
    stream_id: str
    version: int
    topic: str
    state: str = Field(description="The stored state, base64")
    previous_hash: str = Field(description="The hash of the stream's previous event (hex)")
    hash: str = Field(description="This event's chained hash (hex)")


class ProofLeaf(BaseModel):
    index: int = Field(description="0-based leaf index in the tree (store order)")
    data: str = Field(description="position (8 bytes) || event hash, hex")
    hash: str = Field(description="SHA-256(0x00 || data), hex")


class InclusionProofPublic(BaseModel):
    kind: Literal["steelyard.inclusion-proof/v1"]
    event: ProofEvent
    leaf: ProofLeaf
    tree_size: int
    path: list[str] = Field(description="RFC 9162 audit path, leaf to root, hex")
    checkpoint: CheckpointPublic


class ConsistencyProofPublic(BaseModel):
    kind: Literal["steelyard.consistency-proof/v1"]
    old: CheckpointPublic
    new: CheckpointPublic
    path: list[str] = Field(description="RFC 9162 consistency path, hex")
