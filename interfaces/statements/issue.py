"""Issuing a statement: built from the store for the period, stamped with who asked and when,
signed with the platform's key."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from domain.context import CommandContext
from domain.errors import DomainError, ErrorKind
from domain.ledger import Ledger
from interfaces.config import ConfigError, Settings
from interfaces.history.render import utc_text
from interfaces.integrity.keys import SigningKey
from interfaces.statements.build import period_for, statement_body
from interfaces.statements.signing import signed


class SigningKeyUnavailableError(DomainError):
    kind = ErrorKind.UNAVAILABLE
    code = "signing_key_unavailable"

    def __init__(self, why: str) -> None:
        super().__init__(f"The platform's signing key is not available: {why}")


def platform_key(settings: Settings) -> SigningKey:
    try:
        return SigningKey.from_settings(settings)
    except ConfigError as error:
        raise SigningKeyUnavailableError(str(error)) from None


def issue_statement(
    ledger: Ledger, settings: Settings, company_id: UUID, as_of: date, ctx: CommandContext
) -> dict[str, Any]:
    """The signed statement of ``company_id`` as of the business date ``as_of``."""
    now = ctx.now()
    statement = statement_body(ledger, period_for(company_id, as_of, now))
    statement["issued_at"] = utc_text(now)
    user = ctx.actor.user_id
    statement["issued_by"] = {"user_id": str(user) if user else None, "role": ctx.actor.role.value}
    return signed(statement, platform_key(settings))
