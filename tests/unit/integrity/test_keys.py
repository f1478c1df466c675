"""The platform's signing key: a signature checks with the public key alone; anything else fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from interfaces.config import ConfigError, Settings
from interfaces.integrity.keys import SigningKey, key_id, verify


def test_a_signature_verifies_with_the_public_key_alone() -> None:
    key = SigningKey.generate()
    signature = key.sign(b"checkpoint 42")
    assert verify(key.public_key_pem(), b"checkpoint 42", signature)


def test_changed_data_or_another_key_does_not_verify() -> None:
    key, other = SigningKey.generate(), SigningKey.generate()
    signature = key.sign(b"checkpoint 42")
    assert not verify(key.public_key_pem(), b"checkpoint 43", signature)
    assert not verify(other.public_key_pem(), b"checkpoint 42", signature)


def test_a_key_file_named_by_the_setting_is_the_key_used(tmp_path: Path) -> None:
    key = SigningKey.generate()
    (tmp_path / "key.pem").write_bytes(key.private_key_pem())
    settings = Settings.from_env(
        {"STEELYARD_SQLITE_PATH": str(tmp_path / "s.db"),
         "STEELYARD_SIGNING_KEY_FILE": str(tmp_path / "key.pem")}
    )  # fmt: skip
    assert SigningKey.from_settings(settings).public_key_pem() == key.public_key_pem()


def test_a_missing_key_file_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="STEELYARD_SIGNING_KEY_FILE names no file"):
        Settings.from_env({"STEELYARD_SIGNING_KEY_FILE": str(tmp_path / "none.pem")})


def test_a_file_that_is_not_an_ed25519_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_text("not a key")
    with pytest.raises(ConfigError, match="not an unencrypted PEM private key"):
        SigningKey.from_file(tmp_path / "key.pem")


def test_the_embedded_default_keeps_one_dev_key(tmp_path: Path) -> None:
    settings = Settings.from_env({"STEELYARD_SQLITE_PATH": str(tmp_path / "s.db")})
    first = SigningKey.from_settings(settings)
    again = SigningKey.from_settings(settings)
    assert first.key_id() == again.key_id() == key_id(first.public_key_pem())
    assert (tmp_path / "dev-signing-key.pem").stat().st_mode & 0o077 == 0


def test_postgres_without_a_key_file_is_refused_when_signing(tmp_path: Path) -> None:
    env = {"STEELYARD_PERSISTENCE": "postgres", "STEELYARD_SECRET_KEY": "x" * 32,
           "STEELYARD_SQLITE_PATH": str(tmp_path / "s.db")}  # fmt: skip
    with pytest.raises(ConfigError, match="STEELYARD_SIGNING_KEY_FILE is required"):
        SigningKey.from_settings(Settings.from_env(env))
    allowed = Settings.from_env(env | {"STEELYARD_ALLOW_DEV_SECRET": "1"})
    assert SigningKey.from_settings(allowed).sign(b"x")
