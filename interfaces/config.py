"""Configuration: environment variables → typed settings, read once at start-up.

``Environment`` (pydantic-settings) names every variable read, with its default and its check;
README's "Configuration" table documents each of them, and a test keeps the two equal.
``Settings.from_env()`` turns it into the frozen settings the wiring uses. A bad value stops
start-up with a one-line ``ConfigError`` naming the variable; an empty variable counts as unset."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from limits import parse as parse_rate
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict


class ConfigError(Exception):
    pass


INTENT_REVIEW_CHAIN = ("supervisor", "operator")
# The event store's recorders hash every event in its own transaction (tamper evidence).
POSTGRES_RECORDER = "interfaces.persistence.recorders:HashingPostgresRecorder"
SQLITE_RECORDER = "interfaces.persistence.recorders:HashingSQLiteRecorder"
REVIEWER_ROLES = ("supervisor", "operator", "finance")


@dataclass(frozen=True)
class PostgresSettings:
    host: str = "127.0.0.1"
    port: int = 5432
    dbname: str = "steelyard"
    user: str = "steelyard"
    password: str = ""
    schema: str = ""
    pool_size: int = 10
    lock_timeout: int = 5

    def conninfo(self) -> str:
        parts = [f"host={self.host}", f"port={self.port}", f"dbname={self.dbname}"]
        parts.append(f"user={self.user}")
        if self.password:
            parts.append(f"password={self.password}")
        if self.schema:
            parts.append(f"options=-csearch_path={self.schema}")
        return " ".join(parts)


@dataclass(frozen=True)
class SignInLimits:
    """How many sign-in attempts, in ``limits`` notation ("5/15 minutes", "30/minute")."""

    per_phone: str = "5/15 minutes"
    per_address: str = "30/minute"
    # password resets: codes sent per phone, and reset requests + confirmations per address
    reset_per_phone: str = "3/hour"
    reset_per_address: str = "20/hour"


@dataclass(frozen=True)
class Settings:
    persistence: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path = Path("var/steelyard.db")
    postgres: PostgresSettings = field(default_factory=PostgresSettings)
    # a hot standby of the same database: the read models' queries go there (STEELYARD_READ_*)
    read_replica: PostgresSettings | None = None
    secret_key: str = ""
    token_minutes: int = 60
    binding_idle_days: int = 90
    password_hash_cost: Literal["fast", "default"] = "default"
    projections: Literal["inprocess", "external"] = "inprocess"
    read_wait_seconds: float = 10.0
    sign_in_limits: SignInLimits = field(default_factory=SignInLimits)
    max_body_bytes: int = 1024 * 1024
    intent_review_chain: tuple[str, ...] = INTENT_REVIEW_CHAIN
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"
    # The platform's Ed25519 key (interfaces/integrity/keys.py): a PEM file, or else a dev key
    # kept in this folder (the embedded default, or STEELYARD_ALLOW_DEV_SECRET); neither: None.
    signing_key_file: Path | None = None
    dev_signing_key_folder: Path | None = Path("var")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from the process environment, or from ``env`` alone (tests pass a dict).
        A bad value is a ``ConfigError`` with a one-line message naming the variable."""
        read = Environment.read(os.environ if env is None else env)
        secret = read.secret_key
        if not secret:
            if read.persistence == "postgres" and not read.allow_dev_secret:
                raise ConfigError("STEELYARD_SECRET_KEY is required with PostgreSQL")
            secret = _dev_secret(read.sqlite_path.parent)
        key_file = read.signing_key_file
        if key_file is not None and not key_file.is_file():
            raise ConfigError(f"STEELYARD_SIGNING_KEY_FILE names no file: {key_file}")
        dev_keys = read.persistence == "sqlite" or read.allow_dev_secret
        return cls(
            persistence=read.persistence,
            sqlite_path=read.sqlite_path,
            postgres=PostgresSettings(
                host=read.postgres_host,
                port=read.postgres_port,
                dbname=read.postgres_dbname,
                user=read.postgres_user,
                password=read.postgres_password,
                schema=read.postgres_schema,
                pool_size=read.postgres_pool_size,
                lock_timeout=read.postgres_lock_timeout,
            ),
            read_replica=read.replica(),
            secret_key=secret,
            token_minutes=read.token_minutes,
            binding_idle_days=read.binding_idle_days,
            password_hash_cost=read.password_hash_cost,
            projections=read.projections,
            read_wait_seconds=float(read.read_wait_seconds),
            sign_in_limits=SignInLimits(
                per_phone=read.signin_phone_limit,
                per_address=read.signin_address_limit,
                reset_per_phone=read.reset_phone_limit,
                reset_per_address=read.reset_address_limit,
            ),
            max_body_bytes=read.max_body_bytes,
            intent_review_chain=read.intent_review_chain,
            log_format=read.log_format,
            log_level=read.log_level,
            signing_key_file=key_file,
            dev_signing_key_folder=read.sqlite_path.parent if dev_keys else None,
        )

    def eventsourcing_env(self, create_table: bool = True) -> dict[str, str]:
        """The environment the eventsourcing library reads for the event store."""
        env = {
            "TRANSCODER_TOPIC": "interfaces.persistence.transcoder:OrjsonTranscoder",
            "CREATE_TABLE": "y" if create_table else "n",
            # Keep recently used aggregates in memory; each read still fetches the events
            # written since (by any process), so a cached aggregate is never stale.
            "AGGREGATE_CACHE_MAXSIZE": "5000",
            "AGGREGATE_CACHE_FASTFORWARD": "y",
        }
        if self.persistence == "sqlite":
            self.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "APPLICATION_RECORDER_TOPIC": SQLITE_RECORDER,
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        else:
            pg = self.postgres
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER,
                "POSTGRES_HOST": pg.host,
                "POSTGRES_PORT": str(pg.port),
                "POSTGRES_DBNAME": pg.dbname,
                "POSTGRES_USER": pg.user,
                "POSTGRES_PASSWORD": pg.password,
                "POSTGRES_POOL_SIZE": str(pg.pool_size),
                "POSTGRES_LOCK_TIMEOUT": str(pg.lock_timeout),
                "POSTGRES_SCHEMA": pg.schema,
            }
        return env


