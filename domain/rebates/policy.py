"""A rebate policy (返利政策) and its versions; the index that lists every policy.

A policy's terms change only by a new version valid from a later business date: the version
before it then ends the day before. Every accrual records the version it used, so a past
rebate is always explained by the terms then in force.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import event

from domain.base import Aggregate
from domain.ledger import stable_id
from domain.rebates.errors import RebateInvalidError
from domain.rebates.values import KIND_LABELS, PolicyScope, PolicyTerms, RebateKind


class RebatePolicy(Aggregate):
    @staticmethod
    def create_id(policy_no: str) -> UUID:
        return stable_id("rebate-policy", policy_no)

    @event("Created")
    def __init__(
        self,
        policy_no: str,
        name: str,
        kind: RebateKind,
        scope: PolicyScope,
        category: str | None,
        product_id: UUID | None,
        terms: PolicyTerms,
    ) -> None:
        self.policy_no = policy_no
        self.name = name
        self.kind = kind
        self.scope = scope
        self.category = category
        self.product_id = product_id
        self.versions: tuple[PolicyTerms, ...] = (terms,)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind.value]

    @property
    def latest(self) -> PolicyTerms:
        return self.versions[-1]

    def in_force(self, day: date) -> PolicyTerms | None:
        """The version in force on a business date (None: the policy does not apply then)."""
        return next((v for v in reversed(self.versions) if v.in_force(day)), None)

    def terms_version(self, number: int) -> PolicyTerms:
        return self.versions[number - 1]

    def revise(self, terms: PolicyTerms) -> PolicyTerms:
        """A new version from ``terms.valid_from`` (after the latest version's start); the
        latest version ends the day before."""
        if terms.valid_from <= self.latest.valid_from:
            raise RebateInvalidError(
                "invalid_validity",
                f"A new version starts after {self.latest.valid_from.isoformat()}.",
            )
        numbered = replace(terms, version=len(self.versions) + 1)
        self._revised(terms=numbered, previous_ends=terms.valid_from - timedelta(days=1))
        return numbered

    @event("Revised")
    def _revised(self, terms: PolicyTerms, previous_ends: date) -> None:
        latest = self.versions[-1]
        if latest.valid_to is None or latest.valid_to > previous_ends:
            latest = replace(latest, valid_to=previous_ends)
        self.versions = (*self.versions[:-1], latest, terms)


class PolicyIndex(Aggregate):
    """Every policy's id, so an accrual finds the ones that may apply in one read."""

    ID = stable_id("rebate-policy-index", "all")

    @staticmethod
    def create_id() -> UUID:
        return PolicyIndex.ID

    @event("Opened")
    def __init__(self) -> None:
        self.policy_ids: tuple[UUID, ...] = ()

    def register(self, policy_id: UUID) -> None:
        if policy_id not in self.policy_ids:
            self._registered(policy_id=policy_id)

    @event("Registered")
    def _registered(self, policy_id: UUID) -> None:
        self.policy_ids = (*self.policy_ids, policy_id)
