"""RFC 9162 Merkle trees (§2.1): hashing, the frontier an append-only log keeps, and the
inclusion and consistency proofs with their verification.

Pure functions over hashes, no storage: a proof is described as the leaf ranges whose tree hashes
it carries (``inclusion_ranges``, ``consistency_ranges``); whoever holds the tree supplies the
hash of each range (``range_hash`` from the perfect subtrees it stored, ``perfect_parts``).

- leaf hash  = SHA-256(0x00 || data)
- node hash  = SHA-256(0x01 || left || right)
- MTH(D[n])  for n > 1 splits at k, the largest power of two smaller than n; MTH({}) = SHA-256().

pymerkle was considered: its hashing follows the RFC, but it recomputes every subtree from the
leaves (a proof reads the whole log) and its proofs are not the RFC's audit and consistency
paths, so an outside verifier could not check them with a stock RFC 9162 implementation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Range = tuple[int, int]  # leaves [start, end)
Node = tuple[int, int]  # (level, index): the perfect subtree of leaves [index·2^level, +2^level)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """k: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes (in memory: tests, small trees)."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = split_point(n)
    return node_hash(mth(leaf_hashes[:k]), mth(leaf_hashes[k:]))


def perfect_parts(start: int, end: int) -> list[Node]:
    """The perfect subtrees, largest first, whose fold is MTH(D[start:end]); ``start`` is
    aligned as in every range of a proof (a multiple of the range's split point)."""
    parts: list[Node] = []
    at = start
    while at < end:
        level = (end - at).bit_length() - 1
        while at % (1 << level):
            level -= 1
        parts.append((level, at >> level))
        at += 1 << level
    return parts


def fold(parts: Sequence[bytes]) -> bytes:
    """MTH of consecutive perfect subtrees, largest first: they nest to the right."""
    if not parts:
        return EMPTY_ROOT
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def range_hash(start: int, end: int, node: Callable[[Node], bytes]) -> bytes:
    return fold([node(part) for part in perfect_parts(start, end)])


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1 as leaf ranges, from the leaf up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return list(reversed(ranges))


def consistency_ranges(old: int, new: int) -> list[Range]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 (SUBPROOF) as leaf ranges, in proof order."""
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from {old} to {new}")
    ranges: list[Range] = []
    start, end, m, complete = 0, new, old, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        ranges.append((start, end))
    return list(reversed(ranges))


def root_from_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2: the root the path leads to, or None when it cannot be such a path."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes
) -> bool:
    return root_from_inclusion(leaf, index, size, path) == root


def verify_consistency(
    old: int, new: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of ``new`` leaves an append-only extension of the one of
    ``old`` leaves?"""
    if not 0 < old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # an exact power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0


class Frontier:
    """The right edge of an append-only tree: one perfect subtree per set bit of its size,
    largest first. Appending a leaf merges equal subtrees, as adding 1 carries."""

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if len(nodes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} frontier nodes")
        self.size = size
        self.nodes = list(nodes)

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf; the perfect subtrees it completes, as (level, index, hash), leaf first."""
        index = self.size
        completed = [(0, index, leaf)]
        node, level, size = leaf, 0, self.size
        while size & 1:
            node = node_hash(self.nodes.pop(), node)
            level, size = level + 1, size >> 1
            completed.append((level, index >> level, node))
        self.nodes.append(node)
        self.size += 1
        return completed

    def extend(self, leaves: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
        completed: list[tuple[int, int, bytes]] = []
        for leaf in leaves:
            completed.extend(self.append(leaf))
        return completed

    def root(self) -> bytes:
        return fold(self.nodes)

    def packed(self) -> bytes:
        return b"".join(self.nodes)

    @classmethod
    def unpack(cls, size: int, packed: bytes) -> Frontier:
        nodes = [packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE)]
        return cls(size, nodes)
