"""The platform's signing key (Ed25519): it signs checkpoints of the event store and balance
statements, and anyone holding the public key checks them offline.

``SigningKey.from_settings(settings)`` loads the PEM file named by ``STEELYARD_SIGNING_KEY_FILE``;
without one, the embedded default (or ``STEELYARD_ALLOW_DEV_SECRET=1``) uses a dev key kept in a
local file, made on first use. PostgreSQL with neither is refused when a signature is first needed.
``verify(public_pem, data, signature)`` needs nothing but the public key.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from interfaces.config import ConfigError, Settings

DEV_KEY_NAME = "dev-signing-key.pem"


class SigningKey:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, pem: bytes, source: str = "the key") -> SigningKey:
        try:
            private = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{source} is not an unencrypted PEM private key: {error}") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise ConfigError(f"{source} is not an Ed25519 key")
        return cls(private)

    @classmethod
    def from_file(cls, path: Path) -> SigningKey:
        try:
            pem = path.read_bytes()
        except OSError as error:
            raise ConfigError(f"cannot read the signing key {path}: {error.strerror}") from None
        return cls.from_pem(pem, str(path))

    @classmethod
    def from_settings(cls, settings: Settings) -> SigningKey:
        if settings.signing_key_file is not None:
            return cls.from_file(settings.signing_key_file)
        if settings.dev_signing_key_folder is None:
            raise ConfigError(
                "STEELYARD_SIGNING_KEY_FILE is required with PostgreSQL "
                "(or STEELYARD_ALLOW_DEV_SECRET=1 for tests and demos)"
            )
        return cls.dev_key(settings.dev_signing_key_folder)

    @classmethod
    def dev_key(cls, folder: Path) -> SigningKey:
        """A key kept in ``folder``, made on first use (never for a deployment)."""
        path = folder / DEV_KEY_NAME
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            fresh = cls.generate()
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(fresh.private_key_pem())
        return cls.from_file(path)

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def public_key_pem(self) -> str:
        return public_pem_of(self._private.public_key())

    def key_id(self) -> str:
        """A short name for the public key (SHA-256 of its DER form, hex, first 16)."""
        return key_id(self.public_key_pem())

    def private_key_pem(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def public_pem_of(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_public_key(public_pem: str | bytes) -> Ed25519PublicKey:
    """The Ed25519 public key in ``public_pem``; ValueError naming what is wrong otherwise."""
    raw = public_pem.encode() if isinstance(public_pem, str) else public_pem
    try:
        public = serialization.load_pem_public_key(raw)
    except (ValueError, TypeError) as error:
        raise ValueError(f"not a PEM public key: {error}") from None
    if not isinstance(public, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return public


def key_id(public_pem: str | bytes) -> str:
    der = load_public_key(public_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


def verify(public_pem: str | bytes, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the holder of ``public_pem``'s signature of ``data``.
    A malformed key raises ValueError; a wrong signature is False."""
    public = load_public_key(public_pem)
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)
