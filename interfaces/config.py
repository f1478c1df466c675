"""Configuration: environment variables → typed settings, read once at start-up.

STEELYARD_PERSISTENCE   sqlite (default) | postgres
STEELYARD_SQLITE_PATH   event store file for the embedded default (default ./var/steelyard.db);
                        read models live beside it (<path>.views.db)
POSTGRES_HOST/PORT/DBNAME/USER/PASSWORD/SCHEMA   the PostgreSQL server (event store and views)
POSTGRES_POOL_SIZE      connections per pool (default 10)
POSTGRES_LOCK_TIMEOUT   seconds a writer waits for the table lock (default 5)
STEELYARD_SECRET_KEY    signs bearer tokens; required with postgres, a file-kept dev key otherwise
STEELYARD_TOKEN_MINUTES bearer token lifetime (default 60)
STEELYARD_BINDING_IDLE_DAYS   days without activity after which a manager binding lapses (90)
STEELYARD_PASSWORD_HASH_COST  fast|default (argon2 cost; "fast" only for tests and demos)
STEELYARD_READ_WAIT_SECONDS   the longest a query waits for `wait_for` (default 10)
STEELYARD_PROJECTIONS   inprocess (default: the API server keeps the read models up to date)
                        | external (a separate `steelyard project` process does)
STEELYARD_SIGNIN_PHONE_LIMIT    sign-in attempts per phone (default "5/15 minutes"; a successful
                                sign-in clears the count)
STEELYARD_SIGNIN_ADDRESS_LIMIT  sign-in attempts per client address (default "30/minute")
STEELYARD_MAX_BODY_BYTES        the largest request body accepted (default 1048576, 1 MiB)
STEELYARD_INTENT_REVIEW_CHAIN   the seller's review of futures intents: staff roles in order, one
                                level each (default "supervisor,operator": the sales supervisor,
                                then production planning, which operators do); roles: supervisor,
                                operator, finance
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from limits import parse as parse_rate


class ConfigError(Exception):
    pass


INTENT_REVIEW_CHAIN = ("supervisor", "operator")
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


@dataclass(frozen=True)
class Settings:
    persistence: Literal["sqlite", "postgres"] = "sqlite"
    sqlite_path: Path = Path("var/steelyard.db")
    postgres: PostgresSettings = field(default_factory=PostgresSettings)
    secret_key: str = ""
    token_minutes: int = 60
    binding_idle_days: int = 90
    password_hash_cost: Literal["fast", "default"] = "default"
    projections: Literal["inprocess", "external"] = "inprocess"
    read_wait_seconds: float = 10.0
    sign_in_limits: SignInLimits = field(default_factory=SignInLimits)
    max_body_bytes: int = 1024 * 1024
    intent_review_chain: tuple[str, ...] = INTENT_REVIEW_CHAIN

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        persistence = env.get("STEELYARD_PERSISTENCE", "sqlite").strip().lower()
        if persistence not in ("sqlite", "postgres"):
            raise ConfigError(
                f"STEELYARD_PERSISTENCE must be sqlite or postgres, not {persistence!r}"
            )
        pg = PostgresSettings(
            host=env.get("POSTGRES_HOST", "127.0.0.1"),
            port=_int(env, "POSTGRES_PORT", 5432),
            dbname=env.get("POSTGRES_DBNAME", "steelyard"),
            user=env.get("POSTGRES_USER", "steelyard"),
            password=env.get("POSTGRES_PASSWORD", ""),
            schema=env.get("POSTGRES_SCHEMA", ""),
            pool_size=_int(env, "POSTGRES_POOL_SIZE", 10),
            lock_timeout=_int(env, "POSTGRES_LOCK_TIMEOUT", 5),
        )
        sqlite_path = Path(env.get("STEELYARD_SQLITE_PATH", "var/steelyard.db"))
        secret = env.get("STEELYARD_SECRET_KEY", "")
        if not secret:
            if persistence == "postgres" and env.get("STEELYARD_ALLOW_DEV_SECRET") != "1":
                raise ConfigError("STEELYARD_SECRET_KEY is required with PostgreSQL")
            secret = _dev_secret(sqlite_path.parent)
        projections = env.get("STEELYARD_PROJECTIONS", "inprocess")
        if projections not in ("inprocess", "external"):
            raise ConfigError("STEELYARD_PROJECTIONS must be inprocess or external")
        cost = env.get("STEELYARD_PASSWORD_HASH_COST", "default")
        if cost not in ("fast", "default"):
            raise ConfigError("STEELYARD_PASSWORD_HASH_COST must be fast or default")
        return cls(
            persistence=persistence,  # type: ignore[arg-type]
            sqlite_path=sqlite_path,
            postgres=pg,
            secret_key=secret,
            token_minutes=_int(env, "STEELYARD_TOKEN_MINUTES", 60),
            binding_idle_days=_int(env, "STEELYARD_BINDING_IDLE_DAYS", 90),
            password_hash_cost=cost,  # type: ignore[arg-type]
            projections=projections,  # type: ignore[arg-type]
            read_wait_seconds=float(_int(env, "STEELYARD_READ_WAIT_SECONDS", 10)),
            sign_in_limits=SignInLimits(
                per_phone=_rate(env, "STEELYARD_SIGNIN_PHONE_LIMIT", SignInLimits.per_phone),
                per_address=_rate(env, "STEELYARD_SIGNIN_ADDRESS_LIMIT", SignInLimits.per_address),
            ),
            max_body_bytes=_positive(env, "STEELYARD_MAX_BODY_BYTES", 1024 * 1024),
            intent_review_chain=_review_chain(env, "STEELYARD_INTENT_REVIEW_CHAIN"),
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
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        else:
            pg = self.postgres
            env |= {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
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


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}")
    return value


def _rate(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate such as "5/15 minutes" (count / period), checked here so a typo stops start-up."""
    raw = env.get(name, default).strip()
    try:
        amount = parse_rate(raw).amount
    except ValueError:
        amount = 0
    if amount < 1:
        raise ConfigError(f'{name} must be a rate such as "5/15 minutes", not {raw!r}')
    return raw


def _review_chain(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Reviewer roles, comma-separated, level 1 first ("supervisor,operator")."""
    raw = env.get(name, "").strip()
    if not raw:
        return INTENT_REVIEW_CHAIN
    roles = tuple(part.strip().lower() for part in raw.split(","))
    if any(role not in REVIEWER_ROLES for role in roles):
        raise ConfigError(
            f"{name} lists reviewer roles ({', '.join(REVIEWER_ROLES)}) in order, not {raw!r}"
        )
    return roles


def _dev_secret(folder: Path) -> str:
    """A signing key kept in a local file, so tokens survive restarts of the embedded default."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
