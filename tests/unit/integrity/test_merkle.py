"""RFC 9162 Merkle trees: the Certificate Transparency test vectors (roots, audit paths and
consistency proofs of the 8-leaf reference tree), and every proof of every small tree against
the RFC's own recursive definitions."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from interfaces.integrity.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_ranges,
    inclusion_ranges,
    leaf_hash,
    mth,
    node_hash,
    range_hash,
    root_from_inclusion,
    split_point,
    verify_consistency,
    verify_inclusion,
)

# certificate-transparency's merkle_tree_test / transparency-dev/merkle reference vectors.
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]  # fmt: skip
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]  # fmt: skip
PATHS = {
    (0, 1): [],
    (0, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (5, 8): ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (2, 3): ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    (1, 5): ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
}  # fmt: skip
CONSISTENCY = {
    (1, 1): [],
    (1, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (6, 8): ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (2, 5): ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
}  # fmt: skip


def _hashes(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def _path(hashes: list[bytes], index: int, size: int) -> list[bytes]:
    return [range_hash(a, b, _node_of(hashes)) for a, b in inclusion_ranges(index, size)]


def _consistency(hashes: list[bytes], old: int, new: int) -> list[bytes]:
    return [range_hash(a, b, _node_of(hashes)) for a, b in consistency_ranges(old, new)]


def _node_of(hashes: list[bytes]):  # type: ignore[no-untyped-def]
    return lambda node: mth(hashes[node[1] << node[0] : (node[1] + 1) << node[0]])


def _rfc_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 9162 §2.1.3.1 writes it (over leaf hashes)."""
    n = len(d)
    if n == 1:
        return []
    k = split_point(n)
    if m < k:
        return [*_rfc_path(m, d[:k]), mth(d[k:])]
    return [*_rfc_path(m - k, d[k:]), mth(d[:k])]


def _rfc_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) exactly as RFC 9162 §2.1.4.1 writes it."""
    n = len(d)
    if m == n:
        return [] if b else [mth(d)]
    k = split_point(n)
    if m <= k:
        return [*_rfc_subproof(m, d[:k], b), mth(d[k:])]
    return [*_rfc_subproof(m - k, d[k:], False), mth(d[:k])]


def test_the_reference_roots_of_one_to_eight_leaves() -> None:
    hashes = [leaf_hash(leaf) for leaf in LEAVES]
    assert (
        mth([])
        == EMPTY_ROOT
        == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    )
    for n in range(1, 9):
        assert mth(hashes[:n]) == ROOTS[n - 1]
        frontier = Frontier()
        frontier.extend(hashes[:n])
        assert frontier.root() == ROOTS[n - 1]


def test_the_reference_audit_paths_and_consistency_proofs() -> None:
    hashes = [leaf_hash(leaf) for leaf in LEAVES]
    for (index, size), want in PATHS.items():
        path = _path(hashes, index, size)
        assert [p.hex() for p in path] == want
        assert verify_inclusion(hashes[index], index, size, path, ROOTS[size - 1])
    for (old, new), want in CONSISTENCY.items():
        proof = _consistency(hashes, old, new)
        assert [p.hex() for p in proof] == want
        assert verify_consistency(old, new, proof, ROOTS[old - 1], ROOTS[new - 1])


def test_every_proof_of_trees_up_to_70_leaves_is_the_rfcs_and_verifies() -> None:
    hashes = _hashes(70)
    for size in range(1, 71):
        root = mth(hashes[:size])
        for index in range(size):
            path = _path(hashes, index, size)
            assert path == _rfc_path(index, hashes[:size])
            assert verify_inclusion(hashes[index], index, size, path, root)
        for old in range(1, size + 1):
            proof = _consistency(hashes, old, size)
            assert proof == _rfc_subproof(old, hashes[:size], True)
            assert verify_consistency(old, size, proof, mth(hashes[:old]), root)


def test_the_frontier_reports_each_perfect_subtree_it_completes() -> None:
    hashes = _hashes(37)
    frontier = Frontier()
    completed = frontier.extend(hashes)
    for level, index, value in completed:
        assert value == mth(hashes[index << level : (index + 1) << level])
    assert len(completed) == 2 * 37 - (37).bit_count()
    again = Frontier.unpack(frontier.size, frontier.packed())
    again.append(hashes[0])
    assert again.root() == mth([*hashes, hashes[0]])


@pytest.mark.parametrize("size", [2, 3, 7, 8, 13, 64])
def test_a_changed_path_index_or_size_does_not_verify(size: int) -> None:
    hashes = _hashes(size)
    root = mth(hashes)
    for index in range(size):
        path = _path(hashes, index, size)
        for j in range(len(path)):
            bad = [*path[:j], bytes([path[j][0] ^ 1]) + path[j][1:], *path[j + 1 :]]
            assert not verify_inclusion(hashes[index], index, size, bad, root)
        for other in (index - 1, index + 1):
            if 0 <= other < size and path != _path(hashes, other, size):
                assert not verify_inclusion(hashes[index], other, size, path, root)
        longer = [*path, path[0] if path else root]
        assert root_from_inclusion(hashes[index], index, size, longer) != root
    assert not verify_inclusion(hashes[0], size, size, [], root)


def test_a_consistency_proof_against_another_root_does_not_verify() -> None:
    hashes = _hashes(7)
    proof = _consistency(hashes, 3, 7)
    assert verify_consistency(3, 7, proof, mth(hashes[:3]), mth(hashes))
    assert not verify_consistency(3, 7, proof, mth(hashes[:3]), mth(hashes[:6]))
    assert not verify_consistency(3, 7, proof, mth(hashes[:2]), mth(hashes))
    assert not verify_consistency(3, 7, proof[:-1], mth(hashes[:3]), mth(hashes))
    assert not verify_consistency(4, 7, proof, mth(hashes[:4]), mth(hashes))
    assert not verify_consistency(0, 7, [], EMPTY_ROOT, mth(hashes))
    assert not verify_consistency(3, 3, [hashes[0]], mth(hashes[:3]), mth(hashes[:3]))
    assert node_hash(hashes[0], hashes[1]) == mth(hashes[:2])