CHOICES: dict[str, tuple[str, ...]] = {
    "persistence": ("sqlite", "postgres"),
    "projections": ("inprocess", "external"),
    "password_hash_cost": ("fast", "default"),
    "log_format": ("json", "text"),
    "log_level": ("DEBUG", "INFO", "WARNING", "ERROR"),
}

# Empty means unset, except for these: an empty limit is a mistake, not "the default".
NO_EMPTY = (
    "STEELYARD_SIGNIN_PHONE_LIMIT",
    "STEELYARD_SIGNIN_ADDRESS_LIMIT",
    "STEELYARD_RESET_PHONE_LIMIT",
    "STEELYARD_RESET_ADDRESS_LIMIT",
)


class Environment(BaseSettings):
    """Every variable Steelyard reads, by its name (the field's alias), with its default."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True)

    persistence: Literal["sqlite", "postgres"] = Field("sqlite", alias="STEELYARD_PERSISTENCE")
    sqlite_path: Path = Field(Path("var/steelyard.db"), alias="STEELYARD_SQLITE_PATH")
    postgres_host: str = Field("127.0.0.1", alias="POSTGRES_HOST")
    postgres_port: int = Field(5432, alias="POSTGRES_PORT")
    postgres_dbname: str = Field("steelyard", alias="POSTGRES_DBNAME")
    postgres_user: str = Field("steelyard", alias="POSTGRES_USER")
    postgres_password: str = Field("", alias="POSTGRES_PASSWORD")
    postgres_schema: str = Field("", alias="POSTGRES_SCHEMA")
    postgres_pool_size: int = Field(10, alias="POSTGRES_POOL_SIZE")
    postgres_lock_timeout: int = Field(5, alias="POSTGRES_LOCK_TIMEOUT")
    read_host: str = Field("", alias="STEELYARD_READ_HOST")
    read_port: int | None = Field(None, alias="STEELYARD_READ_PORT")
    read_user: str = Field("", alias="STEELYARD_READ_USER")
    read_password: str = Field("", alias="STEELYARD_READ_PASSWORD")
    secret_key: str = Field("", alias="STEELYARD_SECRET_KEY")
    allow_dev_secret: bool = Field(False, alias="STEELYARD_ALLOW_DEV_SECRET")
    signing_key_file: Path | None = Field(None, alias="STEELYARD_SIGNING_KEY_FILE")
    token_minutes: int = Field(60, alias="STEELYARD_TOKEN_MINUTES")
    binding_idle_days: int = Field(90, alias="STEELYARD_BINDING_IDLE_DAYS")
    password_hash_cost: Literal["fast", "default"] = Field(
        "default", alias="STEELYARD_PASSWORD_HASH_COST"
    )
    projections: Literal["inprocess", "external"] = Field(
        "inprocess", alias="STEELYARD_PROJECTIONS"
    )
    read_wait_seconds: int = Field(10, alias="STEELYARD_READ_WAIT_SECONDS")
    signin_phone_limit: str = Field("5/15 minutes", alias="STEELYARD_SIGNIN_PHONE_LIMIT")
    signin_address_limit: str = Field("30/minute", alias="STEELYARD_SIGNIN_ADDRESS_LIMIT")
    reset_phone_limit: str = Field("3/hour", alias="STEELYARD_RESET_PHONE_LIMIT")
    reset_address_limit: str = Field("20/hour", alias="STEELYARD_RESET_ADDRESS_LIMIT")
    max_body_bytes: int = Field(1024 * 1024, alias="STEELYARD_MAX_BODY_BYTES")
    intent_review_chain: tuple[str, ...] = Field(
        INTENT_REVIEW_CHAIN, alias="STEELYARD_INTENT_REVIEW_CHAIN"
    )
    log_format: Literal["json", "text"] = Field("json", alias="STEELYARD_LOG_FORMAT")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", alias="STEELYARD_LOG_LEVEL"
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what ``read`` hands over: the process environment, or a test's own mapping
        (never the two mixed, and no .env file a deployment did not ask for)."""
        return (init_settings,)

    @classmethod
    def names(cls) -> list[str]:
        return [str(info.alias) for info in cls.model_fields.values()]

    @classmethod
    def read(cls, env: Mapping[str, str]) -> Environment:
        given: dict[str, Any] = {
            n: env[n] for n in cls.names() if env.get(n, "") != "" or (n in env and n in NO_EMPTY)
        }
        try:
            return cls(**given)
        except ValidationError as error:
            raise ConfigError(_first_message(error)) from None

    def replica(self) -> PostgresSettings | None:
        """The hot standby the read models' queries go to, when ``STEELYARD_READ_HOST`` is set:
        the same database and schema, its own host and port (user and password as the
        primary's unless given)."""
        if not self.read_host:
            return None
        if self.persistence != "postgres":
            raise ConfigError("STEELYARD_READ_HOST needs STEELYARD_PERSISTENCE=postgres")
        return PostgresSettings(
            host=self.read_host,
            port=self.read_port or self.postgres_port,
            dbname=self.postgres_dbname,
            user=self.read_user or self.postgres_user,
            password=self.read_password or self.postgres_password,
            schema=self.postgres_schema,
            pool_size=self.postgres_pool_size,
            lock_timeout=self.postgres_lock_timeout,
        )

    @classmethod
    def _name(cls, info: ValidationInfo) -> str:
        return str(cls.model_fields[str(info.field_name)].alias)

    @field_validator(*CHOICES, mode="before")
    @classmethod
    def _one_of(cls, value: Any, info: ValidationInfo) -> str:
        choices = CHOICES[str(info.field_name)]
        text = str(value).strip()
        text = text.upper() if info.field_name == "log_level" else text.lower()
        if text not in choices:
            raise ValueError(f"{cls._name(info)} must be {' or '.join(choices)}, not {value!r}")
        return text

    @field_validator(
        "postgres_port",
        "postgres_pool_size",
        "postgres_lock_timeout",
        "read_port",
        "token_minutes",
        "binding_idle_days",
        "read_wait_seconds",
        "max_body_bytes",
        mode="before",
    )
    @classmethod
    def _whole_number(cls, value: Any, info: ValidationInfo) -> int | None:
        if value is None and info.field_name == "read_port":
            return None  # unset: the primary's port
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{cls._name(info)} must be a whole number, not {value!r}") from None
        if info.field_name == "max_body_bytes" and number < 1:
            raise ValueError(f"{cls._name(info)} must be at least 1, not {number}")
        return number

    @field_validator("allow_dev_secret", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        return value is True or str(value).strip() == "1"

    @field_validator(
        "signin_phone_limit",
        "signin_address_limit",
        "reset_phone_limit",
        "reset_address_limit",
        mode="before",
    )
    @classmethod
    def _rate(cls, value: Any, info: ValidationInfo) -> str:
        """A rate such as "5/15 minutes" (count / period), checked so a typo stops start-up."""
        raw = str(value).strip()
        try:
            amount = parse_rate(raw).amount
        except ValueError:
            amount = 0
        if amount < 1:
            name = cls._name(info)
            raise ValueError(f'{name} must be a rate such as "5/15 minutes", not {raw!r}')
        return raw

    @field_validator("intent_review_chain", mode="before")
    @classmethod
    def _review_chain(cls, value: Any, info: ValidationInfo) -> tuple[str, ...]:
        """Reviewer roles, comma-separated, level 1 first ("supervisor,operator")."""
        if isinstance(value, tuple):
            return value
        raw = str(value).strip()
        roles = tuple(part.strip().lower() for part in raw.split(","))
        if any(role not in REVIEWER_ROLES for role in roles):
            raise ValueError(
                f"{cls._name(info)} lists reviewer roles ({', '.join(REVIEWER_ROLES)}) in order, "
                f"not {raw!r}"
            )
        return roles


def _first_message(error: ValidationError) -> str:
    """One line: our own check's message, or pydantic's for the first bad variable."""
    first = error.errors()[0]
    cause = first.get("ctx", {}).get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    name = ".".join(str(part) for part in first["loc"])
    return f"{name}: {first['msg']}"


def _dev_secret(folder: Path) -> str:
    """A signing key kept in a local file, so tokens survive restarts of the embedded default."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
