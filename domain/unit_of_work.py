"""What one attempt of a command loads and changes, saved together at its end (commands.py)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from domain.base import Aggregate
from domain.errors import NotFoundError
from domain.ledger import Claim, Ledger

A = TypeVar("A", bound=Aggregate)


class UnitOfWork:
    """What one attempt of a command loaded and created; saved together at the end.

    In a group commit, ``batch`` holds the aggregates the commands before this one changed: this
    command reads (a copy of) their changed state, and only if it succeeds are its own changes
    adopted into the batch, so a refused command leaves nothing behind.

    ``known(id)``, if given, answers from what this process knows without asking the store (a
    copy, or None to ask the store): the ids it answered are ``trusted``, and the command path
    checks them before the decision counts (``CommandRunner``)."""

    def __init__(
        self,
        app: Ledger,
        batch: dict[UUID, Aggregate] | None = None,
        known: Callable[[UUID], Aggregate | None] | None = None,
    ) -> None:
        self.app = app
        self._batch = batch if batch is not None else {}
        self._known = known
        self._touched: dict[UUID, Aggregate] = {}
        self.read: dict[UUID, int] = {}  # each id read from the store: its version then (0: none)
        self.trusted: set[UUID] = set()  # the ids of ``read`` that ``known`` answered
        self._minted: set[UUID] = set()

    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        if aggregate_id in self._touched:
            found: Aggregate | None = self._touched[aggregate_id]
        elif aggregate_id in self._batch:
            found = copy.deepcopy(self._batch[aggregate_id])
            self._touched[aggregate_id] = found
        elif aggregate_id in self.read:  # looked up already and nothing was there
            return None
        else:
            found = self._known(aggregate_id) if self._known is not None else None
            if found is not None:
                self.trusted.add(aggregate_id)
            else:
                found = self.app.load(cls, aggregate_id)
            self.read[aggregate_id] = found.version if found is not None else 0
            if found is None:
                return None
            self._touched[aggregate_id] = found
        return found if isinstance(found, cls) else None

    def mint(self, aggregate_id: UUID) -> None:
        """This command makes that id (from a fresh uuid4) and will create its aggregate."""
        self._minted.add(aggregate_id)

    def is_new(self, aggregate_id: UUID) -> bool:
        """Was this aggregate created (or its id minted) by this command? Then nothing stored
        before can refer to it: no claim made of its id need be looked up."""
        found = self._touched.get(aggregate_id)
        return aggregate_id in self._minted or (
            found is not None
            and bool(found.pending_events)
            and found.pending_events[0].originator_version == 1
        )

    def get(self, cls: type[A], aggregate_id: UUID, what: str | None = None) -> A:
        found = self.find(cls, aggregate_id)
        if found is None:
            raise NotFoundError(what or cls.__name__.lower())
        return found

    def add(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self._touched[aggregate.id] = aggregate

    def claim(self, kind: str, value: str, owner_id: UUID) -> bool:
        """Claim a unique value for an owner; False if someone else holds it."""
        existing = self.find(Claim, Claim.create_id(kind, value))
        if existing is not None and existing.owner_id is None:
            existing.transfer(owner_id)
            return True
        if existing is not None:
            return existing.owner_id == owner_id
        self.add(Claim(kind=kind, value=value, owner_id=owner_id))
        return True

    def release(self, kind: str, value: str, reason: str) -> None:
        claim = self.find(Claim, Claim.create_id(kind, value))
        if claim is not None:
            claim.release(reason)

    def owner_of(self, kind: str, value: str) -> UUID | None:
        claim = self.find(Claim, Claim.create_id(kind, value))
        return claim.owner_id if claim else None

    def pending(self) -> list[Aggregate]:
        return [a for a in self._touched.values() if a.pending_events]

    def again(self) -> UnitOfWork:
        """A fresh attempt over the same batch: nothing of this one's reads or changes, and
        every read from the store."""
        return UnitOfWork(self.app, self._batch)

    def adopt_into_batch(self) -> None:
        """This command succeeded: the next ones in the batch see what it changed."""
        self._batch.update((a.id, a) for a in self.pending())
