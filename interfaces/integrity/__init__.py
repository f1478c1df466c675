"""Tamper evidence and signatures: the platform's signing key, event hashes, the Merkle tree of
the store, signed checkpoints and the proofs an auditor checks offline."""
