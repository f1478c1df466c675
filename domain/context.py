"""Who is acting, why, and when: the context every command runs in.

The command runner sets it for the duration of one command; every event recorded meanwhile
carries its cause (actor, role, request id) and takes its timestamp from its clock, so tests move
time by giving a different clock instead of sleeping.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from uuid import UUID
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(tz=UTC)


class Role(Enum):
    BUYER_ADMIN = "buyer_admin"
    BUYER_MEMBER = "buyer_member"
    MANAGER = "manager"
    SUPERVISOR = "supervisor"
    DIRECTOR = "director"
    FINANCE = "finance"
    OPERATOR = "operator"
    AUDITOR = "auditor"
    INTEGRATION = "integration"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"

    @property
    def is_buyer(self) -> bool:
        return self in (Role.BUYER_ADMIN, Role.BUYER_MEMBER)

    @property
    def is_staff(self) -> bool:
        return not self.is_buyer and self not in (Role.SYSTEM, Role.ANONYMOUS)


@dataclass(frozen=True)
class Actor:
    """The authenticated party issuing a command or query."""

    user_id: UUID | None
    role: Role
    account_id: UUID | None = None  # the customer company, for buyers
    permissions: frozenset[str] = frozenset()
    # A sales supervisor's or director's team: the managers under it, read from the store on
    # every request (so a move between teams takes effect at once)
    team: frozenset[UUID] = frozenset()

    @classmethod
    def system(cls) -> Actor:
        return cls(user_id=None, role=Role.SYSTEM)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user_id=None, role=Role.ANONYMOUS)


@dataclass(frozen=True)
class Cause:
    """Recorded on every event: who caused it and through which request."""

    user_id: UUID | None
    role: str
    request_id: str
    # The one run of a command that wrote the event (new for every run, not for every attempt):
    # how the command runner tells its own committed write from a concurrent writer's. Events
    # written before it existed decode with None.
    command_id: UUID | None = None


@dataclass(frozen=True)
class CommandContext:
    actor: Actor = field(default_factory=Actor.system)
    request_id: str = "-"
    clock: Clock = system_clock
    idempotency: tuple[str, str] | None = None  # (scoped key, request fingerprint)
    command_id: UUID | None = None  # set by the command runner for the command it runs

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The business date: Asia/Shanghai calendar."""
        return self.now().astimezone(SHANGHAI).date()

    def cause(self) -> Cause:
        return Cause(self.actor.user_id, self.actor.role.value, self.request_id, self.command_id)


_current: contextvars.ContextVar[CommandContext] = contextvars.ContextVar(
    "steelyard_command_context",
    default=CommandContext(),  # noqa: B039 (frozen)
)


def current() -> CommandContext:
    return _current.get()


def enter(context: CommandContext) -> None:
    """Make ``context`` current for the rest of this task (an HTTP request's own task: the
    web layer sets it once per request, and the task's end discards it)."""
    _current.set(context)


@contextmanager
def acting(context: CommandContext) -> Iterator[CommandContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


class FrozenClock:
    """A clock for tests and replays: time moves only when told."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)
